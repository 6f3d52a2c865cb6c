package httpx

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hoard-dev/hoard/internal/atomicfile"
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
	line := key + " = " + tomlString(value)
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	lines := strings.Split(string(data), "\n")
	found := false
	for i, l := range lines {
		if re.MatchString(l) {
			lines[i], found = line, true
		}
	}
	out := strings.Join(lines, "\n")
	if !found {
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		out += line + "\n"
	}
	if err := atomicfile.Write(path, []byte(out), 0o600); err != nil {
		return fmt.Errorf("secrets file %s: %w", path, err)
	}
	return nil
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
