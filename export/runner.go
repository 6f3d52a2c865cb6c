package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// Target is where an attempt's snapshot is written.
type Target interface {
	// Create starts a snapshot stamped t. The caller commits or aborts it.
	Create(t time.Time) (*snapshot.Pending, error)
}

// StoreTarget writes into a source directory of an exports root.
type StoreTarget struct {
	Store  *snapshot.Store
	Source string
	Ext    string
	Codec  snapshot.Codec
	// Host, when set, is the subdirectory of the source's directory the
	// snapshots go to (a per-host source: ROOT/<source>/<host>/).
	Host string
}

// Dir returns the directory the target's snapshots go to.
func (t StoreTarget) Dir() (string, error) {
	dir, err := t.Store.Dir(t.Source)
	if err != nil || t.Host == "" {
		return dir, err
	}
	if err := snapshot.ValidateSourceName(t.Host); err != nil {
		return "", fmt.Errorf("host: %w", err)
	}
	return snapshot.Join(dir, t.Host), nil
}

// Create implements Target.
func (t StoreTarget) Create(at time.Time) (*snapshot.Pending, error) {
	if t.Host == "" {
		return t.Store.Create(t.Source, at, t.Ext, t.Codec)
	}
	dir, err := t.Dir()
	if err != nil {
		return nil, err
	}
	if err := snapshot.ValidateExt(t.Ext); err != nil {
		return nil, err
	}
	return snapshot.Create(dir, snapshot.StampName(at, t.Ext, t.Codec), t.Codec)
}

// Job is one export to run: which exporter, where to, how persistently.
type Job struct {
	Source      string
	Exporter    Exporter
	Target      Target
	Attempts    int           // total attempts, >= 1
	Timeout     time.Duration // per attempt; 0 means none
	Secrets     secret.Secrets
	SecretsPath string
	State       *State // nil means a state that is never saved
	// Previous is the source's newest snapshot as its writer recorded it
	// (path, uncompressed size and SHA-256); nil: none, or every output
	// is to be kept. An attempt whose output has the same size and
	// SHA-256, and whose snapshot file still holds exactly those bytes,
	// writes no file: its result is Unchanged, with Previous as its
	// snapshot.
	Previous *snapshot.Result
}

// Attempt describes one try of a job, for observers.
type Attempt struct {
	Source string
	N, Of  int       // attempt number (from 1) and total allowed
	Start  time.Time // when it started
	bytes  atomic.Int64
	pages  atomic.Int64
	items  atomic.Int64
	same   atomic.Bool
}

// Unchanged reports, once the attempt ended, whether its output repeated
// the job's Previous snapshot (so no file was written, and the snapshot
// AttemptEnded receives is that one).
func (a *Attempt) Unchanged() bool { return a.same.Load() }

// Bytes returns the uncompressed bytes written so far. It is safe to call
// from another goroutine while the attempt runs.
func (a *Attempt) Bytes() int64 { return a.bytes.Load() }

// Pages and Items return what the exporter reported through Env.Progress
// so far (0 for exporters that do not count). Safe for concurrent use.
func (a *Attempt) Pages() int64 { return a.pages.Load() }

// Items: see Pages.
func (a *Attempt) Items() int64 { return a.items.Load() }

// Add implements Progress.
func (a *Attempt) Add(pages, items int64) {
	a.pages.Add(pages)
	a.items.Add(items)
}

// Observer is told about attempts as they happen, e.g. to draw progress.
// Calls for one job come from the goroutine running it, in order.
type Observer interface {
	AttemptStarted(a *Attempt)
	AttemptEnded(a *Attempt, res *snapshot.Result, err error)
	Retrying(a *Attempt, wait time.Duration)
}

// Result is the outcome of a job.
type Result struct {
	Snapshot *snapshot.Result // nil unless the job succeeded
	// Unchanged: the output was byte for byte Job.Previous, so no file
	// was written; Snapshot is Job.Previous.
	Unchanged bool
	Attempts  int
	Start     time.Time
	End       time.Time
	Err       error // nil on success; redacted
}

