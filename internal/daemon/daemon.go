// Package daemon keeps every configured source current: it runs each one
// when its schedule says so (catching up runs missed while hoard was not
// running or the machine slept), when its when_present path appears, and
// retries failures with backoff; it judges each source's health, notifies
// on changes and keeps metrics; it reloads its config on request and stops
// gracefully.
//
// Concurrency: one goroutine (the one calling Run) owns all of the
// daemon's state; each export runs on its own goroutine and reports back
// on a channel. Runs are bounded by the config's daemon.concurrency.
package daemon

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/metrics"
	"github.com/hoard-dev/hoard/internal/notify"
	"github.com/hoard-dev/hoard/internal/schedule"
)

// Runner exports one source now: lock, attempts with timeouts, snapshot,
// journal. app.Runner does it. Run must return once ctx is done,
// having killed the exporter and left no partial snapshot.
type Runner interface {
	Run(ctx context.Context, cfg *config.Config, src *config.Source) app.Result
}

// GapFinder finds gaps in a union-merged source's history: consecutive
// snapshots whose items do not overlap, so that items created and removed
// between the two exports were lost (app.App.Gaps). It may read every
// snapshot of the source; the daemon calls it off its loop, one source at
// a time. It must be safe for concurrent use.
type GapFinder interface {
	Gaps(ctx context.Context, cfg *config.Config, src *config.Source) (int, error)
}

// Options configure a Daemon. Runner, Log and History are required.
type Options struct {
	Runner  Runner
	Log     *slog.Logger
	History func() (map[string]health.Record, error) // the journal, read at start and on reload
	Load    func() (*config.Config, error)           // reads the config again on reload; nil: no reload
	Clock   schedule.Clock                           // default schedule.System
	// After returns a channel that fires after d; default time.After.
	After    func(d time.Duration) <-chan time.Time
	Exists   func(path string) bool // default schedule.Exists
	Notifier *notify.Notifier       // nil: no notifications
	Metrics  *metrics.Registry      // nil: no metrics
	Gaps     GapFinder              // nil: at-risk is never reported
	// RunAll runs every source at start, due or not (hoard up). Otherwise
	// the first pass is the sources due at start (catch-up).
	RunAll bool
	// Once makes Run return when the first pass is over.
	Once bool
	// OnPass is called once, on Run's goroutine, when the first pass is
	// over, with its results in completion order.
	OnPass func([]Outcome)
	// JumpThreshold is the wall-clock jump worth reacting to; default 1m.
	JumpThreshold time.Duration
}

// Outcome is the result of one run of a source.
type Outcome struct {
	Source string
	Result app.Result
}

// Daemon is the scheduler's state. Create it with New and call Run once.
type Daemon struct {
	opt        Options
	cfg        *config.Config
	sources    map[string]*entry
	done       chan finished
	gapDone    chan gapResult
	running    int
	stopping   bool
	runCtx     context.Context
	cancelRuns context.CancelCauseFunc
	jump       schedule.JumpDetector
	passLeft   int // first-pass runs not finished yet
	passDone   bool
	pass       []Outcome
	lastPoll   time.Time
}

// entry is one source.
type entry struct {
	src       *config.Source
	rec       health.Record
	gaps      int // -1: not checked
	running   bool
	removed   bool      // no longer configured; forgotten when its run ends
	pending   string    // non-empty: run as soon as possible, for this reason
	inPass    bool      // its run belongs to the first pass
	notBefore time.Time // after "locked": wait before trying again
	presence  *schedule.Presence
	present   bool // the when_present path exists (true without one)
	appFails  int  // failures since the path last appeared
	status    health.Status
}

type gapResult struct {
	name string
	gaps int
}

type finished struct {
	name string
	res  app.Result
	gaps int
}

// New prepares a daemon for cfg. It reads the history, decides the first
// pass, but starts nothing.
func New(cfg *config.Config, opt Options) (*Daemon, error) {
	if opt.Clock == nil {
		opt.Clock = schedule.System
	}
	if opt.After == nil {
		opt.After = time.After
	}
	if opt.Exists == nil {
		opt.Exists = schedule.Exists
	}
	if opt.JumpThreshold <= 0 {
		opt.JumpThreshold = time.Minute
	}
	recs, err := opt.History()
	if err != nil {
		return nil, err
	}
	d := &Daemon{opt: opt, cfg: cfg, sources: map[string]*entry{}, done: make(chan finished), gapDone: make(chan gapResult)}
	d.jump.Threshold = opt.JumpThreshold
	d.runCtx, d.cancelRuns = context.WithCancelCause(context.Background())
	d.apply(cfg, recs)
	d.planFirstPass(opt.Clock.Now())
	return d, nil
}

