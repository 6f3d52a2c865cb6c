// Package secret reads secrets files and keeps their values out of output.
//
// A secrets file is TOML with string values, `key = "value"` per line; the
// secrets.py files of exporthelpers-style exporters are in that form. A file
// readable or writable by group or others is refused.
package secret

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Secrets maps keys to secret values. Formatting it with %v prints the keys
// only, so an accidental log line does not leak values.
type Secrets map[string]string

// String lists the keys with redacted values.
func (s Secrets) String() string {
	keys := s.Keys()
	for i, k := range keys {
		keys[i] = k + "=" + Mask
	}
	return "{" + strings.Join(keys, " ") + "}"
}

// GoString is used by %#v; it redacts too.
func (s Secrets) GoString() string { return s.String() }

// Keys returns the sorted keys.
func (s Secrets) Keys() []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Load reads a secrets file. It fails when the file is accessible to group
// or others, when it is not valid TOML (naming the line), or when a value is
// not a string, number or boolean. Error messages never contain values.
func Load(path string) (Secrets, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("secrets file %s has mode %04o, readable by other users; fix it with: chmod 600 %s", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, fmt.Errorf("secrets file %s: %s (expected lines of the form key = \"value\")", path, safeParseError(err))
	}
	s := Secrets{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			s[k] = v
		case int64, float64, bool:
			s[k] = fmt.Sprint(v)
		default:
			return nil, fmt.Errorf("secrets file %s: key %q must be a string, number or boolean, not a %T", path, k, v)
		}
	}
	return s, nil
}

// safeParseError keeps the line number of a TOML parse error but drops the
// message, which may quote a secret value.
func safeParseError(err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("syntax error on line %d", pe.Position.Line)
	}
	return "syntax error"
}