// Runner runs jobs: attempts with backoff, per-attempt timeout, streaming
// into the target, commit on success and abort on failure, then the
// incremental state commit. The zero value is usable.
type Runner struct {
	Stderr   io.Writer        // exporter diagnostics; default io.Discard
	Log      *slog.Logger     // default discards
	Observer Observer         // may be nil
	Redactor *secret.Redactor // default: one built from each job's secrets
	Clock    clock.Clock      // default clock.System; tests give a clock.Fake
}

// MaxBackoff caps the wait between attempts.
const MaxBackoff = 60 * time.Second

// Backoff returns the wait before attempt n+1 after attempt n failed:
// 1 s, 2 s, 4 s ... capped at MaxBackoff, plus up to 25% random jitter.
func Backoff(n int) time.Duration {
	d := MaxBackoff
	if n < 7 {
		d = min(time.Second<<(n-1), MaxBackoff)
	}
	return d + rand.N(d/4+1)
}

// Run runs job to completion and returns its result. It never panics on a
// failing exporter, and it leaves no snapshot unless an attempt succeeded.
func (r *Runner) Run(ctx context.Context, job Job) Result {
	red := r.redactor(job.Secrets)
	res := Result{Start: r.now()}
	for n := 1; n <= job.Attempts; n++ {
		res.Attempts = n
		a := &Attempt{Source: job.Source, N: n, Of: job.Attempts, Start: r.now()}
		snap, err := r.attempt(ctx, job, a, red)
		if err == nil {
			res.Snapshot, res.End, res.Err = snap, r.now(), nil
			res.Unchanged = job.Previous != nil && snap == job.Previous
			return res
		}
		res.Err = red.Error(err)
		if n == job.Attempts || ctx.Err() != nil || IsPermanent(err) {
			break
		}
		wait := Backoff(n)
		r.log().Debug("attempt failed, retrying", "source", job.Source, "attempt", n, "of", job.Attempts, "wait", wait.Round(time.Millisecond), "error", res.Err)
		if r.Observer != nil {
			r.Observer.Retrying(a, wait)
		}
		if err := r.sleep(ctx, wait); err != nil {
			break
		}
	}
	res.End = r.now()
	return res
}

// attempt runs the exporter once into a fresh pending snapshot.
func (r *Runner) attempt(ctx context.Context, job Job, a *Attempt, red *secret.Redactor) (*snapshot.Result, error) {
	if r.Observer != nil {
		r.Observer.AttemptStarted(a)
	}
	snap, err := r.tryOnce(ctx, job, a, red)
	a.same.Store(err == nil && snap != nil && snap == job.Previous)
	if r.Observer != nil {
		r.Observer.AttemptEnded(a, snap, red.Error(err))
	}
	return snap, err
}

func (r *Runner) tryOnce(ctx context.Context, job Job, a *Attempt, red *secret.Redactor) (*snapshot.Result, error) {
	state := job.State
	if state == nil {
		state = NewState("")
	}
	defer state.discard()
	p, err := job.Target.Create(a.Start)
	if err != nil {
		return nil, Permanent(err)
	}
	defer p.Abort()
	actx, cancel := attemptContext(ctx, job.Timeout)
	defer cancel()
	stderr := secret.NewWriter(r.stderr(), red)
	env := &Env{
		Source: job.Source, Secrets: job.Secrets, SecretsPath: job.SecretsPath,
		Redactor: red, Stderr: stderr, Log: r.log().With("source", job.Source),
		State: state, Progress: a,
	}
	err = job.Exporter.Export(actx, countingWriter{p, &a.bytes}, env)
	stderr.Flush()
	if err == nil && actx.Err() != nil {
		err = actx.Err() // an exporter that ignored cancellation still fails
	}
	if err != nil {
		return nil, explainCancel(actx, err, job.Timeout)
	}
	if same, err := r.unchanged(p, job); err != nil {
		return nil, err
	} else if same {
		p.Abort()
		// The data the staged state stands for is on disk: in Previous.
		if err := state.commit(); err != nil {
			return job.Previous, fmt.Errorf("the output is identical to %s, but saving the incremental state failed (the next run will fetch some data again): %w", job.Previous.Path, err)
		}
		return job.Previous, nil
	}
	res, err := p.Commit()
	if err != nil {
		return nil, err
	}
	if err := state.commit(); err != nil {
		return &res, fmt.Errorf("snapshot %s is saved, but saving the incremental state failed (the next run will fetch some data again): %w", res.Path, err)
	}
	return &res, nil
}

