// Package config reads hoard.toml strictly: unknown keys, wrong types and
// missing fields are errors that name the file, the line and the key.
//
// The shape:
//
//	root = "~/exports"
//
//	[sources.rtm]
//	exporter = "command"
//	command = ["/soft/export/rememberthemilk.py", "--secrets", "{secrets}"]
//	extension = "ical"
//	compression = "zstd"
//	retries = 3
//	timeout = "10m"
//	secrets = "~/.config/hoard/secrets/rtm.toml"
//
// Keys common to every source are fields of Source; keys of one exporter
// (command, path, ...) are decoded into that exporter's parameter struct,
// which the caller supplies through a ParamsFunc. The read-back keys (key,
// time, kinds, ...) are checked for their form here; whether a decoder
// name exists is for the caller, which knows the decoders (see Line).
//
// The package knows nothing of reading snapshots back or of the index: it
// imports only export (for export.Source), snapshot and small helpers.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
)

// Config is a loaded hoard.toml.
type Config struct {
	Path    string // the file it was read from
	lines   locator
	Root    string             // exports root, absolute, "~" expanded
	Sources map[string]*Source // by name
	Order   []string           // source names in file order
	Notify  []string           // top-level notify command; nil if none
	Daemon  Daemon             // the [daemon] table, defaults filled
	Storage                    // host, after_run and the [s3] table (storage.go)
}

// Source is one [sources.NAME] table.
type Source struct {
	export.Source      // what its exporter kind is built from
	Line          int  // line of the [sources.NAME] header
	Read          Read // how its snapshots are read back
	Schedule           // when the daemon runs it, whom it notifies
}

// ParamsFunc returns a pointer to a fresh parameter struct for an exporter
// kind, or false when the kind is unknown.
type ParamsFunc func(exporter string) (params any, ok bool)

// fileShape is the top level of the file.
type fileShape struct {
	Root    string                    `toml:"root"`
	Sources map[string]toml.Primitive `toml:"sources"`
	Notify  []string                  `toml:"notify"`
	Daemon  daemonShape               `toml:"daemon"`
	storageShape
}

// common holds the keys every source accepts.
type common struct {
	Exporter    string             `toml:"exporter"`
	Extension   *string            `toml:"extension"`
	Compression string             `toml:"compression"`
	Retries     *int               `toml:"retries"`
	Timeout     *duration.Duration `toml:"timeout"`
	Secrets     string             `toml:"secrets"`
	Read
	Schedule
	KeepIdentical bool `toml:"keep_identical"`
	PerHost       bool `toml:"per_host"`
}

// Load reads and validates the config at path. params supplies the
// parameter struct of each exporter kind.
func Load(path string, params ParamsFunc) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, params)
}

