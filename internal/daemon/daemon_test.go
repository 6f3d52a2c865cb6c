package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/internal/metrics"
	"github.com/hoard-dev/hoard/internal/notify"
	"github.com/hoard-dev/hoard/snapshot"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// fakeRunner returns what its outcome function says; "hang" blocks until
// the run's context is cancelled, "release:<ch>" waits on a channel.
type fakeRunner struct {
	mu      sync.Mutex
	calls   []string
	outcome func(name string) string
	release chan struct{}
	causes  []error
}

func (f *fakeRunner) Run(ctx context.Context, cfg *config.Config, src *config.Source) app.Result {
	f.mu.Lock()
	f.calls = append(f.calls, src.Name)
	out := "ok"
	if f.outcome != nil {
		out = f.outcome(src.Name)
	}
	f.mu.Unlock()
	res := app.Result{Result: export.Result{Start: t0, End: t0.Add(time.Second), Attempts: 1}}
	switch out {
	case "ok":
		res.Snapshot = &snapshot.Result{Path: "/x/" + src.Name, Bytes: 10}
	case "fail":
		res.Err = errors.New("exporter failed")
	case "locked":
		res.Err = fmt.Errorf("x: %w", lock.ErrLocked)
	case "hang":
		<-ctx.Done()
		f.mu.Lock()
		f.causes = append(f.causes, context.Cause(ctx))
		f.mu.Unlock()
		res.Err = fmt.Errorf("%w: %v", export.ErrInterrupted, context.Cause(ctx))
	case "wait":
		<-f.release
		res.Snapshot = &snapshot.Result{Path: "/x/" + src.Name}
	}
	return res
}

func (f *fakeRunner) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	slices.Sort(c)
	return c
}

func parse(t *testing.T, body string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n"+body), app.Exporters.Params)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func source(name, extra string) string {
	return fmt.Sprintf("[sources.%s]\nexporter = \"file\"\npath = \"/x\"\njitter = \"0s\"\n%s\n", name, extra)
}

type harness struct {
	t     *testing.T
	d     *Daemon
	clock *clock.Fake
	run   *fakeRunner
	log   *strings.Builder
	logMu *sync.Mutex
}

type syncWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func newHarness(t *testing.T, cfg *config.Config, recs map[string]health.Record, mod func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, clock: clock.NewFake(t0), run: &fakeRunner{}, log: &strings.Builder{}, logMu: &sync.Mutex{}}
	opt := Options{
		Runner:  h.run,
		Log:     slog.New(slog.NewTextHandler(syncWriter{h.logMu, h.log}, nil)),
		History: func() (map[string]health.Record, error) { return recs, nil },
		Clock:   h.clock,
		Exists:  func(string) bool { return false },
	}
	if mod != nil {
		mod(&opt)
	}
	d, err := New(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	return h
}

// step runs one scheduling step at the fake clock's time, waits for the n
// runs expected to end, and returns the sources run, sorted.
func (h *harness) step(ends int) []string {
	h.t.Helper()
	h.d.step(h.clock.Now())
	for i := 0; i < ends; i++ {
		h.d.finish(<-h.d.done)
	}
	return h.run.take()
}

func (h *harness) logged() string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.log.String()
}

func ok(at time.Time) health.Record {
	var r health.Record
	r.LastSuccess, r.LastAttempt = at, at
	return r
}

func want(t *testing.T, what string, got []string, exp ...string) {
	t.Helper()
	if !slices.Equal(got, exp) && !(len(got) == 0 && len(exp) == 0) {
		t.Errorf("%s: ran %v, want %v", what, got, exp)
	}
}

// Restart catch-up: sources whose run was missed while hoard was not
// running run at start; the others wait for their next firing.
func TestStartCatchesUp(t *testing.T) {
	cfg := parse(t, source("missed", "")+source("fresh", "")+source("never", ""))
	recs := map[string]health.Record{"missed": ok(t0.Add(-49 * time.Hour)), "fresh": ok(t0.Add(-time.Hour))}
	h := newHarness(t, cfg, recs, nil)
	want(t, "start", h.step(2), "missed", "never")
	if !strings.Contains(h.logged(), "catch-up: missed at") {
		t.Errorf("catch-up not logged:\n%s", h.logged())
	}
	if len(h.d.Pass()) != 2 {
		t.Errorf("first pass %v", h.d.Pass())
	}
	h.clock.Advance(11*time.Hour + 59*time.Minute)
	want(t, "before midnight", h.step(0))
	h.clock.Advance(time.Minute)
	want(t, "midnight", h.step(3), "fresh", "missed", "never")
}

