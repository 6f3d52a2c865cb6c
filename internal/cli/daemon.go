package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/daemon"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/internal/metrics"
	"github.com/hoard-dev/hoard/internal/notify"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/spf13/cobra"
)

// daemonOpts are the settings of `hoard daemon` (and of `hoard up` when it
// keeps running).
type daemonOpts struct {
	Once      bool   // exit when the first pass is over
	Listen    string // metrics address; overrides daemon.listen
	LogFormat string // auto, human, text or json
	RunAll    bool   // the first pass runs every source, due or not
	// OnPass runs when the first pass is over (hoard up prints status).
	OnPass func()
}

// addFlags adds the daemon's flags; logFormat is the default --log-format.
func (o *daemonOpts) addFlags(cmd *cobra.Command, logFormat string) {
	cmd.Flags().StringVar(&o.Listen, "listen", "", "serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9780 (default: daemon.listen in the config)")
	addLogFormatFlag(cmd, &o.LogFormat, logFormat)
}

// addLogFormatFlag adds --log-format with its completions.
func addLogFormatFlag(cmd *cobra.Command, p *string, def string) {
	cmd.Flags().StringVar(p, "log-format", def, "log format: human (plain lines), text (key=value), json, or auto (human on a terminal, text elsewhere)")
	cmd.RegisterFlagCompletionFunc("log-format", fixedCompletions(logAuto, logHuman, logText, logJSON))
}