// apply installs cfg: new sources get their record from recs, existing
// ones keep theirs, removed ones are forgotten (or marked, if running).
func (d *Daemon) apply(cfg *config.Config, recs map[string]health.Record) (added, removed []string) {
	for _, name := range cfg.Order {
		src := cfg.Sources[name]
		e, ok := d.sources[name]
		if !ok {
			e = &entry{rec: recs[name], gaps: -1}
			d.sources[name] = e
			added = append(added, name)
			if d.opt.Metrics != nil {
				d.opt.Metrics.Declare(name, e.rec.LastSuccess, e.rec.Failures)
			}
		}
		e.src, e.removed = src, false
		if src.WhenPresent == "" {
			e.presence, e.present = nil, true
		} else if e.presence == nil || e.presence.Path != src.WhenPresent {
			e.presence, e.present = &schedule.Presence{Path: src.WhenPresent}, false
		}
	}
	for name, e := range d.sources {
		if _, ok := cfg.Sources[name]; ok {
			continue
		}
		removed = append(removed, name)
		if e.running {
			e.removed = true
			continue
		}
		if e.inPass { // it will not run now: the first pass must not wait for it
			d.passLeft--
		}
		d.forget(name)
	}
	d.cfg = cfg
	sort.Strings(removed)
	return added, removed
}

func (d *Daemon) forget(name string) {
	delete(d.sources, name)
	if d.opt.Metrics != nil {
		d.opt.Metrics.Forget(name)
	}
}

// planFirstPass marks the sources of the first pass.
func (d *Daemon) planFirstPass(now time.Time) {
	d.pollPresence(now, true)
	for _, name := range d.cfg.Order {
		e := d.sources[name]
		reason := ""
		switch {
		case e.pending != "": // its path is there: that counts as an appearance
			reason = e.pending
		case !e.present:
			continue // when_present path absent: it runs when the path appears
		case d.opt.RunAll:
			reason = "start"
		default:
			due := e.src.Timing.Next(e.rec.History)
			if !due.IsDue(now) {
				continue
			}
			reason = dueReason(due, now, d.cfg.Daemon.Tick)
		}
		e.pending, e.inPass = reason, true
		d.passLeft++
	}
}

// dueReason explains why a due run starts, naming missed runs.
func dueReason(due schedule.Due, now time.Time, slack time.Duration) string {
	if due.Missed(now, slack) {
		return "catch-up: missed at " + due.At.Format(time.RFC3339)
	}
	return due.Reason
}

// Run schedules until ctx is done, then stops gracefully: no new runs;
// running ones get cfg.Daemon.Grace to finish, then are cancelled with
// ctx's cause (the command exporter forwards a received signal to its
// process group, then kills it; no partial file is left). A value on
// stopNow (a second signal) cancels them at once. A value on reload
// re-reads the config; an invalid one is logged and the old one kept.
// With Options.Once, Run returns when the first pass is over.
func (d *Daemon) Run(ctx context.Context, reload, stopNow <-chan struct{}) error {
	defer d.cancelRuns(errors.New("daemon stopped"))
	d.opt.Log.Info("daemon started", "sources", len(d.cfg.Order), "concurrency", d.cfg.Daemon.Concurrency, "first_pass", d.passLeft)
	d.startGapCheck()
	for {
		d.checkPass()
		if d.opt.Once && d.passDone {
			d.evaluate(d.opt.Clock.Now()) // judge and notify the pass's results
			return nil
		}
		wait := d.step(d.opt.Clock.Now())
		select {
		case <-ctx.Done():
			d.shutdown(context.Cause(ctx), stopNow)
			return nil
		case <-reload:
			d.reload()
		case f := <-d.done:
			d.finish(f)
		case g := <-d.gapDone:
			if e := d.sources[g.name]; e != nil && e.gaps < 0 {
				e.gaps = g.gaps
			}
		case <-d.opt.After(wait):
		}
	}
}

