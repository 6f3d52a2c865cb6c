// Package app is the one place where hoard's configuration meets its
// exporters, the data access layer and the index: it loads hoard.toml
// with every exporter kind and decoder hoard has, runs sources, reads
// their items (through the index or not), and reports on them (doctor,
// gaps, status). The command line, the daemon and the web app call it
// and only format what it returns.
package app

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	_ "time/tzdata" // time_zone names work on machines without a zone database

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/exporter/command"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/suggest"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/all"
)

// Sources are the built-in sources.
var Sources = all.Sources

// Exporters are every exporter kind a config may name: the generic ones
// and every built-in source's.
var Exporters = export.NewKinds(append([]export.Kind{command.Kind, file.Kind, rest.Kind}, Sources.Exporters()...)...)

// App is a loaded configuration. It is safe for concurrent use.
type App struct {
	Config *config.Config
	Layout paths.Layout
	specs  map[string]dal.Spec

	mu        sync.Mutex
	exporters map[string]export.Exporter
}

// ConfigError is a mistake in hoard.toml (or in a file it names): nothing
// was run. Its message names the file and line.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Load reads the config at path and resolves how every source is read
// back. Every mistake is a *ConfigError naming its file and line; a
// missing file is an error that errors.Is fs.ErrNotExist.
func Load(path string, layout paths.Layout) (*App, error) {
	cfg, err := config.Load(path, Exporters.Params, Exporters.Names()...)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if cfg != nil {
			// Report the mistakes of the sources the config accepted too.
			var ce *ConfigError
			if _, err2 := New(cfg, layout); errors.As(err2, &ce) {
				err = errors.Join(err, ce.Err)
			}
		}
		return nil, &ConfigError{err}
	}
	return New(cfg, layout)
}

// New resolves a parsed config; see Load.
func New(cfg *config.Config, layout paths.Layout) (*App, error) {
	a := &App{Config: cfg, Layout: layout, specs: map[string]dal.Spec{}, exporters: map[string]export.Exporter{}}
	var errs []error
	for _, name := range cfg.Order {
		spec, err := a.buildSpec(cfg.Sources[name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		a.specs[name] = spec
	}
	if cfg.S3 != nil {
		if err := mountS3(cfg, layout); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, &ConfigError{errors.Join(errs...)}
	}
	return a, nil
}

// Spec returns how source name is read back.
func (a *App) Spec(name string) dal.Spec { return a.specs[name] }

// Exporter returns the exporter of source name, built once.
func (a *App) Exporter(name string) (export.Exporter, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.exporters[name]; e != nil {
		return e, nil
	}
	src := a.Config.Sources[name]
	e, err := Exporters.New(src.Source)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("%s:%d: %w", a.Config.Path, src.Line, err)}
	}
	a.exporters[name] = e
	return e, nil
}

// CheckExporters builds the exporters of names, so that a mistake in any
// of them stops a run before anything is fetched. Every mistake is
// reported.
func (a *App) CheckExporters(names []string) error {
	var errs []error
	for _, n := range names {
		if _, err := a.Exporter(n); err != nil {
			errs = append(errs, err.(*ConfigError).Err)
		}
	}
	if len(errs) > 0 {
		return &ConfigError{errors.Join(errs...)}
	}
	return nil
}

// Extension returns the snapshot extension of source name.
func (a *App) Extension(name string) string {
	return Exporters.Extension(a.Config.Sources[name].Source)
}

