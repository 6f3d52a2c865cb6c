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
	Sources []string
	Wait    bool
	JSON    bool
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

Exit codes: 0 all succeeded, 1 some source failed (or a run could not be
recorded in the journal), 2 configuration error,
3 some source was locked by another run (and none failed).`,
		Example: `  hoard run                 # every configured source
  hoard run firefox zsh     # just these
  hoard run --json | jq .   # one JSON object per source`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Sources = args
			return runRun(cmd.Context(), g, o)
		},
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "wait for a source locked by another run instead of refusing")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print one JSON result per source on stdout")
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
	results := runSources(ctx, g, a, names, o.Wait)
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
// are built (CheckExporters).
func runSources(ctx context.Context, g *Globals, a *app.App, names []string, wait bool) []runResult {
	rep := newReporter(g.Stderr, false)
	defer rep.Close()
	r := newRunner(a, rep, rep, slog.New(slog.NewTextHandler(rep, nil)), wait)
	r.Journal.Warn = func(msg string) { rep.line("hoard: warning: %s", msg) }
	var results []runResult
	for _, name := range names {
		if ctx.Err() != nil {
			break
		}
		exp, _ := a.Exporter(name) // built by CheckExporters
		res := r.Run(ctx, a.Config.Sources[name].Source, a.Extension(name), exp)
		rr := toRunResult(name, res)
		if res.Err != nil {
			rep.line("%s: %s: %v", name, rr.Outcome, res.Err)
		}
		if res.JournalErr != nil {
			rep.line("%s: the run's record could not be written to the journal %s: %v", name, r.Journal.Path, res.JournalErr)
		}
		results = append(results, rr)
	}
	return results
}

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
