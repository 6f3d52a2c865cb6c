// Package secret reads secrets files and keeps their values out of output.
//
// A secrets file is TOML with string values, `key = "value"` per line; the
// secrets.py files of exporthelpers-style exporters are in that form. A file
// readable or writable by group or others is refused.
package secret

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"syscall"

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

// Load reads a secrets file. It fails when the file is not a regular file
// (a FIFO would block the read for ever), is owned by another user, is
// accessible to group or others, is not valid TOML (naming the line), or
// when a value is not a string, number or boolean. Error messages never
// contain values.
func Load(path string) (Secrets, error) {
	data, err := readPrivate(path)
	if err != nil {
		return nil, err
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

// readPrivate reads a file that must be a regular file of the user's,
// not readable by others. It is opened without blocking (a FIFO's open
// would wait for a writer) and checked through the open descriptor, so
// that what is read is what was checked.
func readPrivate(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("secrets file %s is not a regular file (%s); give the path of a file", path, describeMode(info.Mode()))
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return nil, fmt.Errorf("secrets file %s is owned by user %d, not by you (user %d); another user could change it: copy it, or fix it with: chown %d %s", path, st.Uid, os.Geteuid(), os.Geteuid(), path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("secrets file %s has mode %04o, readable by other users; fix it with: chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	return data, nil
}

func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}