// buildSpec resolves the read settings of a configured source: its
// decoder (named, else its exporter's, else the local built-in source of
// that exact name for a file or command export, else by extension) and the
// settings of each kind (the config's tables over the exporter's: a rest
// endpoint's key is its kind's key).
func (a *App) buildSpec(src *config.Source) (dal.Spec, error) {
	r := src.Read
	at := func(key ...string) string {
		return fmt.Sprintf("%s:%d", a.Config.Path, a.Config.Line(append([]string{"sources", src.Name}, key...)...))
	}
	spec := dal.Spec{
		Source: src.Name, Items: r.Items, Key: r.Key, Time: r.Time,
		Title: r.Title, URL: r.URL, Text: r.Text, Merge: r.Merge, Kinds: exporterKinds(src),
		MaxItemSize: int64(r.MaxItemSize),
		TimeFormat:  r.TimeFormat, TimeUnit: r.TimeUnit, TimeEpoch: r.TimeEpoch, TimeZone: r.TimeZone,
		FixEncoding: r.FixEncoding, Members: r.Members,
	}
	spec.Queries, spec.QueryFallbacks = SplitQueries(r.Queries)
	for kind, k := range r.Kinds {
		ks := dal.KindSpec{Items: k.Items, Members: k.Members, Key: k.Key, Time: k.Time, Title: k.Title, URL: k.URL, Text: k.Text,
			TimeFormat: k.TimeFormat, TimeUnit: k.TimeUnit, TimeEpoch: k.TimeEpoch, TimeZone: k.TimeZone,
			FixEncoding: k.FixEncoding}
		if k.Decoder != "" {
			if ks.Decoder = Sources.Decoder(k.Decoder); ks.Decoder == nil {
				return spec, fmt.Errorf("%s: [sources.%s.kinds.%s]: decoder = %q: unknown%s (decoders: %s)", at("kinds", kind, "decoder"), src.Name, kind, k.Decoder,
					suggest.Hint(k.Decoder, Sources.DecoderNames()), strings.Join(Sources.DecoderNames(), ", "))
			}
		}
		spec.Kinds[kind] = dal.Overlay(spec.Kinds[kind], ks)
	}
	name := decoderName(src)
	if name != "" {
		if spec.Decoder = Sources.Decoder(name); spec.Decoder == nil {
			return spec, fmt.Errorf("%s: [sources.%s]: decoder = %q: unknown%s (decoders: %s)", at("decoder"), src.Name, name,
				suggest.Hint(name, Sources.DecoderNames()), strings.Join(Sources.DecoderNames(), ", "))
		}
	}
	if err := spec.Validate(); err != nil {
		return spec, fmt.Errorf("%s: [sources.%s]: %w", at(validationKey(err)...), src.Name, err)
	}
	return spec, nil
}

// SplitQueries turns each kind's queries into the kind's query and its
// fallbacks (tried when the first does not fit a snapshot's schema).
func SplitQueries[L ~[]string](queries map[string]L) (map[string]string, map[string][]string) {
	if len(queries) == 0 {
		return nil, nil
	}
	first := map[string]string{}
	var more map[string][]string
	for k, qs := range queries {
		if len(qs) == 0 {
			continue
		}
		first[k] = qs[0]
		if len(qs) > 1 {
			if more == nil {
				more = map[string][]string{}
			}
			more[k] = append([]string(nil), qs[1:]...)
		}
	}
	return first, more
}

// decoderName is the decoder a source's snapshots are read with.
func decoderName(src *config.Source) string {
	switch {
	case src.Read.Decoder != "":
		return src.Read.Decoder
	case src.Exporter == rest.Kind.Name:
		return dal.REST.Name
	case Sources.Lookup(src.Exporter) != nil:
		return src.Exporter
	case (src.Exporter == file.Kind.Name || src.Exporter == command.Kind.Name) && isLocal(Sources.Lookup(src.Name)):
		return src.Name
	}
	return ""
}

// isLocal reports a built-in source of files on this machine (a shell's
// history, a browser's database, an e-reader's or a phone app's file),
// whose snapshots a file or command source of the same name holds as they
// are. A command named after a web source (reddit, github) runs some other
// exporter, whose JSON its config's own read settings describe.
func isLocal(s *source.Source) bool {
	return s != nil && (s.Category == source.Local || s.Category == source.Device || s.Category == source.PhoneApp)
}

// exporterKinds returns the read settings an exporter's own config
// implies: a rest endpoint's key is the key of its items' kind.
func exporterKinds(src *config.Source) map[string]dal.KindSpec {
	kinds := map[string]dal.KindSpec{}
	if p, ok := src.Params.(*rest.Params); ok {
		for kind, keys := range p.KindKeyPaths() {
			kinds[kind] = dal.KindSpec{Key: keys}
		}
	}
	return kinds
}

// validationKey guesses which key a dal.Spec.Validate error is about, to
// find its line: its message starts with the key.
func validationKey(err error) []string {
	msg := err.Error()
	key, _, _ := strings.Cut(msg, " ")
	key = strings.TrimSuffix(key, ":")
	return strings.Split(key, ".")
}

// Names returns the configured source names, or those asked for; an
// unknown name is a *ConfigError that lists the known ones.
func (a *App) Names(want []string) ([]string, error) {
	names, err := a.Config.Names(want)
	if err != nil {
		return nil, &UsageError{err}
	}
	return names, nil
}

// UsageError is a mistake in what was asked (an unknown source name, a
// bad flag value): nothing was run.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }
