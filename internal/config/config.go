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
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/suggest"
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
	Web     Web                // the [web] table
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
	Web     webShape                  `toml:"web"`
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
}

// Load reads and validates the config at path. params supplies the
// parameter struct of each exporter kind; kinds, if given, are the names
// of every exporter kind, for "did you mean" hints.
func Load(path string, params ParamsFunc, kinds ...string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, params, kinds...)
}

// Parse validates config text; path is used in messages and to resolve
// the relative paths the text holds (root, secrets, when_present), which
// are relative to its directory. Every mistake is reported, each once, in file order: one
// line per mistake (see decoder). With an error, the Config returned (when
// not nil) holds the sources that had no mistake, so that a caller can
// check them further and report every mistake at once; it must not be
// used otherwise.
func Parse(path string, data []byte, params ParamsFunc, kinds ...string) (*Config, error) {
	lines := newLocator(data)
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return nil, lines.tomlError(path, err)
	}
	d := &decoder{md: &md, path: path, lines: lines}
	var shape fileShape
	d.fields(at{}, top, &shape)
	c := &Config{Path: path, Sources: map[string]*Source{}, lines: lines}
	if _, ok := top["root"]; !ok {
		d.fail(0, "missing key \"root\" (the exports directory, e.g. root = \"~/exports\")")
	} else if shape.Root == "" {
		d.fail(lines.line("root"), "root is empty: give the exports directory, e.g. root = \"~/exports\"")
	}
	// Relative paths in the file are relative to the file, not to the
	// directory hoard was started in (cron and systemd start it elsewhere).
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if shape.Root != "" {
		if c.Root, err = paths.ExpandFrom(dir, shape.Root); err != nil {
			d.fail(lines.line("root"), "root: %v", err)
		}
	}
	for _, key := range md.Keys() {
		if len(key) != 2 || key[0] != "sources" {
			continue
		}
		if _, ok := shape.Sources[key[1]]; ok {
			c.Order = append(c.Order, key[1])
		}
	}
	for _, name := range c.Order {
		if src := parseSource(d, name, shape.Sources[name], params, kinds, dir); src != nil {
			c.Sources[name] = src
		}
	}
	if len(d.errs) == 0 {
		if err := c.applySchedules(shape); err != nil {
			d.fail(lines.line(scheduleKey(err)...), "%v", err)
		}
	}
	if web, err := shape.Web.resolve(); err != nil {
		d.fail(lines.line(scheduleKey(err)...), "%v", err)
	} else {
		c.Web = web
	}
	if err := d.err(); err != nil {
		if c.Root == "" {
			return nil, err
		}
		c.Order = slices.DeleteFunc(c.Order, func(n string) bool { return c.Sources[n] == nil })
		return c, err
	}
	return c, nil
}

// parseSource decodes and checks one [sources.NAME] table; nil when it
// has mistakes, which are recorded in d.
func parseSource(d *decoder, name string, prim toml.Primitive, params ParamsFunc, kinds []string, dir string) *Source {
	a := at{key: []string{"sources", name}}
	header := d.line(a)
	failed := func(format string, args ...any) *Source {
		d.fail(header, "[sources.%s]: %s", name, fmt.Sprintf(format, args...))
		return nil
	}
	if err := snapshot.ValidateSourceName(name); err != nil {
		return failed("%v", err)
	}
	keys, ok := d.split(a, prim)
	if !ok {
		return nil
	}
	// The exporter says which other keys exist; without a valid one the
	// rest of the table cannot be judged, so nothing else is reported.
	exp, ok := keys["exporter"]
	if !ok {
		return failed(`missing key "exporter" (e.g. exporter = "command")`)
	}
	var kind string
	if err := d.md.PrimitiveDecode(exp, &kind); err != nil {
		d.typeError(a.child("exporter"), exp, reflect.TypeFor[string](), err)
		return nil
	}
	p, ok := params(kind)
	if !ok {
		hint := suggest.Hint(kind, kinds)
		if hint == "" && len(kinds) > 0 {
			hint = " (exporters: " + strings.Join(kinds, ", ") + ")"
		}
		d.fail(d.line(a, "exporter"), "[sources.%s]: unknown exporter %q%s", name, kind, hint)
		return nil
	}
	before := len(d.errs)
	var cm common
	d.fields(a, keys, &cm, p)
	if len(d.errs) > before {
		return nil
	}
	src := &Source{Source: export.Source{Name: name, Exporter: kind, Params: p, Retries: 1}, Line: header, Read: cm.Read, Schedule: cm.Schedule}
	for _, err := range src.applyCommon(cm, dir) {
		line := header
		var ke keyError
		if errors.As(err, &ke) {
			if n := d.line(a, ke.key...); n > 0 {
				line = n
			}
		}
		d.fail(line, "[sources.%s]: %v", name, err)
	}
	if len(d.errs) > before {
		return nil
	}
	return src
}