// A suspend (the wall clock jumps, the monotonic clock does not) is
// noticed, logged, and the missed runs run at once.
func TestWallClockJumpCatchesUp(t *testing.T) {
	cfg := parse(t, source("a", `schedule = "every 6h"`))
	m := metrics.New()
	h := newHarness(t, cfg, map[string]health.Record{"a": ok(t0)}, func(o *Options) { o.Metrics = m })
	want(t, "start", h.step(0))
	h.clock.Advance(time.Hour)
	want(t, "an hour later", h.step(0))
	h.clock.Jump(9 * time.Hour)
	want(t, "after waking", h.step(1), "a")
	if !strings.Contains(h.logged(), "wall clock jumped") {
		t.Errorf("jump not logged:\n%s", h.logged())
	}
	var sb strings.Builder
	m.WriteText(&sb)
	if !strings.Contains(sb.String(), "hoard_clock_jumps_total 1\n") {
		t.Error("jump not counted in metrics")
	}
}

// Failed scheduled runs are retried after 5, 15 and 45 minutes, then wait
// for the next firing.
func TestRetryLadder(t *testing.T) {
	cfg := parse(t, source("a", ""))
	h := newHarness(t, cfg, map[string]health.Record{"a": ok(t0.Add(-25 * time.Hour))}, nil)
	h.run.outcome = func(string) string { return "fail" }
	want(t, "catch-up", h.step(1), "a")
	for _, wait := range []time.Duration{5 * time.Minute, 15 * time.Minute, 45 * time.Minute} {
		h.clock.Advance(wait - time.Second)
		want(t, "before retry", h.step(0))
		h.clock.Advance(time.Second)
		want(t, fmt.Sprintf("retry after %s", wait), h.step(1), "a")
	}
	h.clock.Advance(3 * time.Hour)
	want(t, "ladder exhausted", h.step(0))
	if !h.d.sources["a"].status.Failing {
		t.Error("4 failures did not make the source failing")
	}
}

// The concurrency limit holds, and a hanging source does not block the
// others.
func TestConcurrencyAndHangingSource(t *testing.T) {
	cfg := parse(t, "[daemon]\nconcurrency = 2\n"+source("hang", "")+source("b", "")+source("c", "")+source("d", ""))
	h := newHarness(t, cfg, nil, nil)
	h.run.outcome = func(n string) string {
		if n == "hang" {
			return "hang"
		}
		return "ok"
	}
	h.d.step(h.clock.Now())
	if h.d.running != 2 {
		t.Fatalf("%d running, limit 2", h.d.running)
	}
	for i := 0; i < 2; i++ { // b, then c, then d each run beside the hanging one
		h.d.finish(<-h.d.done)
		h.d.step(h.clock.Now())
		if h.d.running != 2 {
			t.Fatalf("%d running after a run ended", h.d.running)
		}
	}
	h.d.finish(<-h.d.done)
	if !h.d.sources["hang"].running || h.d.running != 1 {
		t.Errorf("hang running %v, %d running", h.d.sources["hang"].running, h.d.running)
	}
	h.d.cancelRuns(errors.New("test over"))
	h.d.finish(<-h.d.done)
	want(t, "all", h.run.take(), "b", "c", "d", "hang")
}

