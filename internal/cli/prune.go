package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/bytesize"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/spf13/cobra"
)

type pruneOpts struct {
	read    readOpts // Sources, or Dir with Spec
	Apply   bool
	Delete  bool
	JSON    bool
	Verbose bool
}

func newPruneCmd(g *Globals) *cobra.Command {
	var o pruneOpts
	var key, items, queries []string
	var decoder string
	cmd := &cobra.Command{
		Use:   "prune [SOURCE... | --dir DIR]",
		Short: "Remove snapshots whose removal changes nothing that reading them yields",
		Long: `Finds the snapshots of each source (all configured ones by default) that can
go without changing anything that reading the source yields, and with --apply
removes them. A snapshot can go when every item in it was seen in an earlier
snapshot and every version of an item in it (its exact bytes) is also in a
later one: then every item keeps its first and last sighting, its newest
version, and no version is lost. This is checked, not assumed: the merged
result with and without the snapshots is computed and compared item by item,
for both merge styles, before anything is removed.

The first and the newest snapshot always stay (for a per-host source, those of
each machine; and a machine prunes only its own directory), and so do a
snapshot that cannot be read whole and its neighbours. A source with no
decoder is never pruned. SQLite snapshots (browser and app databases) are
compared by their decoded rows, so daily copies of a database whose rows are
those of the day before go even though their bytes differ. Snapshots whose
removal would make 'hoard doctor' see a gap stay too.

A dry run by default: it prints what would go and the space it would free.
--apply moves the snapshots to $XDG_STATE_HOME/hoard/trash/<source>/ (a
rename on the same file system; else a copy, fsynced, then removal), from
where they can be put back or deleted; --apply --delete deletes them. Every
removal is recorded in the journal with its reason.

Exit codes: 0 done (sources without a decoder are reported as skipped), 1 a
source could not be pruned (being exported right now: try again later; or a
removal failed), 2 usage error.`,
		Example: `  hoard prune                    # what would go, for every source
  hoard prune firefox --apply    # move firefox's redundant snapshots to the trash
  hoard prune --dir ~/exports/old-reddit --items saved --key id --apply --delete`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.read.Sources = args
			o.read.Spec.Key, o.read.Spec.Items = key, items
			q, err := parseQueries(queries)
			if err != nil {
				return err
			}
			o.read.Spec.Queries, o.read.Spec.QueryFallbacks = app.SplitQueries(q)
			if o.read.Spec.Decoder, err = decoderFlag(decoder); err != nil {
				return err
			}
			return runPrune(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Apply, "apply", false, "remove the snapshots (default: only report what would go)")
	f.BoolVar(&o.Delete, "delete", false, "with --apply: delete the snapshots instead of moving them to the trash")
	f.BoolVar(&o.JSON, "json", false, "print JSON on stdout")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "list every snapshot that goes, with its reason")
	f.StringVar(&o.read.Dir, "dir", "", "prune this directory of snapshots, with no config")
	f.StringSliceVar(&key, "key", nil, "with --dir: path(s) of the item key")
	f.StringSliceVar(&items, "items", nil, "with --dir: path(s) of the item arrays in a JSON document")
	f.StringVar(&o.read.Spec.Time, "time", "", "with --dir: path of the item's time field")
	f.StringVar(&decoder, "decoder", "", "with --dir: a format or a built-in source's decoder; default: by extension")
	f.StringArrayVar(&queries, "query", nil, "with --dir, for SQLite snapshots: KIND=SQL (repeatable)")
	f.BoolVar(&o.read.PerHost, "per-host", false, "with --dir: DIR's subdirectories are machines' (a per_host source): read them all, prune none")
	return cmd
}

func runPrune(ctx context.Context, g *Globals, o pruneOpts) error {
	if o.Delete && !o.Apply {
		return usageErr("--delete goes with --apply: 'hoard prune --apply --delete'")
	}
	sp := o.read.Spec
	if o.read.Dir == "" && (len(sp.Key) > 0 || len(sp.Items) > 0 || sp.Time != "" || sp.Decoder != nil || len(sp.Queries) > 0 || len(sp.QueryFallbacks) > 0) {
		return usageErr("--key, --items, --time, --decoder and --query go with --dir; for a configured source set them in its [sources.NAME] table")
	}
	targets, _, err := o.read.targets(g)
	if err != nil {
		return err
	}
	var p *app.Pruner
	if o.read.Dir != "" {
		layout, err := g.layout()
		if err != nil {
			return err
		}
		p = &app.Pruner{Layout: layout, Journal: &journal.Journal{Path: layout.Journal()}, Apply: o.Apply, Delete: o.Delete}
	} else {
		a, err := g.loadApp()
		if err != nil {
			return err
		}
		p = a.Pruner(o.Apply, o.Delete)
	}
	reports, err := p.Prune(ctx, targets)
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		printPrune(g.Stdout, reports, o, p)
	}
	if err != nil {
		return err
	}
	if err := app.PruneErrors(reports); err != nil {
		for _, r := range reports {
			if r.Error != "" && !o.JSON {
				fmt.Fprintf(g.Stderr, "hoard: %s: %s\n", r.Source, r.Error)
			}
		}
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return nil
}

func printPrune(w io.Writer, rs []app.PruneReport, o pruneOpts, p *app.Pruner) {
	var total int64
	n := 0
	for _, r := range rs {
		verb := "can go"
		if r.Applied {
			verb = "removed"
		}
		fmt.Fprintf(w, "%s: %d snapshot(s), %d %s, %s freed (%d items and %d item versions compared)\n",
			r.Source, r.Snapshots, len(r.Removed), verb, bytesize.Format(r.BytesFreed), r.Items, r.Versions)
		if r.Skipped != "" {
			fmt.Fprintf(w, "  skipped: %s\n", r.Skipped)
		}
		if r.Error != "" {
			fmt.Fprintf(w, "  not pruned: %s\n", r.Error)
		}
		if len(r.Kept) > 0 {
			cats := make([]string, 0, len(r.Kept))
			for c := range r.Kept {
				cats = append(cats, c)
			}
			sort.Slice(cats, func(i, j int) bool {
				return r.Kept[cats[i]] > r.Kept[cats[j]] || r.Kept[cats[i]] == r.Kept[cats[j]] && cats[i] < cats[j]
			})
			fmt.Fprintf(w, "  kept:")
			for i, c := range cats {
				sep := ","
				if i == 0 {
					sep = ""
				}
				fmt.Fprintf(w, "%s %d (%s)", sep, r.Kept[c], c)
			}
			fmt.Fprintln(w)
		}
		for _, f := range r.Removed {
			if !o.Verbose {
				break
			}
			to := ""
			if f.Trash != "" {
				to = " -> " + f.Trash
			}
			fmt.Fprintf(w, "  %s (%s)%s\n", f.Path, bytesize.Format(f.Bytes), to)
		}
		total += r.BytesFreed
		n += len(r.Removed)
	}
	switch {
	case n == 0:
	case !o.Apply:
		fmt.Fprintf(w, "Dry run: nothing was removed. 'hoard prune --apply' moves the %d snapshot(s) (%s) to %s, or --apply --delete deletes them.\n", n, bytesize.Format(total), p.Layout.Trash("SOURCE", ""))
	case o.Delete:
		fmt.Fprintf(w, "Deleted %d snapshot(s), %s.\n", n, bytesize.Format(total))
	default:
		fmt.Fprintf(w, "Moved %d snapshot(s), %s, to the trash under %s: delete them from there when you are sure.\n", n, bytesize.Format(total), p.Layout.Trash("", ""))
	}
}
