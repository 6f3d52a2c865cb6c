// Package export defines what an exporter is and runs exporters safely.
//
// An exporter fetches one source's raw data and writes the bytes to the
// writer it is given, with the minimum of interpretation. It never touches
// the exports root, never chooses file names, never compresses and never
// retries: the Runner does all of that, the same way for every exporter.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// Exporter fetches a source's raw data.
type Exporter interface {
	// Export writes the raw export to w and returns nil when w holds a
	// complete export. On error, whatever was written is discarded by the
	// runner. Export must return promptly once ctx is done. Errors that a
	// retry cannot fix (bad credentials, bad parameters) should be wrapped
	// with Permanent so that the runner stops retrying.
	//
	// Export is called once per attempt, never concurrently for one source.
	Export(ctx context.Context, w io.Writer, env *Env) error
}

// Env is what the runner gives an exporter for one attempt.
type Env struct {
	Source      string           // source name
	Secrets     secret.Secrets   // values from the secrets file; nil if none
	SecretsPath string           // path of the secrets file; "" if none
	Redactor    *secret.Redactor // masks secret values; never nil
	Stderr      io.Writer        // diagnostics for the user; already redacted
	Log         *slog.Logger     // structured log; never nil
	State       *State           // incremental state; never nil
	Progress    Progress         // progress counters; never nil
}

// Progress receives an exporter's progress in pages and items. Bytes are
// counted by the runner. Implementations must be safe for concurrent use.
type Progress interface {
	// Add adds to the running counts of pages and items.
	Add(pages, items int64)
}

// NopProgress discards progress.
type NopProgress struct{}

// Add does nothing.
func (NopProgress) Add(pages, items int64) {}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying. It returns nil for nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err (or an error it wraps) was marked
// Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Source is what an exporter kind builds an exporter from: the settings
// every configured source has, and the kind's own parameters, decoded from
// hoard.toml into the struct the kind's NewParams returned.
type Source struct {
	Name        string         // the source's name, e.g. "firefox"
	Exporter    string         // the kind, e.g. "command", "file", "rest"
	Extension   string         // snapshot extension without dot; "" means the kind's default
	Compression snapshot.Codec // codec of new snapshots
	Retries     int            // total attempts per run, >= 1
	Timeout     time.Duration  // per attempt; 0 means DefaultTimeout
	Secrets     string         // path of the secrets file, "" if none
	Params      any            // the kind's own keys; nil for kinds without any
	// KeepIdentical keeps an output byte-identical to the source's newest
	// snapshot as a new snapshot (keep_identical = true); by default such
	// a run writes no file and is recorded as unchanged.
	KeepIdentical bool
	// Host is the subdirectory of the source's directory its snapshots go
	// to (per_host = true: this machine's name), "" for the source's
	// directory itself.
	Host string
}

// DefaultTimeout bounds one attempt of a source with no timeout set.
const DefaultTimeout = time.Hour

// AttemptTimeout returns the timeout of one attempt.
func (s Source) AttemptTimeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// Kind describes one exporter type that hoard.toml can name.
type Kind struct {
	Name string // the value of `exporter = "..."`
	// NewParams returns a pointer to a fresh struct with toml tags for the
	// exporter's own keys. The config loader decodes the source table
	// into it, so unknown keys are still errors.
	NewParams func() any
	// New builds the exporter for a source; src.Params is the struct
	// NewParams returned, decoded. Errors name the offending key. New
	// must not touch the network or the exports root.
	New func(src Source) (Exporter, error)
	// DefaultExt is the snapshot extension when the source sets none.
	DefaultExt string
}

// Kinds is a set of exporter kinds by name, listed explicitly by the
// program that runs them. It is read-only once built, so safe for
// concurrent use.
type Kinds struct{ byName map[string]Kind }

// NewKinds returns the set of ks. It panics on a duplicate name, a
// programming error found at start-up.
func NewKinds(ks ...Kind) *Kinds {
	k := &Kinds{byName: map[string]Kind{}}
	for _, kind := range ks {
		if _, dup := k.byName[kind.Name]; dup {
			panic("export: duplicate exporter kind " + kind.Name)
		}
		k.byName[kind.Name] = kind
	}
	return k
}

// Params returns a fresh parameter struct of kind name, or false when the
// kind is unknown. It is the config loader's view of the set.
func (k *Kinds) Params(name string) (any, bool) {
	kind, ok := k.byName[name]
	if !ok {
		return nil, false
	}
	if kind.NewParams == nil {
		return &struct{}{}, true
	}
	return kind.NewParams(), true
}

// Names returns the kind names, sorted.
func (k *Kinds) Names() []string {
	names := make([]string, 0, len(k.byName))
	for n := range k.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the exporter of a source.
func (k *Kinds) New(src Source) (Exporter, error) {
	kind, ok := k.byName[src.Exporter]
	if !ok {
		return nil, fmt.Errorf("source %s: unknown exporter %q (known: %s)", src.Name, src.Exporter, strings.Join(k.Names(), ", "))
	}
	e, err := kind.New(src)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	return e, nil
}

// Extension returns the snapshot extension of a source: its own, else its
// exporter's default.
func (k *Kinds) Extension(src Source) string {
	if src.Extension != "" {
		return src.Extension
	}
	return k.byName[src.Exporter].DefaultExt
}

// SignalError is the context cause hoard sets when it receives a signal;
// exporters that run programs forward that same signal to them.
type SignalError struct{ Signal os.Signal }

func (e SignalError) Error() string { return "received " + e.Signal.String() }
