package authflow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/secretsfile"
	"github.com/hoard-dev/hoard/secret"
)

// WriteSecrets sets keys of the TOML secrets file at path (creating it,
// and its directory, when missing), keeping every other line as it was,
// and writes it atomically with mode 0600: after a crash the file holds
// either all the old values or all the new ones. It returns the keys
// whose old value it replaced. An existing file readable by others, or
// not valid TOML, is refused as secret.Load refuses it.
func WriteSecrets(path string, set map[string]string) (replaced []string, err error) {
	old, err := secret.Load(path)
	var text string
	switch {
	case err == nil:
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		text = string(data)
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("secrets file: %w", err)
		}
	default:
		return nil, err
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v, ok := old[k]; ok && v != set[k] {
			replaced = append(replaced, k)
		}
		text = secretsfile.Set(text, k, set[k])
	}
	if err := atomicfile.Write(path, []byte(text), 0o600); err != nil {
		return nil, fmt.Errorf("secrets file %s: %w", path, err)
	}
	return replaced, nil
}
