package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/sqliteout"
	"github.com/spf13/cobra"
)

type exportSQLiteOpts struct {
	File       string
	Sources    []string
	Force      bool
	Update     bool
	Metadata   string // --metadata FILE; "" is FILE's name with .metadata.json
	NoMetadata bool
	NoCache    bool
}

func newExportSQLiteCmd(g *Globals) *cobra.Command {
	var o exportSQLiteOpts
	cmd := &cobra.Command{
		Use:   "export-sqlite FILE [SOURCE...]",
		Short: "Write the merged items to a tidy SQLite database (for Datasette or sqlite3)",
		Long: `Writes every configured source's merged items (or the named sources') to a
SQLite file: one table per source and kind, e.g. reddit_saved or
firefox_visits, with the columns id, key (plain text), time, title, url, text
(NULL when an item has none), first_seen, last_seen (ISO 8601, UTC), raw (the
item's JSON; query it with SQLite's JSON functions, e.g. raw ->> '$.score'),
and each top-level member of the kind's items as a typed column (INTEGER,
REAL or TEXT; objects and arrays as JSON text; a member named like one of
the columns above is raw_NAME).

Each table has an FTS5 table over title, url and text (TABLE_fts, kept in
step by triggers), so that Datasette's search box and
  SELECT * FROM t WHERE id IN (SELECT rowid FROM t_fts WHERE t_fts MATCH 'word')
work. A Datasette metadata.json describing the sources and columns is
written beside FILE (FILE's name with .metadata.json, or --metadata).

A new FILE is written next to it and renamed into place; an existing FILE
is replaced only with --force. --update brings an existing export up to
date instead, in one transaction, writing only the items that are new,
changed or gone since the last export (so it can run on a schedule); it
creates FILE when there is none. Errors in snapshots are reported on stderr
and make the exit status 1, but every readable item is exported (and, with
--update, no row is deleted).`,
		Example: `  hoard export-sqlite ~/hoard.db
  datasette ~/hoard.db -m ~/hoard.metadata.json
  hoard export-sqlite --update ~/hoard.db      # daily, from cron or a timer
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
	cmd.Flags().BoolVar(&o.Update, "update", false, "bring an existing FILE up to date, writing only what changed")
	cmd.Flags().StringVar(&o.Metadata, "metadata", "", "write Datasette's metadata to this file (default: FILE's name with .metadata.json)")
	cmd.Flags().BoolVar(&o.NoMetadata, "no-metadata", false, "write no metadata file")
	cmd.Flags().BoolVar(&o.NoCache, "no-cache", false, "read the snapshots directly instead of the index")
	cmd.MarkFlagsMutuallyExclusive("force", "update")
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
	st, err := sqliteout.Export(ctx, o.File, r.Items, sqliteout.Options{
		Update: o.Update, Force: o.Force,
		Prune: func() bool { return len(r.Problems) == 0 },
	})
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	meta := ""
	if !o.NoMetadata {
		meta = o.Metadata
		if meta == "" {
			meta = strings.TrimSuffix(o.File, filepath.Ext(o.File)) + ".metadata.json"
		}
		a, _ := g.loadApp() // loaded by targets
		b, err := sqliteout.Metadata(o.File, st, tableDocs(a))
		if err == nil {
			err = atomicfile.Write(meta, b, 0o644)
		}
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("metadata: %w", err)}
		}
	}
	if !g.Quiet {
		if o.Update {
			fmt.Fprintf(g.Stderr, "hoard: updated %s: %d added, %d changed, %d removed, %d unchanged (%d of them seen again in a newer snapshot)\n",
				o.File, st.Added, st.Changed, st.Removed, st.Unchanged+st.SeenAgain, st.SeenAgain)
		} else {
			fmt.Fprintf(g.Stderr, "hoard: wrote %d items in %d tables to %s\n", st.Added, len(st.Tables), o.File)
		}
		if meta != "" {
			fmt.Fprintf(g.Stderr, "hoard: browse it with: datasette %s -m %s\n", o.File, meta)
		}
	}
	if len(r.Problems) > 0 && o.Update {
		fmt.Fprintln(g.Stderr, "hoard: snapshots could not all be read, so no row was deleted")
	}
	return reportProblems(g, r.Problems)
}

// tableDocs describes each source's kind for the metadata: the built-in
// source it is, its exporter and decoder, and its read settings.
func tableDocs(a *app.App) func(source, kind string) sqliteout.TableDoc {
	if a == nil {
		return nil
	}
	return func(source, kind string) sqliteout.TableDoc {
		src := a.Config.Sources[source]
		if src == nil {
			return sqliteout.TableDoc{}
		}
		spec := a.Spec(source)
		desc := fmt.Sprintf("exporter %s", src.Exporter)
		if spec.Decoder != nil {
			desc += ", decoder " + spec.Decoder.Name
			if b := app.Sources.Lookup(spec.Decoder.Name); b != nil {
				desc = b.Title + " (" + desc + ")"
			}
		}
		return sqliteout.TableDoc{Description: strings.ToUpper(desc[:1]) + desc[1:], Spec: spec.ForKind(kind)}
	}
}