// startGapCheck looks for gaps in every source once at start, one source
// at a time, off the loop, so that at-risk is known before each source's
// next run.
func (d *Daemon) startGapCheck() {
	if d.opt.Gaps == nil || d.opt.Once {
		return
	}
	cfg := d.cfg
	go func() {
		for _, name := range cfg.Order {
			n, ok := d.gapsOf(cfg, cfg.Sources[name])
			if !ok {
				continue
			}
			select {
			case d.gapDone <- gapResult{name: name, gaps: n}:
			case <-d.runCtx.Done():
				return
			}
		}
	}()
}

// gapsOf asks the gap finder about a source; false when it was not
// asked (latest-merged sources) or failed (logged).
func (d *Daemon) gapsOf(cfg *config.Config, src *config.Source) (int, bool) {
	if d.opt.Gaps == nil || src.Read.Merge == "latest" {
		return 0, false
	}
	n, err := d.opt.Gaps.Gaps(d.runCtx, cfg, src)
	if err != nil {
		if d.runCtx.Err() == nil {
			d.opt.Log.Error("gap check failed", "source", src.Name, "error", err)
		}
		return 0, false
	}
	return n, true
}

// Pass returns the first pass's results once it is over.
func (d *Daemon) Pass() []Outcome { return d.pass }

// step looks at the clock, the paths and the sources' health, starts what
// is due, and returns how long it may sleep.
func (d *Daemon) step(now time.Time) time.Duration {
	if skew, jumped := d.jump.Observe(d.opt.Clock); jumped {
		d.opt.Log.Warn("wall clock jumped (the machine slept, or the clock was set): catching up on missed runs", "jump", skew.Round(time.Second))
		if d.opt.Metrics != nil {
			d.opt.Metrics.ClockJump()
		}
	}
	d.pollPresence(now, !d.opt.Once)
	d.evaluate(now)
	d.startDue(now)
	return d.nextWake(now)
}

// pollPresence checks when_present paths at most every poll interval and
// queues a run for each new appearance.
func (d *Daemon) pollPresence(now time.Time, queue bool) {
	if !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < d.cfg.Daemon.Poll && now.After(d.lastPoll) {
		return
	}
	d.lastPoll = now
	for _, name := range d.cfg.Order {
		e := d.sources[name]
		if e.presence == nil {
			continue
		}
		appeared := e.presence.Poll(d.opt.Exists)
		e.present = d.opt.Exists(e.presence.Path)
		if appeared {
			e.appFails = 0
			d.opt.Log.Info("path appeared", "source", name, "path", e.presence.Path)
			if queue && e.pending == "" {
				e.pending = "path appeared: " + e.presence.Path
			}
		}
	}
}

// evaluate updates each source's health, metrics and notifications.
func (d *Daemon) evaluate(now time.Time) {
	policy := health.Policy{FailingAfter: d.cfg.Daemon.FailingAfter}
	for _, name := range d.cfg.Order {
		e := d.sources[name]
		st := policy.Evaluate(e.rec, e.src.Timing.Spec.Interval(), e.gaps, now)
		busy := d.busy(e, now)
		if busy {
			// About to run or running (a catch-up after a holiday, say):
			// staleness is judged once that run is over, so that a run
			// fixing it causes no stale/recovered pair of messages.
			st.Stale = e.status.Stale
		}
		changed := !slices.Equal(st.Problems(), e.status.Problems())
		e.status = st
		if d.opt.Metrics != nil && changed {
			d.opt.Metrics.Problems(name, st.Problems())
		}
		if changed && len(st.Problems()) > 0 {
			d.opt.Log.Warn("source needs attention", "source", name, "problems", st.String(), "last_error", e.rec.LastError)
		}
		if d.opt.Notifier != nil {
			msg := d.message(name, e, now)
			if busy {
				msg.Unknown = append(msg.Unknown, health.Stale)
			}
			d.opt.Notifier.Update(d.cfg.NotifyCommand(e.src), msg)
		}
	}
}

func (d *Daemon) message(name string, e *entry, now time.Time) notify.Message {
	m := notify.Message{
		Source: name, Problems: e.status.Problems(), Time: now.UTC(),
		Failures: e.rec.Failures, LastError: e.rec.LastError, Gaps: max(e.gaps, 0),
	}
	if e.gaps < 0 {
		m.Unknown = []string{health.AtRisk}
	}
	if t := e.rec.LastSuccess; !t.IsZero() {
		m.LastSuccess = &t
	}
	if t := e.rec.LastAttempt; !t.IsZero() {
		m.LastAttempt = &t
	}
	return m
}

