package app

import (
	"context"
	"errors"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// Runner runs configured sources: it takes the source's lock, loads its
// secrets, runs its exporter through export.Runner into the store, and
// records the run in the journal. It is the one way a configured source
// runs, for `hoard run`, `hoard up` and the daemon alike. It is safe for
// concurrent use on different sources.
type Runner struct {
	Runner  *export.Runner
	Store   *snapshot.Store
	Layout  paths.Layout
	Journal *journal.Journal // nil: runs are not recorded
	Wait    bool             // wait for a held lock instead of refusing
}

// Run runs one source now with its exporter (built once by App.Exporter).
// A source locked by another run gives an error that errors.Is
// lock.ErrLocked (and a journal entry "locked"). The journal entry is
// written before Run returns; if it cannot be written, Result.JournalErr
// says so.
func (r *Runner) Run(ctx context.Context, src export.Source, ext string, exp export.Exporter) Result {
	start := time.Now()
	l, err := r.acquire(ctx, src.Name)
	if err != nil {
		res := export.Result{Start: start, End: time.Now(), Err: err}
		return r.record(src.Name, res)
	}
	defer l.Release()
	if w, ok := exp.(*file.Watcher); ok {
		// each new file is its own snapshot, recorded as it is stored
		return Result{Result: r.watch(ctx, src, w)}
	}
	return r.record(src.Name, r.run(ctx, src, ext, exp))
}

// Result is a run's outcome and whether the journal holds it.
type Result struct {
	export.Result
	JournalErr error // the journal entry could not be written
}

func (r *Runner) acquire(ctx context.Context, name string) (*lock.Lock, error) {
	path := r.Layout.Lock(name)
	if r.Wait {
		return lock.Acquire(ctx, path, 200*time.Millisecond)
	}
	return lock.TryAcquire(path)
}

func (r *Runner) run(ctx context.Context, src export.Source, ext string, exp export.Exporter) export.Result {
	var secrets secret.Secrets
	if src.Secrets != "" {
		var err error
		if secrets, err = secret.Load(src.Secrets); err != nil {
			return export.Result{Start: time.Now(), End: time.Now(), Err: err}
		}
	}
	job := export.Job{
		Source: src.Name, Exporter: exp, Attempts: src.Retries, Timeout: src.AttemptTimeout(),
		Secrets: secrets, SecretsPath: src.Secrets, State: export.NewState(r.Layout.Cursor(src.Name)),
		Target: export.StoreTarget{Store: r.Store, Source: src.Name, Ext: ext, Codec: src.Compression},
	}
	return r.Runner.Run(ctx, job)
}

// Outcome classifies a result for the journal.
func Outcome(res export.Result) string {
	switch {
	case res.Err == nil:
		return journal.OK
	case errors.Is(res.Err, lock.ErrLocked):
		return journal.Locked
	case errors.Is(res.Err, export.ErrTimeout):
		return journal.TimedOut
	case errors.Is(res.Err, export.ErrInterrupted), errors.Is(res.Err, context.Canceled):
		return journal.Interrupted
	}
	return journal.Failed
}

func (r *Runner) record(source string, res export.Result) Result {
	out := Result{Result: res}
	if r.Journal == nil {
		return out
	}
	e := journal.Entry{Source: source, Start: res.Start.UTC(), End: res.End.UTC(), Outcome: Outcome(res), Attempts: res.Attempts}
	if res.Snapshot != nil {
		e.Path, e.Bytes, e.StoredBytes, e.SHA256 = res.Snapshot.Path, res.Snapshot.Bytes, res.Snapshot.StoredBytes, res.Snapshot.SHA256
	}
	if res.Err != nil {
		e.Error = res.Err.Error() // already redacted by the runner
	}
	out.JournalErr = r.Journal.Append(e)
	return out
}
