package export

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/hoard-dev/hoard/config"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/internal/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// SourceRunner runs configured sources: it takes the source's lock, loads
// its secrets, runs the job through Runner into the store, and records the
// run in the journal. It is safe for concurrent use on different sources.
type SourceRunner struct {
	Runner   *Runner
	Store    *snapshot.Store
	StateDir string           // $XDG_STATE_HOME/hoard: locks/, state/
	Journal  *journal.Journal // may be nil
	Wait     bool             // wait for a held lock instead of refusing
}

// LockPath returns the lock file of a source.
func LockPath(stateDir, source string) string {
	return filepath.Join(stateDir, "locks", source+".lock")
}

// StatePath returns the incremental state file of a source.
func StatePath(stateDir, source string) string {
	return filepath.Join(stateDir, "state", source+".json")
}

// RunSource runs one source now. A source locked by another run gives an
// error that errors.Is lock.ErrLocked (and a journal entry "locked").
func (s *SourceRunner) RunSource(ctx context.Context, src *config.Source) Result {
	start := time.Now()
	l, err := s.acquire(ctx, src.Name)
	if err != nil {
		res := Result{Start: start, End: time.Now(), Err: err}
		res.Journal = s.record(src.Name, res)
		return res
	}
	defer l.Release()
	res := s.run(ctx, src)
	res.Journal = s.record(src.Name, res)
	return res
}

func (s *SourceRunner) acquire(ctx context.Context, name string) (*lock.Lock, error) {
	path := LockPath(s.StateDir, name)
	if s.Wait {
		return lock.Acquire(ctx, path, 200*time.Millisecond)
	}
	return lock.TryAcquire(path)
}

func (s *SourceRunner) run(ctx context.Context, src *config.Source) Result {
	fail := func(err error) Result { return Result{Start: time.Now(), End: time.Now(), Err: err} }
	exp, err := New(src)
	if err != nil {
		return fail(err)
	}
	var secrets secret.Secrets
	if src.Secrets != "" {
		if secrets, err = secret.Load(src.Secrets); err != nil {
			return fail(err)
		}
	}
	job := Job{
		Source: src.Name, Exporter: exp, Attempts: src.Retries, Timeout: src.AttemptTimeout(),
		Secrets: secrets, SecretsPath: src.Secrets, State: NewState(StatePath(s.StateDir, src.Name)),
		Target: StoreTarget{Store: s.Store, Source: src.Name, Ext: Extension(src), Codec: src.Compression},
	}
	return s.Runner.Run(ctx, job)
}

// Outcome classifies a result for the journal.
func Outcome(res Result) string {
	switch {
	case res.Err == nil:
		return journal.OK
	case errors.Is(res.Err, lock.ErrLocked):
		return journal.Locked
	case errors.Is(res.Err, ErrTimeout):
		return journal.TimedOut
	case errors.Is(res.Err, ErrInterrupted), errors.Is(res.Err, context.Canceled):
		return journal.Interrupted
	}
	return journal.Failed
}

// record appends the run to the journal and returns the error, if that
// failed.
func (s *SourceRunner) record(source string, res Result) error {
	if s.Journal == nil {
		return nil
	}
	e := journal.Entry{Source: source, Start: res.Start.UTC(), End: res.End.UTC(), Outcome: Outcome(res), Attempts: res.Attempts}
	if res.Snapshot != nil {
		e.Path, e.Bytes, e.StoredBytes, e.SHA256 = res.Snapshot.Path, res.Snapshot.Bytes, res.Snapshot.StoredBytes, res.Snapshot.SHA256
	}
	if res.Err != nil {
		e.Error = res.Err.Error() // already redacted by the runner
	}
	if err := s.Journal.Append(e); err != nil {
		s.Runner.log().Error("cannot write the journal", "path", s.Journal.Path, "error", err)
		return err
	}
	return nil
}