// busy reports whether a source is running or due to run now.
func (d *Daemon) busy(e *entry, now time.Time) bool {
	if e.running || e.pending != "" {
		return true
	}
	if !e.present || d.opt.Once || now.Before(e.notBefore) {
		return false
	}
	at, ok := d.nextFor(e)
	return ok && !at.After(now)
}

type candidate struct {
	name   string
	at     time.Time
	reason string
}

// startDue starts due sources, oldest due first, within the concurrency
// limit.
func (d *Daemon) startDue(now time.Time) {
	if d.stopping {
		return
	}
	var due []candidate
	for _, name := range d.cfg.Order {
		if c, ok := d.dueAt(name, d.sources[name], now); ok {
			due = append(due, c)
		}
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, c := range due {
		if d.running >= d.cfg.Daemon.Concurrency {
			return
		}
		d.start(c)
	}
}

// dueAt says whether a source is due at now, and since when.
func (d *Daemon) dueAt(name string, e *entry, now time.Time) (candidate, bool) {
	if e.running || now.Before(e.notBefore) {
		return candidate{}, false
	}
	if e.pending != "" {
		return candidate{name: name, reason: e.pending}, true
	}
	if !e.present || d.opt.Once {
		return candidate{}, false
	}
	if at, ok := d.nextFor(e); ok && !at.After(now) {
		reason := "schedule"
		if e.src.Timing.Spec.IsZero() {
			reason = "retry after failure"
		} else {
			reason = dueReason(e.src.Timing.Next(e.rec.History), now, d.cfg.Daemon.Tick)
		}
		return candidate{name: name, at: at, reason: reason}, true
	}
	return candidate{}, false
}

// nextFor is when a source's next timed run is: its schedule, or for a
// when_present source without one, a retry while its path is present.
func (d *Daemon) nextFor(e *entry) (time.Time, bool) {
	if !e.src.Timing.Spec.IsZero() {
		due := e.src.Timing.Next(e.rec.History)
		return due.At, true
	}
	ladder := d.cfg.Daemon.Backoff
	if e.appFails == 0 || e.appFails > len(ladder) || !e.present {
		return time.Time{}, false
	}
	return e.rec.LastAttempt.Add(ladder[e.appFails-1]), true
}

// start runs a source on its own goroutine, which reports on d.done.
func (d *Daemon) start(c candidate) {
	e := d.sources[c.name]
	e.running, e.pending = true, ""
	d.running++
	if d.opt.Metrics != nil {
		d.opt.Metrics.Running(c.name, true)
	}
	d.opt.Log.Info("export starting", "source", c.name, "reason", c.reason)
	cfg, src := d.cfg, e.src
	go func() {
		res := d.opt.Runner.Run(d.runCtx, cfg, src)
		gaps := -1
		if res.Err == nil {
			if n, ok := d.gapsOf(cfg, src); ok {
				gaps = n
			}
		}
		d.done <- finished{name: c.name, res: res, gaps: gaps}
	}()
}

// finish records a run's end.
func (d *Daemon) finish(f finished) {
	e := d.sources[f.name]
	e.running = false
	d.running--
	outcome := app.Outcome(f.res.Result)
	now := d.opt.Clock.Now()
	d.logResult(f.name, outcome, f.res)
	errText := ""
	if f.res.Err != nil {
		errText = f.res.Err.Error()
	}
	switch outcome {
	case journal.Locked:
		e.notBefore = now.Add(d.cfg.Daemon.Tick)
	case journal.OK:
		e.appFails = 0
	case journal.Interrupted:
	default:
		if e.presence != nil {
			e.appFails++
		}
	}
	e.rec.Add(outcome, now, errText)
	if f.gaps >= 0 {
		e.gaps = f.gaps
	}
	if d.opt.Metrics != nil {
		d.metricsRun(f.name, outcome, f.res, e)
	}
	if e.inPass {
		e.inPass = false
		d.pass = append(d.pass, Outcome{Source: f.name, Result: f.res})
		d.passLeft--
	}
	if e.removed {
		d.forget(f.name)
	}
}

func (d *Daemon) metricsRun(name, outcome string, res app.Result, e *entry) {
	var bytes int64
	var success time.Time
	if res.Snapshot != nil {
		bytes, success = res.Snapshot.Bytes, e.rec.LastSuccess
	}
	d.opt.Metrics.Running(name, false)
	d.opt.Metrics.Run(name, outcome, res.End.Sub(res.Start), bytes, success, e.rec.Failures)
}

func (d *Daemon) logResult(name, outcome string, res app.Result) {
	took := res.End.Sub(res.Start).Round(time.Millisecond)
	switch {
	case res.Err == nil && res.Snapshot == nil:
		d.opt.Log.Info("nothing new", "source", name, "took", took) // a watch source
	case res.Err == nil:
		d.opt.Log.Info("export saved", "source", name, "path", res.Snapshot.Path, "bytes", res.Snapshot.Bytes, "took", took)
	case outcome == journal.Locked:
		d.opt.Log.Warn("export skipped: another run holds the source's lock", "source", name, "error", res.Err)
	default:
		d.opt.Log.Error("export "+outcome, "source", name, "attempts", res.Attempts, "took", took, "error", res.Err)
	}
	if res.JournalErr != nil {
		d.opt.Log.Error("JOURNAL WRITE FAILED: the run is not recorded; hoard status will not know of it", "source", name, "error", res.JournalErr)
	}
}

// checkPass calls OnPass once, when the first pass is over.
func (d *Daemon) checkPass() {
	if d.passDone || d.passLeft > 0 {
		return
	}
	d.passDone = true
	if d.opt.OnPass != nil {
		d.opt.OnPass(d.pass)
	}
}

// nextWake is how long the loop may sleep: until the next due run, the
// next path poll or one tick, whichever is first. A run ending wakes the
// loop anyway.
func (d *Daemon) nextWake(now time.Time) time.Duration {
	wait := d.cfg.Daemon.Tick
	if d.opt.Once {
		return wait // only the first pass runs; its ends wake the loop
	}
	saturated := d.running >= d.cfg.Daemon.Concurrency
	for _, name := range d.cfg.Order {
		e := d.sources[name]
		if e.presence != nil {
			wait = min(wait, d.cfg.Daemon.Poll)
		}
		switch {
		case e.running || saturated:
		case e.notBefore.After(now):
			wait = min(wait, e.notBefore.Sub(now))
		case e.present:
			if at, ok := d.nextFor(e); ok {
				wait = min(wait, at.Sub(now))
			}
		}
	}
	return max(wait, 10*time.Millisecond)
}

// reload re-reads the config. An invalid config keeps the old one running
// and is reported loudly.
func (d *Daemon) reload() {
	if d.opt.Load == nil {
		return
	}
	cfg, err := d.opt.Load()
	if err == nil {
		var recs map[string]health.Record
		if recs, err = d.opt.History(); err == nil {
			if cfg.Daemon.Listen != d.cfg.Daemon.Listen {
				d.opt.Log.Warn("daemon.listen changed: restart hoard to serve metrics at the new address", "listen", cfg.Daemon.Listen)
			}
			added, removed := d.apply(cfg, recs)
			d.opt.Log.Info("config reloaded", "path", cfg.Path, "sources", len(cfg.Order), "added", added, "removed", removed)
			if d.opt.Metrics != nil {
				d.opt.Metrics.Reload("ok")
			}
			return
		}
	}
	d.opt.Log.Error("CONFIG RELOAD FAILED: still running the previous config; fix the file and send SIGHUP again", "error", err)
	if d.opt.Metrics != nil {
		d.opt.Metrics.Reload("failed")
	}
}

// shutdown stops starting runs and waits for running ones: up to the grace
// period, then cancels them with cause and waits for them to end.
func (d *Daemon) shutdown(cause error, stopNow <-chan struct{}) {
	d.stopping = true
	if cause == nil {
		cause = context.Canceled
	}
	if d.running == 0 {
		d.opt.Log.Info("daemon stopped", "cause", cause)
		return
	}
	grace := d.cfg.Daemon.Grace
	d.opt.Log.Info("stopping: letting running exports finish", "running", d.runningNames(), "grace", grace, "cause", cause)
	timer := d.opt.After(grace)
	for d.running > 0 {
		select {
		case f := <-d.done:
			d.finish(f)
		case <-timer:
			d.interrupt(cause, "grace period over")
			timer = nil
		case <-stopNow:
			d.interrupt(cause, "stopped again")
			stopNow = nil
		}
	}
	d.opt.Log.Info("daemon stopped", "cause", cause)
}

func (d *Daemon) interrupt(cause error, why string) {
	d.opt.Log.Warn(why+": interrupting running exports (no partial files are kept)", "running", d.runningNames())
	d.cancelRuns(cause)
}

func (d *Daemon) runningNames() []string {
	var names []string
	for name, e := range d.sources {
		if e.running {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