func newDaemonCmd(g *Globals) *cobra.Command {
	var o daemonOpts
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Keep every source current: run each on its schedule, catch up, retry, notify",
		Long: `Runs in the foreground and exports each source when its schedule says
(schedule = "@daily", "0 */6 * * *" or "every 6h"; daily by default), with a
per-source jitter. Runs missed while hoard was not running or the machine
slept are caught up at start and on wake. Failed runs are retried after 5, 15
and 45 minutes. A source with when_present runs each time that path appears.

Sources that are stale (no success in twice their interval), failing (the
last daemon.failing_after runs failed) or at risk are logged, shown by
'hoard status', and reported to the notify command once per change.

Signals: SIGHUP reloads the config (an invalid one is reported and the old one
kept); SIGTERM or SIGINT stops starting runs, lets running ones finish within
daemon.grace, then interrupts them (no partial files are kept); a second
signal interrupts them at once.

Only one daemon runs per state directory: a second one exits 3.
With --once, runs what is due now (catch-up) and exits: for cron.
Exit codes: 0, or with --once as 'hoard run'; 2 configuration error;
3 another daemon is running.`,
		Example: `  hoard daemon
  hoard daemon --listen 127.0.0.1:9780 --log-format json
  hoard daemon --once           # from cron: run whatever is due, then exit
  kill -HUP $(pidof hoard)      # reload the config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDaemon(cmd.Context(), g, o)
		},
	}
	o.addFlags(cmd, logText)
	cmd.Flags().BoolVar(&o.Once, "once", false, "run the sources that are due now, then exit")
	return cmd
}

// humanDaemonSkip are the daemon's log messages that human output leaves
// out: the reporter shows each export's start and end as 'hoard run' does.
var humanDaemonSkip = []string{"daemon started", "export starting", "export saved"}

func runDaemon(ctx context.Context, g *Globals, o daemonOpts) error {
	format, err := resolveLogFormat(o.LogFormat, g.Stderr)
	if err != nil {
		return err
	}
	var rep *reporter
	if format == logHuman {
		rep = newReporter(g.Stderr, g.reporterMode())
		defer rep.Close()
	}
	log, err := g.newLogger(g.Stderr, format, rep)
	if err != nil {
		return err
	}
	if h, ok := log.Handler().(*humanHandler); ok {
		h.skip = humanDaemonSkip
	}
	layout, err := g.layout()
	if err != nil {
		return err
	}
	if !o.Once {
		l, err := lock.TryAcquire(layout.DaemonLock())
		if err != nil {
			return daemonLockErr(err)
		}
		defer l.Release()
	}
	apps := &loadedApps{}
	load := func() (*config.Config, error) { return apps.load(g) }
	cfg, err := load()
	if err != nil {
		return err
	}
	jr := &journal.Journal{Path: layout.Journal()}
	jr.Warn = func(msg string) { log.Warn(msg) }
	reg := metrics.New()
	stopServer, err := serveMetrics(firstNonEmpty(o.Listen, cfg.Daemon.Listen), reg, log)
	if err != nil {
		return err
	}
	defer stopServer()
	notifier := notify.Open(layout.NotifyState(), log)
	defer notifier.Close()
	reload, stopNow, stopSignals := daemonSignals()
	defer stopSignals()
	d, err := daemon.New(cfg, daemon.Options{
		Runner:   daemonRunner{apps: apps, log: log, rep: rep},
		Log:      log,
		History:  journalHistory(jr, log),
		Load:     load,
		Notifier: notifier,
		Metrics:  reg,
		Gaps:     apps,
		RunAll:   o.RunAll,
		Once:     o.Once,
		OnPass:   func([]daemon.Outcome) { callIf(o.OnPass) },
	})
	if err != nil {
		return err
	}
	if err := d.Run(ctx, reload, stopNow); err != nil {
		return err
	}
	if !o.Once {
		return nil
	}
	results := make([]runResult, 0, len(d.Pass()))
	for _, p := range d.Pass() {
		results = append(results, toRunResult(p.Source, p.Result))
	}
	return runExit(results)
}

// loadedApps keeps the app of each config the daemon loaded (at start and
// on every reload), so that runs and gap checks of a config use its app,
// whose exporters are built once. Safe for concurrent use.
type loadedApps struct {
	mu   sync.Mutex
	apps map[*config.Config]*app.App
}

// load reads the config and builds every exporter once, so that a
// mistake in any source stops the start (or a reload) with file:line.
func (l *loadedApps) load(g *Globals) (*config.Config, error) {
	a, err := g.loadApp()
	if err != nil {
		return nil, err
	}
	if err := a.CheckExporters(a.Config.Order); err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.apps == nil {
		l.apps = map[*config.Config]*app.App{}
	}
	l.apps[a.Config] = a
	return a.Config, nil
}

func (l *loadedApps) of(cfg *config.Config) *app.App {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.apps[cfg]
}

// Gaps implements daemon.GapFinder.
func (l *loadedApps) Gaps(ctx context.Context, cfg *config.Config, src *config.Source) (int, error) {
	return l.of(cfg).Gaps(ctx, src.Name)
}

func daemonLockErr(err error) error {
	if errors.Is(err, lock.ErrLocked) {
		return &ExitError{Code: ExitLocked, Err: fmt.Errorf("a hoard daemon is already running: %w", err)}
	}
	return err
}

// daemonRunning reports whether another daemon holds the daemon lock.
func daemonRunning(layout paths.Layout) (bool, error) {
	l, err := lock.TryAcquire(layout.DaemonLock())
	if errors.Is(err, lock.ErrLocked) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return false, l.Release()
}

func callIf(f func()) {
	if f != nil {
		f()
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// daemonSignals turns SIGHUP into reload requests and a second SIGINT or
// SIGTERM into stopNow (the first one cancels the command's context, in
// Main). The returned function stops listening.
func daemonSignals() (reload, stopNow <-chan struct{}, stop func()) {
	hup := make(chan os.Signal, 1)
	term := make(chan os.Signal, 2)
	signal.Notify(hup, syscall.SIGHUP)
	signal.Notify(term, os.Interrupt, syscall.SIGTERM)
	rl, sn := make(chan struct{}, 1), make(chan struct{})
	done := make(chan struct{})
	go func() {
		seen := 0
		for {
			select {
			case <-done:
				return
			case <-hup:
				select {
				case rl <- struct{}{}:
				default: // a reload is already pending
				}
			case <-term:
				if seen++; seen == 2 {
					close(sn)
				}
			}
		}
	}()
	var once sync.Once
	return rl, sn, func() {
		once.Do(func() {
			signal.Stop(hup)
			signal.Stop(term)
			close(done)
		})
	}
}

// serveMetrics serves reg at addr/metrics until the returned function is
// called. An empty addr serves nothing.
func serveMetrics(addr string, reg *metrics.Registry, log *slog.Logger) (func(), error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("metrics: %w", err)}
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", reg.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "error", err)
		}
	}()
	log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// journalHistory reads each source's record from the journal.
func journalHistory(jr *journal.Journal, log *slog.Logger) func() (map[string]health.Record, error) {
	return func() (map[string]health.Record, error) {
		entries, bad, err := jr.ReadAll()
		for _, b := range bad {
			log.Warn("journal", "error", b)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the journal: %w", err)
		}
		return health.FromJournal(entries), nil
	}
}

// daemonRunner runs a source as `hoard run` does, with the exporter's
// stderr logged line by line under the source's name; with human output
// (rep set), progress and the exporter's lines, prefixed with the source's
// name, go to the reporter.
type daemonRunner struct {
	apps *loadedApps
	log  *slog.Logger
	rep  *reporter // nil: logs only
}

func (r daemonRunner) Run(ctx context.Context, cfg *config.Config, src *config.Source) app.Result {
	var stderr interface {
		io.Writer
		flush()
	} = &logLines{log: r.log, source: src.Name}
	var obs export.Observer
	if r.rep != nil {
		stderr, obs = &prefixLines{w: r.rep, prefix: src.Name + ": "}, r.rep
	}
	defer stderr.flush()
	a := r.apps.of(cfg)
	exp, err := a.Exporter(src.Name) // built when the config was loaded
	if err != nil {
		return app.Result{Result: export.Result{Start: time.Now(), End: time.Now(), Err: err}}
	}
	return newRunner(a, stderr, obs, r.log, false).Run(ctx, src.Source, a.Extension(src.Name), exp)
}

// prefixLines writes each whole line written to it to w with a prefix
// (exporters running at the same time stay apart). Safe for concurrent use.
type prefixLines struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixLines) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.emit(p.buf[:i])
		p.buf = p.buf[i+1:]
	}
	if len(p.buf) > 64<<10 {
		p.emit(p.buf)
		p.buf = p.buf[:0]
	}
	return len(b), nil
}

func (p *prefixLines) emit(line []byte) {
	line = bytes.TrimRight(line, "\r")
	if len(bytes.TrimSpace(line)) > 0 {
		p.w.Write([]byte(p.prefix + string(line) + "\n"))
	}
}

func (p *prefixLines) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emit(p.buf)
	p.buf = nil
}

// logLines logs each line written to it (an exporter's stderr, already
// redacted by the runner). Safe for concurrent use.
type logLines struct {
	mu     sync.Mutex
	log    *slog.Logger
	source string
	buf    []byte
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > 64<<10 { // a very long line: log it in pieces
		l.emit(l.buf)
		l.buf = l.buf[:0]
	}
	return len(p), nil
}

func (l *logLines) emit(line []byte) {
	if len(bytes.TrimSpace(line)) > 0 {
		l.log.Info("exporter output", "source", l.source, "line", string(bytes.TrimRight(line, "\r")))
	}
}

func (l *logLines) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.emit(l.buf)
	l.buf = nil
}
