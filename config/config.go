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
// which the caller supplies through a ParamsFunc.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
)

// Config is a loaded hoard.toml.
type Config struct {
	Path    string             // the file it was read from
	Root    string             // exports root, absolute, "~" expanded
	Sources map[string]*Source // by name
	Order   []string           // source names in file order
	Notify  []string           // top-level notify command; nil if none
	Daemon  Daemon             // the [daemon] table, defaults filled
}

// Source is one [sources.NAME] table.
type Source struct {
	Name        string
	Exporter    string         // which exporter runs it, e.g. "command", "file"
	Extension   string         // snapshot file extension, without dot
	Compression snapshot.Codec // codec for new snapshots
	Retries     int            // total attempts per run, >= 1
	Timeout     time.Duration  // per attempt; 0 means the default
	Secrets     string         // path of the secrets file, "" if none
	Params      any            // the exporter's own parameters, decoded
	Line        int            // line of the [sources.NAME] header
	DAL                        // how the data access layer reads it back
	Schedule                   // when the daemon runs it, whom it notifies
}

// ParamsFunc returns a pointer to a fresh parameter struct for an exporter
// kind, or false when the kind is unknown.
type ParamsFunc func(exporter string) (params any, ok bool)

// DefaultTimeout bounds one attempt of a source with no timeout set.
const DefaultTimeout = time.Hour

// fileShape is the top level of the file.
type fileShape struct {
	Root    string                    `toml:"root"`
	Sources map[string]toml.Primitive `toml:"sources"`
	Notify  []string                  `toml:"notify"`
	Daemon  daemonShape               `toml:"daemon"`
}

// common holds the keys every source accepts.
type common struct {
	Exporter    string    `toml:"exporter"`
	Extension   *string   `toml:"extension"`
	Compression string    `toml:"compression"`
	Retries     *int      `toml:"retries"`
	Timeout     *Duration `toml:"timeout"`
	Secrets     string    `toml:"secrets"`
	DAL
	Schedule
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
		return nil, fmt.Errorf("%s: %s", path, tomlError(err))
	}
	c := &Config{Path: path, Sources: map[string]*Source{}}
	if shape.Root == "" {
		return nil, fmt.Errorf("%s: missing key \"root\" (the exports directory, e.g. root = \"~/exports\")", path)
	}
	// Relative paths in the file are relative to the file, not to the
	// directory hoard was started in (cron and systemd start it elsewhere).
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Root, err = paths.ExpandFrom(dir, shape.Root); err != nil {
		return nil, fmt.Errorf("%s: root: %w", path, err)
	}
	for _, key := range md.Keys() {
		if len(key) == 2 && key[0] == "sources" {
			c.Order = append(c.Order, key[1])
		}
	}
	var errs []error
	for _, name := range c.Order {
		src, err := parseSource(&md, name, shape.Sources[name], params, lines.line("sources", name), dir)
		if err != nil {
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
		return " (top-level keys: root, notify, daemon, sources)"
	}
	return ""
}

func parseSource(md *toml.MetaData, name string, prim toml.Primitive, params ParamsFunc, line int, dir string) (*Source, error) {
	if err := snapshot.ValidateSourceName(name); err != nil {
		return nil, err
	}
	var cm common
	if err := md.PrimitiveDecode(prim, &cm); err != nil {
		return nil, errors.New(tomlError(err))
	}
	if cm.Exporter == "" {
		return nil, errors.New(`missing key "exporter" (e.g. exporter = "command")`)
	}
	p, ok := params(cm.Exporter)
	if !ok {
		return nil, fmt.Errorf("unknown exporter %q", cm.Exporter)
	}
	if err := md.PrimitiveDecode(prim, p); err != nil {
		return nil, errors.New(tomlError(err))
	}
	// An exporter whose snapshots need a decoder of their own names it.
	if d, ok := p.(interface{ DefaultDecoder() string }); ok && cm.DAL.Decoder == "" {
		cm.DAL.Decoder = d.DefaultDecoder()
	}
	src := &Source{Name: name, Exporter: cm.Exporter, Params: p, Line: line, Retries: 1, DAL: cm.DAL, Schedule: cm.Schedule}
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
	if err := s.DAL.validate(); err != nil {
		return err
	}
	return s.Schedule.resolve(s.Name, dir)
}

// AttemptTimeout returns the timeout of one attempt.
func (s *Source) AttemptTimeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
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

// Duration is a time.Duration written as "10m", "1h30m" or "90s".
type Duration struct{ D time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (use e.g. \"90s\", \"10m\", \"2h\")", b)
	}
	d.D = v
	return nil
}

// tomlError shortens BurntSushi's messages while keeping line and key.
func tomlError(err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		if pe.LastKey != "" {
			return fmt.Sprintf("line %d: key %q: %s", pe.Position.Line, pe.LastKey, pe.Message)
		}
		return fmt.Sprintf("line %d: %s", pe.Position.Line, pe.Message)
	}
	return strings.TrimPrefix(err.Error(), "toml: ")
}
