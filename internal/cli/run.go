package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/spf13/cobra"
)

type runOpts struct {
	Sources   []string
	Wait      bool
	JSON      bool
	DryRun    bool   // say what would run, run nothing
	LogFormat string // human (default), text, json or auto
}

func newRunCmd(g *Globals) *cobra.Command {
	var o runOpts
	cmd := &cobra.Command{
		Use:   "run [SOURCE...]",
		Short: "Export the configured sources now (all of them by default)",
		Long: `Runs each source's exporter once, one source after another, and saves a new
snapshot for each success. A source already being exported by another hoard
process is refused (exit 3), or waited for with --wait. Every run is recorded
in the journal ($XDG_STATE_HOME/hoard/journal.jsonl) that 'hoard status' reads.

Before anything runs, every named source's exporter settings and secrets
file are checked: a mistake in any is a configuration error (exit 2).
With notify set in the config, a source that starts failing, goes stale
or recovers is notified as the daemon does (once per change, whichever of
them sees it first), so per-source timers ('hoard schedule install')
report failures too.

Exit codes: 0 all succeeded, 1 some source failed (or a run could not be
recorded in the journal), 2 configuration error,
3 some source was locked by another run (and none failed).`,
		Example: `  hoard run                 # every configured source
  hoard run firefox zsh     # just these
  hoard run --dry-run       # what would run, where it would be saved
  hoard run --json | jq .   # one JSON object per source`,
		ValidArgsFunction: completeSources(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Sources = args
			return runRun(cmd.Context(), g, o)
		},
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "wait for a source locked by another run instead of refusing")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print one JSON result per source on stdout")
	cmd.Flags().BoolVarP(&o.DryRun, "dry-run", "n", false, "check the config and secrets and say what would run, without running anything")
	addLogFormatFlag(cmd, &o.LogFormat, logHuman)
	return cmd
}

// runResult is the --json form of one source's run.
type runResult struct {
	Source   string  `json:"source"`
	Outcome  string  `json:"outcome"`
	Path     string  `json:"path,omitempty"`
	Bytes    int64   `json:"bytes,omitempty"`
	SHA256   string  `json:"sha256,omitempty"`
	Attempts int     `json:"attempts"`
	Seconds  float64 `json:"seconds"`
	Error    string  `json:"error,omitempty"`
	// JournalError: the run happened but its journal record was lost.
	JournalError string `json:"journal_error,omitempty"`
}

func runRun(ctx context.Context, g *Globals, o runOpts) error {
	a, err := g.loadApp()
	if err != nil {
		return err
	}
	names, err := a.Names(o.Sources)
	if err != nil {
		return usageErr("%v", err)
	}
	if len(names) == 0 {
		fmt.Fprintf(g.Stderr, "No sources are configured in %s. Add a [sources.NAME] table (see the examples in the file, or 'hoard init --add NAME').\n", a.Config.Path)
		return nil
	}
	if err := a.CheckExporters(names); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if err := a.CheckSecrets(names); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if o.DryRun {
		return printDryRun(g, a, names, o.JSON)
	}
	if o.LogFormat == "" {
		o.LogFormat = logHuman
	}
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
	results := runSources(ctx, a, names, o.Wait, rep, log)
	notifyRuns(a, names, log)
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	hookErr := runAfterRun(ctx, g, a, results)
	if err := runExit(results); err != nil {
		return err
	}
	if hookErr != nil {
		return &ExitError{Code: ExitFailure, Err: hookErr}
	}
	return nil
}

// runAfterRun runs the config's after_run command when some source saved
// a new snapshot; its output goes to stderr.
func runAfterRun(ctx context.Context, g *Globals, a *app.App, results []runResult) error {
	h, ok := a.AfterRun()
	if !ok {
		return nil
	}
	var saved []string
	for _, r := range results {
		if r.Outcome == journal.OK {
			saved = append(saved, r.Source)
		}
	}
	if len(saved) == 0 || ctx.Err() != nil {
		return nil
	}
	return h.Run(ctx, saved, g.Stderr)
}

// newRunner is the source runner of the CLI and the daemon: exporter
// output and progress go to rep, runs are recorded in the journal.
func newRunner(a *app.App, stderr io.Writer, obs export.Observer, log *slog.Logger, wait bool) *app.Runner {
	return &app.Runner{
		Runner:  &export.Runner{Stderr: stderr, Observer: obs, Log: log},
		Store:   snapshot.New(a.Config.Root),
		Layout:  a.Layout,
		Journal: &journal.Journal{Path: a.Layout.Journal()},
		Wait:    wait,
	}
}

