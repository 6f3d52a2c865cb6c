package cli

import (
	"context"
	"fmt"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/sqliteout"
	"github.com/spf13/cobra"
)

type exportSQLiteOpts struct {
	File    string
	Sources []string
	Force   bool
	NoCache bool
}

func newExportSQLiteCmd(g *Globals) *cobra.Command {
	var o exportSQLiteOpts
	cmd := &cobra.Command{
		Use:   "export-sqlite FILE [SOURCE...]",
		Short: "Write the merged items to a tidy SQLite database (for Datasette or sqlite3)",
		Long: `Writes every configured source's merged items (or the named sources') to a new
SQLite file: one table per source and kind, e.g. reddit_saved or
firefox_visits, with the columns key, time, title, url, text, first_seen,
last_seen (RFC 3339 text) and raw (the item's JSON; query it with SQLite's
JSON functions, e.g. raw ->> '$.score').

The file is written next to FILE and renamed into place; an existing FILE is
only replaced with --force. Errors in snapshots are reported on stderr and
make the exit status 1, but every readable item is exported.`,
		Example: `  hoard export-sqlite ~/hoard.db
  datasette ~/hoard.db
  sqlite3 ~/hoard.db "SELECT time, title FROM firefox_visits ORDER BY time DESC LIMIT 10"`,
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return nil, cobra.ShellCompDirectiveDefault // FILE
			}
			return completeSources(g)(cmd, args[1:], toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.File, o.Sources = args[0], args[1:]
			return runExportSQLite(cmd.Context(), g, o)
		},
	}
	cmd.Flags().BoolVar(&o.Force, "force", false, "replace FILE if it exists")
	cmd.Flags().BoolVar(&o.NoCache, "no-cache", false, "read the snapshots directly instead of the index")
	return cmd
}

// runExportSQLite writes the merged items of the sources to o.File.
func runExportSQLite(ctx context.Context, g *Globals, o exportSQLiteOpts) error {
	ro := readOpts{Sources: o.Sources, NoCache: o.NoCache}
	targets, rd, err := ro.targets(g)
	if err != nil {
		return err
	}
	r, err := rd.Read(ctx, targets, dal.Query{})
	if err != nil {
		return err
	}
	defer r.Close()
	defer printWarnings(g, r.Warnings)
	n := 0
	counted := func(yield func(dal.Item, error) bool) {
		for it, err := range r.Items {
			if err == nil {
				n++
			}
			if !yield(it, err) {
				return
			}
		}
	}
	if err := sqliteout.Export(ctx, o.File, counted, o.Force); err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	fmt.Fprintf(g.Stderr, "hoard: wrote %d items to %s\n", n, o.File)
	return reportProblems(g, r.Problems)
}