// Parse validates config text; path is used in messages and to resolve
// the relative paths the text holds (root, secrets, when_present), which
// are relative to its directory.
func Parse(path string, data []byte, params ParamsFunc) (*Config, error) {
	lines := newLocator(data)
	var shape fileShape
	md, err := toml.Decode(string(data), &shape)
	if err != nil {
		return nil, lines.tomlError(path, err)
	}
	c := &Config{Path: path, Sources: map[string]*Source{}, lines: lines}
	if shape.Root == "" {
		return nil, fmt.Errorf("%s: missing key \"root\" (the exports directory, e.g. root = \"~/exports\")", path)
	}
	// Relative paths in the file are relative to the file, not to the
	// directory hoard was started in (cron and systemd start it elsewhere).
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.applyStorage(shape.storageShape, shape.Root, dir); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, lines.line(storageKey(err)...), err)
	}
	for _, key := range md.Keys() {
		if len(key) == 2 && key[0] == "sources" {
			c.Order = append(c.Order, key[1])
		}
	}
	var errs []error
	for _, name := range c.Order {
		src, err := parseSource(&md, name, shape.Sources[name], params, lines.line("sources", name), dir, c.Host)
		var te *typeError
		switch {
		case errors.As(err, &te):
			errs = append(errs, lines.tomlError(path, te.err))
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("%s:%d: [sources.%s]: %w", path, lines.line("sources", name), name, err))
			continue
		}
		c.Sources[name] = src
	}
	if err := c.applySchedules(shape); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", path, lines.line(scheduleKey(err)...), err))
	}
	undecoded := md.Undecoded()
	unknown := map[string]bool{}
	for _, key := range undecoded {
		unknown[key.String()] = true
	}
	for _, key := range undecoded {
		if len(key) > 1 && unknown[key[:len(key)-1].String()] {
			continue // inside an unknown table: the table is reported
		}
		errs = append(errs, fmt.Errorf("%s:%d: unknown key %q%s", path, lines.line(key...), key.String(), hint(key)))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func hint(key toml.Key) string {
	if len(key) == 1 {
		return " (top-level keys: root, host, notify, after_run, daemon, s3, sources)"
	}
	return ""
}

func parseSource(md *toml.MetaData, name string, prim toml.Primitive, params ParamsFunc, line int, dir, host string) (*Source, error) {
	if err := snapshot.ValidateSourceName(name); err != nil {
		return nil, err
	}
	var cm common
	if err := md.PrimitiveDecode(prim, &cm); err != nil {
		return nil, &typeError{err}
	}
	if cm.Exporter == "" {
		return nil, errors.New(`missing key "exporter" (e.g. exporter = "command")`)
	}
	p, ok := params(cm.Exporter)
	if !ok {
		return nil, fmt.Errorf("unknown exporter %q", cm.Exporter)
	}
	if err := md.PrimitiveDecode(prim, p); err != nil {
		return nil, &typeError{err}
	}
	src := &Source{Source: export.Source{Name: name, Exporter: cm.Exporter, Params: p, Retries: 1, KeepIdentical: cm.KeepIdentical},
		Line: line, Read: cm.Read, Schedule: cm.Schedule}
	if cm.PerHost {
		if cm.Read.Merge == "latest" {
			return nil, errors.New(`per_host = true needs merge = "union": the newest snapshot of one machine does not hold the others' data`)
		}
		src.Host = host
	}
	return src, src.applyCommon(cm, dir)
}

// applyCommon checks and sets the common keys; relative paths are
// relative to dir, the config file's directory.
func (s *Source) applyCommon(cm common, dir string) error {
	var err error
	if cm.Extension != nil {
		if err := snapshot.ValidateExt(*cm.Extension); err != nil {
			return fmt.Errorf("extension: %w", err)
		}
		s.Extension = *cm.Extension
	}
	if s.Compression, err = snapshot.ParseCompression(cm.Compression); err != nil {
		return fmt.Errorf("compression: %w", err)
	}
	if cm.Retries != nil {
		if *cm.Retries < 1 {
			return fmt.Errorf("retries = %d: it is the total number of attempts and must be at least 1", *cm.Retries)
		}
		s.Retries = *cm.Retries
	}
	if cm.Timeout != nil {
		if cm.Timeout.D <= 0 {
			return errors.New(`timeout must be positive, e.g. timeout = "10m"`)
		}
		s.Timeout = cm.Timeout.D
	}
	if cm.Secrets != "" {
		if s.Secrets, err = paths.ExpandFrom(dir, cm.Secrets); err != nil {
			return fmt.Errorf("secrets: %w", err)
		}
	}
	if err := s.Read.validate(); err != nil {
		return err
	}
	return s.Schedule.resolve(s.Name, dir)
}

// Names returns the source names in file order, or only those asked for;
// an unknown name is an error listing the known ones.
func (c *Config) Names(want []string) ([]string, error) {
	if len(want) == 0 {
		return c.Order, nil
	}
	for _, n := range want {
		if _, ok := c.Sources[n]; !ok {
			known := append([]string(nil), c.Order...)
			sort.Strings(known)
			return nil, fmt.Errorf("no source %q in %s (configured: %s)", n, c.Path, strings.Join(known, ", "))
		}
	}
	return want, nil
}

// Line returns the line of hoard.toml where a key is defined, e.g.
// Line("sources", "firefox", "decoder"); 0 when it cannot tell.
func (c *Config) Line(key ...string) int { return c.lines.line(key...) }

// typeError is a value of the wrong type or form, as the TOML decoder
// reports it.
type typeError struct{ err error }

func (e *typeError) Error() string { return e.err.Error() }

// nestedKey is how BurntSushi/toml names the key inside a nested table
// whose value failed to decode.
var nestedKey = regexp.MustCompile(`^(?:toml: )?line \d+ \(last key "([^"]+)"\): `)

// typeMismatch is how BurntSushi/toml reports a value of the wrong type.
var typeMismatch = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]+)"\): (.*)$`)

// tomlError turns BurntSushi's error into "FILE:LINE: key "a.b": what",
// the line being the key's own where it can be found.
func (l locator) tomlError(path string, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		m := typeMismatch.FindStringSubmatch(err.Error())
		if m == nil {
			return fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "toml: "))
		}
		n, _ := strconv.Atoi(m[1])
		pe = toml.ParseError{Message: m[3], LastKey: m[2], Position: toml.Position{Line: n}}
	}
	msg, key := pe.Message, pe.LastKey
	if m := nestedKey.FindStringSubmatch(msg); m != nil {
		msg = msg[len(m[0]):]
		if key != "" {
			key += "."
		}
		key += m[1]
	}
	line := pe.Position.Line
	if key == "" {
		return fmt.Errorf("%s:%d: %s", path, line, msg)
	}
	if n := l.line(splitKey(key)...); n > 0 {
		line = n
	}
	return fmt.Errorf("%s:%d: key %q: %s", path, line, key, msg)
}
