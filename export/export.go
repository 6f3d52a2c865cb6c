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
	"sort"
	"sync"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/secret"
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

// Kind describes one exporter type that hoard.toml can name.
type Kind struct {
	Name string // the value of `exporter = "..."`
	// NewParams returns a pointer to a fresh struct with toml tags for the
	// exporter's own keys. The config loader decodes the source table
	// into it, so unknown keys are still errors.
	NewParams func() any
	// New builds the exporter for a source; src.Params is the struct
	// NewParams returned, decoded. Errors name the offending key.
	New func(src *config.Source) (Exporter, error)
	// DefaultExt is the snapshot extension when the source sets none.
	DefaultExt string
}

var (
	mu    sync.RWMutex
	kinds = map[string]Kind{}
)

// Register adds an exporter kind. It panics on a duplicate name, which is a
// programming error found at start-up.
func Register(k Kind) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic("export: duplicate exporter kind " + k.Name)
	}
	kinds[k.Name] = k
}

// Params is a config.ParamsFunc backed by the registry.
func Params(name string) (any, bool) {
	mu.RLock()
	defer mu.RUnlock()
	k, ok := kinds[name]
	if !ok {
		return nil, false
	}
	return k.NewParams(), true
}

// Kinds returns the registered kind names, sorted.
func Kinds() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the exporter of a configured source.
func New(src *config.Source) (Exporter, error) {
	mu.RLock()
	k, ok := kinds[src.Exporter]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("source %s: unknown exporter %q (known: %v)", src.Name, src.Exporter, Kinds())
	}
	e, err := k.New(src)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	return e, nil
}

// Extension returns the snapshot extension of a source: its own, else its
// exporter's default.
func Extension(src *config.Source) string {
	if src.Extension != "" {
		return src.Extension
	}
	mu.RLock()
	defer mu.RUnlock()
	return kinds[src.Exporter].DefaultExt
}
