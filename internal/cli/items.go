package cli

import (
	"context"
	"reflect"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/bytesize"
	"github.com/hoard-dev/hoard/internal/suggest"
	"github.com/spf13/cobra"
)

func newItemsCmd(g *Globals) *cobra.Command {
	var o readOpts
	var key, items, queries []string
	var decoder, maxItem string
	cmd := &cobra.Command{
		Use:   "items (SOURCE | --dir DIR)",
		Short: "Print the merged items of one source, or of any snapshot directory",
		Long: `Reads every snapshot of a source and prints its items once each: by default
the union of all snapshots, each item in its newest version with the stamps of
the snapshots where it was first and last seen (an item that vanished from
later exports is kept). merge = "latest" prints the newest snapshot only.

Items are ordered by their time (when the source has a time field), else by
first appearance. Output is JSON lines unless stdout is a terminal:
  {"source","kind","key","time","title","url","text","first_seen","last_seen","raw"}

With --dir, any directory of timestamped exports (arctee's, for example) is
read with no config: --key names the item's id, --items the array that holds
the items, --time its time field. For configured sources these are the keys
key, items, time, merge and decoder of [sources.NAME] (see docs/data-access.md).

Configured sources are read through the index in hoard's cache directory,
refreshed first from new snapshots only; --no-cache reads the snapshots
directly (same output). A bad file or item is reported on stderr, naming the
file and position, after every readable item was printed; the exit status is
then 1.`,
		Example: `  hoard items firefox --within 2w --format table
  hoard items --dir ~/exports/reddit --items saved --key id --time created_utc
  hoard items --dir /data/temperature --key timestamp --time timestamp \
      --query 'measurements=SELECT timestamp, value FROM measurements' 
  hoard items bash --search "git rebase" --reverse --limit 20`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeOneSource(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && o.Dir == "" {
				return usageErr("give a SOURCE, or --dir DIR for a directory of snapshots\nRun 'hoard items --help' for usage")
			}
			o.Sources = args
			o.Spec.Key, o.Spec.Items = key, items
			q, err := parseQueries(queries)
			if err != nil {
				return err
			}
			o.Spec.Queries, o.Spec.QueryFallbacks = app.SplitQueries(q)
			if o.Spec.Decoder, err = decoderFlag(decoder); err != nil {
				return err
			}
			if maxItem != "" {
				if o.Dir == "" {
					return usageErr("--max-item-size goes with --dir; for a configured source set max_item_size in its [sources.NAME] table")
				}
				n, err := bytesize.Parse(maxItem)
				if err != nil {
					return usageErr("--max-item-size: %v", err)
				}
				o.Spec.MaxItemSize = n
			}
			return runItems(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "read this directory of snapshots, with no config")
	f.StringSliceVar(&key, "key", nil, "with --dir: path(s) of the item key, e.g. id or url,visit_date")
	f.StringSliceVar(&items, "items", nil, "with --dir: path(s) of the item arrays in a JSON document, e.g. saved or data.children")
	f.StringVar(&o.Spec.Time, "time", "", "with --dir: path of the item's time field")
	f.StringVar(&o.Spec.Merge, "merge", "", "with --dir: union (default) or latest")
	f.StringVar(&decoder, "decoder", "", "with --dir: a format (json, jsonl, csv, tsv, xml, sqlite, rest) or a built-in source (see 'hoard sources'); default: by extension")
	f.StringArrayVar(&queries, "query", nil, "with --dir, for SQLite snapshots: KIND=SQL, one query per kind (repeatable)")
	f.StringVar(&o.Spec.Source, "name", "", "with --dir: the source name shown in items (default: the directory's name)")
	f.StringVar(&o.Spec.Title, "title", "", "with --dir: path of the item's title (default: title, name or subject)")
	f.StringVar(&o.Spec.URL, "url", "", "with --dir: path of the item's URL (default: url, link, href or permalink)")
	f.StringVar(&o.Spec.Text, "text", "", "with --dir: path of the item's text, which --search also reads (default: text, body, content, ...)")
	f.StringVar(&o.Spec.TimeFormat, "time-format", "", "with --dir: layout of time text, Go's (02/01/2006 15:04) or strftime (%d/%m/%Y %H:%M)")
	f.StringVar(&o.Spec.TimeUnit, "time-unit", "", "with --dir: unit of numeric times: s, ms, us, 100ns or ns (default: by magnitude)")
	f.StringVar(&o.Spec.TimeEpoch, "time-epoch", "", "with --dir: what numeric times count from: unix, 1601 or 2001")
	f.StringVar(&o.Spec.TimeZone, "time-zone", "", "with --dir: zone of times written without one, e.g. Europe/Berlin (default UTC)")
	f.StringSliceVar(&o.Spec.Members, "members", nil, "with --dir, for zip and tar snapshots: glob(s) of the members to read, e.g. 'Takeout/*/MyActivity.json'")
	f.StringVar(&o.Spec.FixEncoding, "fix-encoding", "", "with --dir: latin1 repairs UTF-8 written as Latin-1 (Facebook, Instagram)")
	f.StringVar(&maxItem, "max-item-size", "", "with --dir: the largest item read, e.g. 1GiB (default 256MiB); a larger one is an error")
	o.addQueryFlags(cmd)
	cmd.RegisterFlagCompletionFunc("decoder", completeDecoders)
	cmd.RegisterFlagCompletionFunc("merge", fixedCompletions("union", "latest"))
	cmd.MarkFlagDirname("dir")
	return cmd
}

// runItems prints the merged items of one source or directory.
func runItems(ctx context.Context, g *Globals, o readOpts) error {
	sp := o.Spec
	if o.Dir == "" && !reflect.DeepEqual(sp, dal.Spec{}) {
		return usageErr("--key, --items, --time, --merge, --decoder, --query, --name, --title, --url, --text, --time-format, --time-unit, --time-epoch, --time-zone, --members and --fix-encoding go with --dir; for a configured source set them in its [sources.NAME] table")
	}
	return runRead(ctx, g, o)
}

// parseQueries reads --query KIND=SQL flags; several for one kind are
// tried in order (one per version of an app's schema).
func parseQueries(flags []string) (map[string][]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	q := map[string][]string{}
	for _, f := range flags {
		kind, sql, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(kind) == "" || strings.TrimSpace(sql) == "" {
			return nil, usageErr("--query %q: use KIND=SQL, e.g. --query 'visits=SELECT * FROM visits'", f)
		}
		q[strings.TrimSpace(kind)] = append(q[strings.TrimSpace(kind)], sql)
	}
	return q, nil
}

// decoderFlag resolves --decoder: a format or a built-in source's name.
func decoderFlag(name string) (*dal.Decoder, error) {
	if name == "" {
		return nil, nil
	}
	if d := app.Sources.Decoder(name); d != nil {
		return d, nil
	}
	names := app.Sources.DecoderNames()
	return nil, usageErr("--decoder %q: unknown%s (decoders: %s)", name, suggest.Hint(name, names), strings.Join(names, ", "))
}
