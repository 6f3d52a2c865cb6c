package cli

import (
	"context"

	"github.com/spf13/cobra"
)

func newQueryCmd(g *Globals) *cobra.Command {
	var o readOpts
	cmd := &cobra.Command{
		Use:   "query [SOURCE...]",
		Short: "Search and filter the merged items of several sources at once",
		Long: `Prints the merged items of the named sources (all configured sources when
none is named) as one stream ordered by time; items without a time come
first. Filters: --after/--before select the range [after, before),
--within the last span of time, --search words in the title, url or text
(SQLite FTS5: whole words, case-insensitive, word* for a prefix).

Queries read the index in hoard's cache directory, which is refreshed from
new snapshots first (only new files are decoded). --no-cache reads the
snapshots directly and prints the same bytes. Errors in snapshots are
reported on stderr after the output, and the exit status is then 1.`,
		Example: `  hoard query --within 1w --format table
  hoard query firefox chromium --search "sqlite wal" --reverse --limit 10
  hoard query --after 2024-01-01 --before 2024-02-01 --format csv > january.csv`,
		ValidArgsFunction: completeSources(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Sources = args
			return runQuery(cmd.Context(), g, o)
		},
	}
	o.addQueryFlags(cmd)
	return cmd
}

// runQuery prints the merged items of configured sources.
func runQuery(ctx context.Context, g *Globals, o readOpts) error {
	o.Dir = ""
	return runRead(ctx, g, o)
}