// applyCommon checks the keys every source has and fills s; it returns
// one error per mistake (a keyError where the key is known). Relative
// paths are relative to dir, the config file's directory.
func (s *Source) applyCommon(cm common, dir string) []error {
	var errs []error
	fail := func(key string, err error) { errs = append(errs, keyError{[]string{key}, err}) }
	if cm.Extension != nil {
		if err := snapshot.ValidateExt(*cm.Extension); err != nil {
			fail("extension", fmt.Errorf("extension: %w", err))
		}
		s.Extension = *cm.Extension
	}
	var err error
	if s.Compression, err = snapshot.ParseCompression(cm.Compression); err != nil {
		fail("compression", fmt.Errorf("compression: %w", err))
	}
	if cm.Retries != nil {
		if *cm.Retries < 1 {
			fail("retries", fmt.Errorf("retries = %d: it is the total number of attempts and must be at least 1", *cm.Retries))
		}
		s.Retries = *cm.Retries
	}
	if cm.Timeout != nil {
		if cm.Timeout.D <= 0 {
			fail("timeout", errors.New(`timeout must be positive, e.g. timeout = "10m"`))
		}
		s.Timeout = cm.Timeout.D
	}
	if cm.Secrets != "" {
		if s.Secrets, err = paths.ExpandFrom(dir, cm.Secrets); err != nil {
			fail("secrets", fmt.Errorf("secrets: %w", err))
		}
	}
	if err := s.Read.validate(); err != nil {
		errs = append(errs, keyError{validationKey(err), err})
	}
	if err := s.Schedule.resolve(s.Name, dir); err != nil {
		errs = append(errs, keyError{scheduleErrKey(err), err})
	}
	return errs
}

// validationKey is the key a Read.validate error starts with ("items: ...",
// "kinds.x.key: ..."), to find its line.
func validationKey(err error) []string {
	key, _, _ := strings.Cut(err.Error(), ":")
	key, _, _ = strings.Cut(key, " ")
	return strings.Split(key, ".")
}

// scheduleErrKey is the key a Schedule.resolve error is about.
func scheduleErrKey(err error) []string {
	for _, k := range []string{"when_present", "notify", "jitter"} {
		if strings.HasPrefix(err.Error(), k) {
			return []string{k}
		}
	}
	return []string{"schedule"}
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
			if len(known) == 0 {
				return nil, fmt.Errorf("no source %q in %s (no sources are configured)", n, c.Path)
			}
			return nil, fmt.Errorf("no source %q in %s%s (configured: %s)", n, c.Path, suggest.Hint(n, known), strings.Join(known, ", "))
		}
	}
	return want, nil
}

// Line returns the line of hoard.toml where a key is defined, e.g.
// Line("sources", "firefox", "decoder"); 0 when it cannot tell.
func (c *Config) Line(key ...string) int { return c.lines.line(key...) }

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
