package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/index"
	"github.com/spf13/cobra"
)

func init() { register(newDoctorCmd) }

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
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Sources = args
			return runDoctor(cmd.Context(), g, o)
		},
	}
	cmd.Flags().BoolVar(&o.NoCache, "no-cache", false, "read the snapshots directly instead of the index")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON on stdout")
	return cmd
}

// checkup is doctor's report on one source.
type checkup struct {
	Source    string     `json:"source"`
	Snapshots int        `json:"snapshots"`
	Items     int        `json:"items"`
	First     *time.Time `json:"first_item,omitempty"`
	Last      *time.Time `json:"last_item,omitempty"`
	Errors    []string   `json:"errors,omitempty"`
	Gaps      []gapJSON  `json:"gaps,omitempty"`
	Undatable []string   `json:"undatable,omitempty"`
}

type gapJSON struct {
	Kind   string    `json:"kind"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Before string    `json:"before"`
	After  string    `json:"after"`
}

func (c *checkup) attention() bool {
	return c.Snapshots == 0 || len(c.Errors) > 0 || len(c.Gaps) > 0 || len(c.Undatable) > 0
}

// runDoctor checks the sources and prints the report.
func runDoctor(ctx context.Context, g *Globals, o doctorOpts) error {
	ro := readOpts{Sources: o.Sources}
	targets, err := ro.targets(g)
	if err != nil {
		return err
	}
	var reports []checkup
	for _, t := range targets {
		c, err := examine(ctx, g, t, o.NoCache)
		if err != nil {
			return err
		}
		reports = append(reports, c)
	}
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		printCheckups(g.Stdout, reports)
	}
	for _, c := range reports {
		if c.attention() {
			return &ExitError{Code: ExitFailure}
		}
	}
	return nil
}

// examine builds the report of one source, from the index unless noCache
// (or when the index cannot be used).
func examine(ctx context.Context, g *Globals, t target, noCache bool) (checkup, error) {
	c := checkup{Source: t.spec.Source}
	snaps, warns, err := listTarget(t)
	if err != nil {
		return c, err
	}
	c.Snapshots, c.Undatable = len(snaps), warns
	src := index.Source{Spec: t.spec, Snaps: snaps}
	var files []dal.FileStat
	if !noCache {
		files, err = examineCached(ctx, g, src, &c)
	}
	if noCache || err != nil {
		if files, err = examineUncached(ctx, src, &c); err != nil {
			return c, err
		}
	}
	if spec := dal.WithDefaults(t.spec); spec.Merge == dal.Union && spec.Time != "" && !t.noGaps {
		for _, gp := range dal.Gaps(files) {
			c.Gaps = append(c.Gaps, gapJSON(gp))
		}
	}
	sort.Strings(c.Errors)
	return c, nil
}

// examineCached reports on a source from the index, refreshed first. An
// index found damaged is removed and built again once, as for items.
func examineCached(ctx context.Context, g *Globals, src index.Source, c *checkup) ([]dal.FileStat, error) {
	path, err := indexPath()
	if err != nil {
		return nil, err
	}
	files, err := examineIndex(ctx, g, path, src, c)
	if index.IsCorrupt(err) && index.Remove(path) == nil {
		files, err = examineIndex(ctx, g, path, src, c)
	}
	return files, err
}

func examineIndex(ctx context.Context, g *Globals, path string, src index.Source, c *checkup) ([]dal.FileStat, error) {
	x, err := index.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	progress := newIndexProgress(g) // nil when g is (no terminal to show it on)
	_, err = x.RefreshWith(ctx, src, progress.options())
	progress.end()
	if err != nil {
		return nil, err
	}
	sum, err := x.Summarize(ctx, src.Spec.Source)
	if err != nil {
		return nil, err
	}
	c.Items = sum.Items
	if !sum.First.IsZero() {
		c.First, c.Last = &sum.First, &sum.Last
	}
	if c.Errors, err = x.Errors(ctx, []string{src.Spec.Source}); err != nil {
		return nil, err
	}
	return x.Files(ctx, src.Spec.Source)
}

func examineUncached(ctx context.Context, src index.Source, c *checkup) ([]dal.FileStat, error) {
	res, err := dal.Merge(ctx, src.Spec, src.Snaps, dal.Options{Ranges: true})
	if err != nil {
		return nil, err
	}
	c.Items, c.Errors = len(res.Items), nil
	for _, e := range res.Errors() {
		c.Errors = append(c.Errors, e.Error())
	}
	for _, it := range res.Items {
		if it.Time.IsZero() {
			continue
		}
		if c.First == nil || it.Time.Before(*c.First) {
			t := it.Time
			c.First = &t
		}
		if c.Last == nil || it.Time.After(*c.Last) {
			t := it.Time
			c.Last = &t
		}
	}
	return res.Files, nil
}

func printCheckups(w io.Writer, reports []checkup) {
	const day = "2006-01-02 15:04"
	for _, c := range reports {
		status := "ok"
		if c.attention() {
			status = "NEEDS ATTENTION"
		}
		fmt.Fprintf(w, "%s: %s\n  %d snapshots, %d items", c.Source, status, c.Snapshots, c.Items)
		if c.First != nil {
			fmt.Fprintf(w, ", from %s to %s", c.First.UTC().Format(day), c.Last.UTC().Format(day))
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
				gp.Kind, gp.From.UTC().Format(day), gp.To.UTC().Format(day), gp.Before, gp.After)
		}
		for _, u := range c.Undatable {
			fmt.Fprintf(w, "  undatable: %s\n", u)
		}
	}
}