// when_present: one run per appearance; retries while still present.
func TestWhenPresent(t *testing.T) {
	cfg := parse(t, "[daemon]\npoll = \"5s\"\nretry = [\"1m\"]\n[sources.kobo]\nexporter = \"file\"\npath = \"/x\"\nwhen_present = \"/media/kobo\"\n")
	var present bool
	h := newHarness(t, cfg, nil, func(o *Options) { o.Exists = func(string) bool { return present } })
	want(t, "absent at start", h.step(0))
	h.clock.Advance(5 * time.Second)
	present = true
	want(t, "plugged in", h.step(1), "kobo")
	for i := 0; i < 3; i++ {
		h.clock.Advance(time.Hour)
		want(t, "still plugged in", h.step(0))
	}
	present = false
	h.clock.Advance(5 * time.Second)
	want(t, "unplugged", h.step(0))
	present = true
	h.run.outcome = func(string) string { return "fail" }
	h.clock.Advance(5 * time.Second)
	want(t, "plugged in again", h.step(1), "kobo")
	h.clock.Advance(time.Minute)
	want(t, "retry while present", h.step(1), "kobo")
	h.clock.Advance(time.Hour)
	want(t, "ladder exhausted", h.step(0))
}

// A path present when the daemon starts counts as an appearance.
func TestWhenPresentAtStart(t *testing.T) {
	cfg := parse(t, "[sources.kobo]\nexporter = \"file\"\npath = \"/x\"\nwhen_present = \"/media/kobo\"\n")
	h := newHarness(t, cfg, nil, func(o *Options) { o.Exists = func(string) bool { return true } })
	want(t, "start", h.step(1), "kobo")
	h.clock.Advance(time.Minute)
	want(t, "later", h.step(0))
}

// A locked source is tried again a tick later, not in a busy loop.
func TestLockedWaitsATick(t *testing.T) {
	cfg := parse(t, "[daemon]\ntick = \"30s\"\n"+source("a", ""))
	h := newHarness(t, cfg, nil, nil)
	h.run.outcome = func(string) string { return "locked" }
	want(t, "start", h.step(1), "a")
	if w := h.d.nextWake(h.clock.Now()); w != 30*time.Second {
		t.Errorf("wake in %s", w)
	}
	want(t, "at once", h.step(0))
	h.clock.Advance(30 * time.Second)
	want(t, "a tick later", h.step(1), "a")
}

// Reload: a valid config adds and removes sources; an invalid one keeps
// the old config and says so loudly.
func TestReload(t *testing.T) {
	cfg := parse(t, source("a", "")+source("b", ""))
	next := cfg
	var loadErr error
	h := newHarness(t, cfg, nil, func(o *Options) {
		o.Load = func() (*config.Config, error) { return next, loadErr }
	})
	want(t, "start", h.step(2), "a", "b")
	loadErr = errors.New("hoard.toml:7: unknown key \"scheduel\"")
	h.d.reload()
	if !strings.Contains(h.logged(), "CONFIG RELOAD FAILED") || !strings.Contains(h.logged(), "scheduel") {
		t.Errorf("failed reload not reported:\n%s", h.logged())
	}
	if len(h.d.sources) != 2 {
		t.Error("failed reload changed the sources")
	}
	loadErr, next = nil, parse(t, source("b", "")+source("c", ""))
	h.d.reload()
	if _, ok := h.d.sources["a"]; ok {
		t.Error("removed source still scheduled")
	}
	want(t, "after reload", h.step(1), "c")
}

// Graceful stop: a run that ends within the grace period is left alone;
// one still running when it ends is cancelled with the stop's cause.
func TestShutdown(t *testing.T) {
	cfg := parse(t, source("quick", "")+source("hang", ""))
	grace := make(chan time.Time)
	h := newHarness(t, cfg, nil, func(o *Options) {
		o.After = func(time.Duration) <-chan time.Time { return grace }
	})
	h.run.release = make(chan struct{})
	h.run.outcome = func(n string) string {
		if n == "hang" {
			return "hang"
		}
		return "wait"
	}
	h.d.step(h.clock.Now())
	stopped := make(chan struct{})
	cause := export.SignalError{Signal: os.Interrupt}
	go func() { h.d.shutdown(cause, nil); close(stopped) }()
	close(h.run.release) // quick finishes within the grace period
	grace <- time.Now()  // the grace period ends
	<-stopped
	if len(h.run.causes) != 1 || !errors.Is(h.run.causes[0], cause) {
		t.Errorf("hanging run cancelled with %v", h.run.causes)
	}
	if h.d.running != 0 {
		t.Errorf("%d still running", h.d.running)
	}
	if len(h.d.Pass()) != 2 {
		t.Errorf("pass %v", h.d.Pass())
	}
	h.d.step(h.clock.Now())
	if h.d.running != 0 {
		t.Error("a run started after the stop")
	}
}

