package httpx

import (
	"fmt"
	"os"

	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/secretsfile"
)

// SaveSecret sets key to value in the TOML secrets file at path, keeping
// every other line (comments included) as it was, and writes the file
// atomically with mode 0600: after a crash it holds either the old or the
// new token, never half of one.
func SaveSecret(path, key, value string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("secrets file: %w", err)
	}
	out := secretsfile.Set(string(data), key, value)
	if err := atomicfile.Write(path, []byte(out), 0o600); err != nil {
		return fmt.Errorf("secrets file %s: %w", path, err)
	}
	return nil
}
