package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/bytesize"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/spf13/cobra"
)

type statusOpts struct {
	Root  string
	JSON  bool
	Check bool // exit 1 when a configured source is failing, stale or at risk
	Gaps  bool // look for gaps between snapshots (reads them, through the index)
}

func newStatusCmd(g *Globals) *cobra.Command {
	var o statusOpts
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each source's health, last run, last success, next run and snapshots",
		Long: `Reports, per source: its state, the last attempt and its outcome, the last
success, the next scheduled run, how many snapshots exist, their total size and
the age of the newest one.

The state is "ok" or the source's problems: "stale" (no success in twice its
schedule's interval), "failing" (its last daemon.failing_after runs failed),
"at-risk" (gaps between its snapshots: items were probably lost because
exports ran too rarely; checked with --gaps, which reads the snapshots through
the index, and by the daemon after each run). With --check, hoard status exits
1 when any configured source has a problem.

Sources come from the config and from the directories found in the exports
root, so an archive made by arctee (with no journal at all) is reported from
its files. --root reads any exports directory without a config.`,
		Example: `  hoard status
  hoard status --json | jq '.[] | select(.outcome != "ok")'
  hoard status --root /mnt/backup/exports
  hoard status --check || notify-send "hoard needs attention"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), g, o)
		},
	}
	cmd.Flags().StringVar(&o.Root, "root", "", "read this exports root instead of the config's")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON on stdout")
	cmd.Flags().BoolVar(&o.Check, "check", false, "exit 1 when a configured source is failing, stale or at risk")
	cmd.Flags().BoolVar(&o.Gaps, "gaps", false, "also look for gaps between snapshots (at-risk); slower")
	return cmd
}

func runStatus(ctx context.Context, g *Globals, o statusOpts) error {
	now := time.Now()
	rows, root, err := statusRows(ctx, g, o, now)
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return err
		}
	} else if len(rows) == 0 {
		fmt.Fprintf(g.Stderr, "No sources yet: nothing configured and no directories in %s.\n", root)
	} else if err := printStatus(g.Stdout, rows, now); err != nil {
		return err
	}
	if o.Check {
		if err := app.CheckExit(rows); err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
	}
	return nil
}

// statusRows reports on --root (no config), else on the config's sources,
// looking for gaps with --gaps.
func statusRows(ctx context.Context, g *Globals, o statusOpts, now time.Time) ([]app.SourceStatus, string, error) {
	if o.Root != "" {
		root, err := paths.Expand(o.Root)
		if err != nil {
			return nil, "", err
		}
		layout, err := g.layout()
		if err != nil {
			return nil, "", err
		}
		rows, err := app.RootStatus(root, layout, now, statusWarn(g))
		return rows, root, err
	}
	a, err := g.loadApp()
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) && errors.Is(ee.Err, errNoConfig) {
			ee.Err = fmt.Errorf("%w\n  To report on an existing exports directory without a config: hoard status --root DIR", ee.Err)
		}
		return nil, "", err
	}
	rows, err := a.Status(now, statusWarn(g))
	if err == nil && o.Gaps {
		err = a.CheckGaps(ctx, rows)
	}
	return rows, a.Config.Root, err
}

// statusWarn prints what status finds wrong but reports around (journal
// records it cannot read).
func statusWarn(g *Globals) func(string) {
	return func(msg string) { fmt.Fprintln(g.Stderr, "hoard: warning:", msg) }
}

// next renders the next run: "in 3h", "now", "when PATH appears".
func next(r *app.SourceStatus, now time.Time) string {
	switch {
	case r.NextRun != nil && !r.NextRun.After(now):
		return "due now"
	case r.NextRun != nil:
		return "in " + roughDuration(r.NextRun.Sub(now))
	case r.WhenPath != "":
		return "when present"
	}
	return "-"
}

func roughDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func printStatus(w io.Writer, rows []app.SourceStatus, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATE\tLAST ATTEMPT\tOUTCOME\tLAST SUCCESS\tNEXT RUN\tSNAPSHOTS\tSIZE\tNEWEST")
	for _, r := range rows {
		outcome := r.Outcome
		if outcome == "" {
			outcome = "-"
		}
		if r.Failures > 1 {
			outcome = fmt.Sprintf("%s (%dx)", outcome, r.Failures)
		}
		name := r.Source
		if !r.Configured {
			name += " (not configured)"
		}
		state := r.State
		if state == "" {
			state = "-"
		}
		newest := ago(r.Newest, now)
		if r.Confirmed != nil {
			newest += " (same " + ago(r.Confirmed, now) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", name, state, ago(r.LastAttempt, now), outcome,
			ago(r.LastSuccess, now), next(&r, now), r.Snapshots, bytesize.Format(r.Bytes), newest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		if r.LastError != "" && !journal.Succeeded(r.Outcome) {
			fmt.Fprintf(w, "%s: last error: %s\n", r.Source, firstLine(r.LastError))
		}
		if len(r.Undatable) > 0 {
			fmt.Fprintf(w, "%s: %d file(s) without a date in their name, not counted: %s\n", r.Source, len(r.Undatable), strings.Join(r.Undatable, ", "))
		}
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// ago renders a time as "3h ago" (or "-").
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "-"
	}
	d := now.Sub(*t)
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}