// Notifications: exactly one message per change, through failure and
// recovery.
func TestNotifyOnChanges(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "messages")
	script := filepath.Join(dir, "hook")
	os.WriteFile(script, []byte("#!/bin/sh\ncat >> "+out+"\n"), 0o755)
	cfg := parse(t, fmt.Sprintf("notify = [%q]\n[daemon]\nfailing_after = 2\nretry = [\"1m\", \"1m\", \"1m\"]\n", script)+source("a", ""))
	n := notify.Open(filepath.Join(dir, "notify-state.json"), slog.New(slog.DiscardHandler))
	h := newHarness(t, cfg, nil, func(o *Options) { o.Notifier = n })
	h.run.outcome = func(string) string { return "fail" }
	want(t, "start", h.step(1), "a")
	for i := 0; i < 3; i++ {
		h.clock.Advance(time.Minute)
		h.step(1)
	}
	h.run.outcome = nil
	h.clock.Advance(25 * time.Hour)
	h.step(1)
	h.step(0)
	n.Close()
	b, _ := os.ReadFile(out)
	if got := strings.Count(string(b), "\n"); got != 2 || !strings.Contains(string(b), `"event":"failing"`) || !strings.Contains(string(b), `"event":"recovered"`) {
		t.Errorf("messages:\n%s", b)
	}
}

// Once: Run returns when the first pass is over, without retrying.
func TestRunOnce(t *testing.T) {
	cfg := parse(t, "[daemon]\nfailing_after = 1\n"+source("a", "")+source("b", ""))
	var passes int
	h := newHarness(t, cfg, nil, func(o *Options) {
		o.Once, o.RunAll = true, true
		o.OnPass = func([]Outcome) { passes++ }
	})
	h.run.outcome = func(n string) string {
		if n == "a" {
			return "fail"
		}
		return "ok"
	}
	if err := h.d.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	want(t, "once", h.run.take(), "a", "b")
	if passes != 1 || len(h.d.Pass()) != 2 {
		t.Errorf("passes %d, results %v", passes, h.d.Pass())
	}
	if !h.d.sources["a"].status.Failing {
		t.Error("the pass's results were not judged before Run returned")
	}
}

type fakeGaps struct{ n int }

func (f *fakeGaps) Gaps(ctx context.Context, cfg *config.Config, src *config.Source) (int, error) {
	return f.n, nil
}

// Gaps found after a successful run make a union source at risk and are
// notified once; a latest-merged source is never checked.
func TestAtRisk(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "messages")
	script := filepath.Join(dir, "hook")
	os.WriteFile(script, []byte("#!/bin/sh\ncat >> "+out+"\n"), 0o755)
	cfg := parse(t, fmt.Sprintf("notify = [%q]\n", script)+source("u", "")+source("l", `merge = "latest"`))
	n := notify.Open(filepath.Join(dir, "notify-state.json"), slog.New(slog.DiscardHandler))
	g := &fakeGaps{n: 2}
	h := newHarness(t, cfg, nil, func(o *Options) { o.Notifier, o.Gaps = n, g })
	want(t, "start", h.step(2), "l", "u")
	h.d.step(h.clock.Now())
	if !h.d.sources["u"].status.AtRisk || h.d.sources["l"].status.AtRisk {
		t.Errorf("u %+v, l %+v", h.d.sources["u"].status, h.d.sources["l"].status)
	}
	n.Close()
	// Restarted: gaps unknown until the next run; no false recovery.
	n = notify.Open(filepath.Join(dir, "notify-state.json"), slog.New(slog.DiscardHandler))
	h2 := newHarness(t, cfg, map[string]health.Record{"u": ok(t0), "l": ok(t0)}, func(o *Options) { o.Notifier, o.Gaps = n, g })
	h2.step(0)
	n.Close()
	b, _ := os.ReadFile(out)
	if strings.Count(string(b), "\n") != 1 || !strings.Contains(string(b), `"event":"at-risk"`) {
		t.Errorf("messages:\n%s", b)
	}
}

