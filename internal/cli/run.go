package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hoard-dev/hoard/config"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/spf13/cobra"
)

func init() { register(newRunCmd) }

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
	// JournalError says the run could not be recorded in the journal.
	JournalError string `json:"journal_error,omitempty"`
}

func runRun(ctx context.Context, g *Globals, o runOpts) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	names, err := cfg.Names(o.Sources)
	if err != nil {
		return usageErr("%v", err)
	}
	if len(names) == 0 {
		fmt.Fprintf(g.Stderr, "No sources are configured in %s. Add a [sources.NAME] table (see the examples in the file).\n", cfg.Path)
		return nil
	}
	if err := checkExporters(cfg, names); err != nil {
		return err
	}
	results, err := runSources(ctx, g, cfg, names, o.Wait)
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	return runExit(results)
}

// checkExporters builds every exporter first, so that a mistake in any
// source's exporter settings stops the run before anything is fetched.
func checkExporters(cfg *config.Config, names []string) error {
	var errs []error
	for _, n := range names {
		if _, err := export.New(cfg.Sources[n]); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", cfg.Path, cfg.Sources[n].Line, err))
		}
	}
	if len(errs) > 0 {
		return &ExitError{Code: ExitUsage, Err: errors.Join(errs...)}
	}
	return nil
}

// runSources runs the named sources one after another.
func runSources(ctx context.Context, g *Globals, cfg *config.Config, names []string, wait bool) ([]runResult, error) {
	state, err := paths.StateDir()
	if err != nil {
		return nil, err
	}
	rep := newReporter(g.Stderr, false)
	defer rep.Close()
	jr := journal.Open(state)
	jr.Warn = func(msg string) { rep.line("hoard: warning: %s", msg) }
	sr := &export.SourceRunner{
		Runner:   &export.Runner{Stderr: rep, Observer: rep, Log: slog.New(slog.NewTextHandler(rep, nil))},
		Store:    snapshot.New(cfg.Root),
		StateDir: state,
		Journal:  jr,
		Wait:     wait,
	}
	var results []runResult
	for _, name := range names {
		if ctx.Err() != nil {
			break
		}
		res := sr.RunSource(ctx, cfg.Sources[name])
		rr := toRunResult(name, res)
		if res.Err != nil {
			rep.line("%s: %s: %v", name, rr.Outcome, res.Err)
		}
		if res.Journal != nil {
			rep.line("%s: this run is not recorded (hoard status will not show it): %v", name, res.Journal)
		}
		results = append(results, rr)
	}
	return results, nil
}

func toRunResult(name string, res export.Result) runResult {
	rr := runResult{Source: name, Outcome: export.Outcome(res), Attempts: res.Attempts, Seconds: res.End.Sub(res.Start).Round(time.Millisecond).Seconds()}
	if res.Snapshot != nil {
		rr.Path, rr.Bytes, rr.SHA256 = res.Snapshot.Path, res.Snapshot.Bytes, res.Snapshot.SHA256
	}
	if res.Err != nil {
		rr.Error = res.Err.Error()
	}
	if res.Journal != nil {
		rr.JournalError = res.Journal.Error()
	}
	return rr
}

// runExit turns results into the exit code: failures win over locks.
func runExit(results []runResult) error {
	failed, locked, unrecorded := 0, 0, 0
	for _, r := range results {
		if r.JournalError != "" {
			unrecorded++
		}
		switch r.Outcome {
		case journal.OK:
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