// unchanged reports whether the attempt's output repeats job.Previous:
// the same size and SHA-256, and the previous file still holds exactly
// those bytes (it is read back and hashed, so that a damaged or replaced
// file is never taken as a copy of the data: then a new snapshot is
// written, and a warning logged).
func (r *Runner) unchanged(p *snapshot.Pending, job Job) (bool, error) {
	prev := job.Previous
	if prev == nil {
		return false, nil
	}
	sum, n, err := p.Sum()
	if err != nil {
		return false, err
	}
	if sum != prev.SHA256 || n != prev.Bytes {
		return false, nil
	}
	got, gn, err := snapshot.Digest(prev.Path)
	if err != nil || got != prev.SHA256 || gn != prev.Bytes {
		if err == nil {
			err = fmt.Errorf("it holds %d bytes with SHA-256 %s, not the %d bytes with SHA-256 %s its writer recorded", gn, got, prev.Bytes, prev.SHA256)
		}
		r.log().Warn("the newest snapshot does not hold what the journal says: writing a new snapshot", "source", job.Source, "path", prev.Path, "error", err)
		return false, nil
	}
	return true, nil
}

// ErrTimeout is wrapped by the error of an attempt that ran out of time.
var ErrTimeout = errors.New("timed out")

// ErrInterrupted is wrapped by the error of an attempt cut short because
// hoard was interrupted or its caller cancelled it.
var ErrInterrupted = errors.New("interrupted")

func attemptContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, timeout, ErrTimeout)
}

// explainCancel replaces the error of an attempt cut short with one that
// says why.
func explainCancel(actx context.Context, err error, timeout time.Duration) error {
	cause := context.Cause(actx)
	switch {
	case errors.Is(cause, ErrTimeout):
		return fmt.Errorf("%w after %s (the exporter's process group was killed): %v", ErrTimeout, timeout, err)
	case cause != nil:
		return fmt.Errorf("%w (%v): %v", ErrInterrupted, cause, err)
	}
	return err
}

func (r *Runner) redactor(s secret.Secrets) *secret.Redactor {
	if r.Redactor != nil {
		r.Redactor.AddSecrets(s)
		return r.Redactor
	}
	red := &secret.Redactor{}
	red.AddSecrets(s)
	return red
}

func (r *Runner) clock() clock.Clock {
	if r.Clock != nil {
		return r.Clock
	}
	return clock.System
}

func (r *Runner) now() time.Time { return r.clock().Now() }

func (r *Runner) sleep(ctx context.Context, d time.Duration) error { return r.clock().Sleep(ctx, d) }

func (r *Runner) stderr() io.Writer {
	if r.Stderr != nil {
		return r.Stderr
	}
	return io.Discard
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// countingWriter counts bytes for progress display.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// ReadFrom lets io.Copy hand the reader to a snapshot.Pending, which reads
// straight into its own buffers.
func (c countingWriter) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.w.(io.ReaderFrom); ok {
		return rf.ReadFrom(countingReader{r, c.n})
	}
	return io.Copy(struct{ io.Writer }{c}, r)
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