// The real loop (Run) with a fake clock and timer: after a suspend, the
// next wake-up notices the jump and runs the source whose firing was
// missed; cancelling the context stops the loop.
func TestRunLoopCatchesUpAfterSuspend(t *testing.T) {
	cfg := parse(t, source("a", `schedule = "every 6h"`))
	asked := make(chan time.Duration)
	fire := make(chan time.Time)
	h := newHarness(t, cfg, map[string]health.Record{"a": ok(t0)}, func(o *Options) {
		o.After = func(d time.Duration) <-chan time.Time { asked <- d; return fire }
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- h.d.Run(ctx, nil, nil) }()
	if d := <-asked; d != time.Minute {
		t.Errorf("first sleep %s, want a tick", d)
	}
	h.clock.Advance(time.Minute)
	fire <- time.Time{}
	<-asked
	want(t, "a minute later", h.run.take())
	h.clock.Jump(9 * time.Hour) // the lid was closed
	fire <- time.Time{}
	<-asked // the run started and ended; the loop sleeps again
	<-asked
	want(t, "after the wake-up", h.run.take(), "a")
	if !strings.Contains(h.logged(), "wall clock jumped") {
		t.Errorf("log:\n%s", h.logged())
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// Back from a week away: the catch-up run that fixes staleness sends no
// stale/recovered pair; a source still stale after its run is reported.
func TestNoStaleMessageForCatchUp(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "messages")
	script := filepath.Join(dir, "hook")
	os.WriteFile(script, []byte("#!/bin/sh\ncat >> "+out+"\n"), 0o755)
	cfg := parse(t, fmt.Sprintf("notify = [%q]\n[daemon]\nretry = [\"1h\"]\n", script)+source("good", "")+source("bad", ""))
	n := notify.Open(filepath.Join(dir, "notify-state.json"), slog.New(slog.DiscardHandler))
	week := t0.Add(-7 * 24 * time.Hour)
	h := newHarness(t, cfg, map[string]health.Record{"good": ok(week), "bad": ok(week)}, func(o *Options) { o.Notifier = n })
	h.run.outcome = func(name string) string {
		if name == "bad" {
			return "fail"
		}
		return "ok"
	}
	want(t, "catch-up", h.step(2), "bad", "good")
	h.step(0) // bad waits for its retry in an hour: still stale
	n.Close()
	b, _ := os.ReadFile(out)
	if strings.Count(string(b), "\n") != 1 || !strings.Contains(string(b), `"source":"bad","event":"stale"`) {
		t.Errorf("messages:\n%s", b)
	}
}

// At start, gaps are looked for off the loop, before any run.
func TestGapsCheckedAtStart(t *testing.T) {
	cfg := parse(t, source("u", ""))
	asked := make(chan time.Duration)
	h := newHarness(t, cfg, map[string]health.Record{"u": ok(t0)}, func(o *Options) {
		o.Gaps = &fakeGaps{n: 1}
		o.After = func(d time.Duration) <-chan time.Time { asked <- d; return nil }
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- h.d.Run(ctx, nil, nil) }()
	<-asked
	<-asked // woken by the gap result
	if st := h.d.sources["u"].status; !st.AtRisk || st.Gaps != 1 {
		t.Errorf("status %+v", st)
	}
	want(t, "no run", h.run.take())
	cancel()
	<-stopped
}

// A source removed by a reload before its first-pass run does not keep
// the first pass (and --once) waiting.
func TestReloadRemovesPendingFirstPass(t *testing.T) {
	cfg := parse(t, "[daemon]\nconcurrency = 1\n"+source("a", "")+source("b", ""))
	next := parse(t, "[daemon]\nconcurrency = 1\n"+source("a", ""))
	h := newHarness(t, cfg, nil, func(o *Options) {
		o.Once, o.RunAll = true, true
		o.Load = func() (*config.Config, error) { return next, nil }
	})
	h.d.step(h.clock.Now()) // a runs; b waits for a slot
	h.d.reload()
	h.d.finish(<-h.d.done)
	h.d.checkPass()
	if !h.d.passDone {
		t.Errorf("first pass still waiting: %d left", h.d.passLeft)
	}
	want(t, "ran", h.run.take(), "a")
}