// runSources runs the named sources one after another; their exporters
// are built (CheckExporters). For people (rep set), progress, exporter
// stderr and failures go to rep and the exporters' logs (retries, ...) to
// log as plain lines; otherwise everything is a log record, as the
// daemon writes them.
func runSources(ctx context.Context, a *app.App, names []string, wait bool, rep *reporter, log *slog.Logger) []runResult {
	var results []runResult
	for _, name := range names {
		if ctx.Err() != nil {
			break
		}
		var stderr interface {
			io.Writer
			flush()
		} = &logLines{log: log, source: name}
		var obs export.Observer
		if rep != nil {
			stderr, obs = &passThrough{rep}, rep
		}
		r := newRunner(a, stderr, obs, log, wait)
		r.Journal.Warn = func(msg string) { log.Warn(msg) }
		if rep != nil {
			r.Journal.Warn = func(msg string) { rep.line("hoard: warning: %s", msg) }
		}
		exp, _ := a.Exporter(name) // built by CheckExporters
		res := r.Run(ctx, a.Config.Sources[name].Source, a.Extension(name), exp)
		stderr.flush()
		rr := toRunResult(name, res)
		switch {
		case rep == nil:
			logRun(log, name, rr.Outcome, res)
		case res.Err != nil:
			rep.line("%s: %s: %v", name, rr.Outcome, res.Err)
		}
		if res.JournalErr != nil && rep != nil {
			rep.line("%s: the run's record could not be written to the journal %s: %v", name, r.Journal.Path, res.JournalErr)
		}
		results = append(results, rr)
	}
	return results
}

// logRun logs the end of a run as the daemon does.
func logRun(log *slog.Logger, name, outcome string, res app.Result) {
	took := res.End.Sub(res.Start).Round(time.Millisecond)
	switch {
	case res.Err == nil:
		log.Info("export saved", "source", name, "path", res.Snapshot.Path, "bytes", res.Snapshot.Bytes, "took", took)
	case outcome == journal.Locked:
		log.Warn("export skipped: another run holds the source's lock", "source", name, "error", res.Err)
	default:
		log.Error("export "+outcome, "source", name, "attempts", res.Attempts, "took", took, "error", res.Err)
	}
	if res.JournalErr != nil {
		log.Error("JOURNAL WRITE FAILED: the run is not recorded; hoard status will not know of it", "source", name, "error", res.JournalErr)
	}
}

// passThrough writes an exporter's stderr to the reporter as it comes.
type passThrough struct{ rep *reporter }

func (p *passThrough) Write(b []byte) (int, error) { return p.rep.Write(b) }
func (p *passThrough) flush()                      {}

func toRunResult(name string, res app.Result) runResult {
	rr := runResult{Source: name, Outcome: app.Outcome(res.Result), Attempts: res.Attempts, Seconds: res.End.Sub(res.Start).Round(time.Millisecond).Seconds()}
	if res.Snapshot != nil {
		rr.Path, rr.Bytes, rr.SHA256 = res.Snapshot.Path, res.Snapshot.Bytes, res.Snapshot.SHA256
	}
	if res.Err != nil {
		rr.Error = res.Err.Error()
	}
	if res.JournalErr != nil {
		rr.JournalError = res.JournalErr.Error()
	}
	return rr
}

// runExit turns results into the exit code: failures win over locks; a
// run whose journal record was lost is a failure too (status would not
// know of it).
func runExit(results []runResult) error {
	failed, locked, unrecorded := 0, 0, 0
	for _, r := range results {
		if r.JournalError != "" {
			unrecorded++
		}
		switch r.Outcome {
		case journal.OK, journal.Unchanged:
		case journal.Locked:
			locked++
		default:
			failed++
		}
	}
	switch {
	case failed > 0:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d source(s) failed", failed, len(results))}
	case unrecorded > 0:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d run(s) could not be recorded in the journal", unrecorded)}
	case locked > 0:
		return &ExitError{Code: ExitLocked, Err: fmt.Errorf("%d source(s) skipped: %w", locked, lock.ErrLocked)}
	}
	return nil
}
