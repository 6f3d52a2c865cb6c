package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/spf13/cobra"
)

type doctorOpts struct {
	Sources []string
	NoCache bool
	JSON    bool
}

func newDoctorCmd(g *Globals) *cobra.Command {
	var o doctorOpts
	cmd := &cobra.Command{
		Use:   "doctor [SOURCE...]",
		Short: "Check each source's snapshots: errors, gaps, undatable files",
		Long: `Reads every configured source (or those named) and reports, per source: the
number of snapshots and merged items, the first and last item time, the files
that could not be read (and why), files skipped because their names hold no
date, and gaps.

A gap is found for union-merged sources with a time field when a snapshot's
oldest item is newer than the previous snapshot's newest item: the two do not
overlap, so items from in between were probably lost because exports ran too
rarely (run the source more often). Sources whose snapshots are not meant to
overlap (incremental exports) can set gaps = false.

Exit status: 0 when every source is fine, 1 when something needs attention
(an error, a gap, an undatable file, or a source with no snapshots yet).`,
		Example: `  hoard doctor
  hoard doctor reddit --json`,
		ValidArgsFunction: completeSources(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Sources = args
			return runDoctor(cmd.Context(), g, o)
		},
	}
	cmd.Flags().BoolVar(&o.NoCache, "no-cache", false, "read the snapshots directly instead of the index")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON on stdout")
	return cmd
}

// runDoctor checks the sources and prints the report.
func runDoctor(ctx context.Context, g *Globals, o doctorOpts) error {
	ro := readOpts{Sources: o.Sources, NoCache: o.NoCache}
	targets, rd, err := ro.targets(g)
	if err != nil {
		return err
	}
	progress := newIndexProgress(g)
	if progress != nil {
		rd.Progress = progress.update
	}
	reports, err := rd.Doctor(ctx, targets)
	progress.end()
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		printCheckups(g.Stdout, reports, g.location())
	}
	for _, c := range reports {
		if c.Attention() {
			return &ExitError{Code: ExitFailure}
		}
	}
	return nil
}

func printCheckups(w io.Writer, reports []app.Checkup, loc *time.Location) {
	const day = tableTime
	for _, c := range reports {
		status := "ok"
		if c.Attention() {
			status = "NEEDS ATTENTION"
		}
		fmt.Fprintf(w, "%s: %s\n  %d snapshots, %d items", c.Source, status, c.Snapshots, c.Items)
		if c.First != nil {
			fmt.Fprintf(w, ", from %s to %s", c.First.In(loc).Format(day), c.Last.In(loc).Format(day))
		}
		fmt.Fprintln(w)
		if c.Snapshots == 0 {
			fmt.Fprintf(w, "  no snapshots yet: run 'hoard run %s'\n", c.Source)
		}
		for _, e := range c.Errors {
			fmt.Fprintf(w, "  error: %s\n", e)
		}
		for _, gp := range c.Gaps {
			fmt.Fprintf(w, "  gap (%s): nothing between %s and %s (%s, then %s): exports probably ran too rarely\n",
				gp.Kind, gp.From.In(loc).Format(day), gp.To.In(loc).Format(day), gp.Before, gp.After)
		}
		for _, u := range c.Undatable {
			fmt.Fprintf(w, "  undatable: %s\n", u)
		}
	}
}
