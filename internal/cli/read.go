package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/spf13/cobra"
)

// readOpts are the flags shared by items and query.
type readOpts struct {
	Sources []string
	Dir     string   // --dir: read any snapshot directory with no config
	Spec    dal.Spec // with --dir: --key, --items, --time, --merge, --decoder
	After   string
	Before  string
	Within  string
	Limit   int
	Reverse bool
	Search  string
	Format  string
	NoCache bool
	Now     time.Time // for --within; zero means time.Now()
}

func (o *readOpts) addQueryFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.After, "after", "", "only items at or after this time (2024-05-01, 2024-05-01T12:00:00Z; no zone means UTC)")
	f.StringVar(&o.Before, "before", "", "only items before this time")
	f.StringVar(&o.Within, "within", "", "only items from the last DURATION (90m, 36h, 2d, 2w, 1y)")
	f.IntVar(&o.Limit, "limit", 0, "print at most N items (after --reverse)")
	f.BoolVar(&o.Reverse, "reverse", false, "newest first")
	f.StringVar(&o.Search, "search", "", "only items whose title, url or text hold all these words (word* for a prefix)")
	f.StringVar(&o.Format, "format", "", "jsonl, csv or table (default: table on a terminal, else jsonl); tables show local times, --utc for UTC")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletions(formatJSONL, formatCSV, formatTable))
	f.BoolVar(&o.NoCache, "no-cache", false, "read the snapshots directly instead of the index")
}

// runRead reads the items of the targets, applies the query and prints
// them. Errors met in the snapshots are printed on stderr (sorted) after
// all readable items, and make the command exit 1.
func runRead(ctx context.Context, g *Globals, o readOpts) error {
	q, err := o.query()
	if err != nil {
		return err
	}
	format, err := outputFormat(g, o.Format)
	if err != nil {
		return err
	}
	targets, rd, err := o.targets(g)
	if err != nil {
		return err
	}
	progress := newIndexProgress(g)
	progress.attach(&rd)
	r, err := rd.Read(ctx, targets, q)
	progress.end()
	if err != nil {
		return err
	}
	defer r.Close()
	if o.Dir != "" {
		for i, p := range r.Problems {
			r.Problems[i] = dirAdvice.Replace(p)
		}
	}
	defer printWarnings(g, r.Warnings)
	if err := writeItems(g.Stdout, format, r.Items, g.location()); err != nil {
		return err
	}
	return reportProblems(g, r.Problems)
}

// query turns the flags into a query.
func (o *readOpts) query() (dal.Query, error) {
	q := dal.Query{Limit: o.Limit, Reverse: o.Reverse, Search: o.Search}
	var err error
	if strings.TrimSpace(o.Search) != "" && dal.FTSQuery(o.Search) == "" {
		return q, usageErr("--search %q: no word to search for (words are letters and digits; word* matches a prefix)", o.Search)
	}
	if o.Limit < 0 {
		return q, usageErr("--limit must be positive")
	}
	if o.Within != "" {
		if o.After != "" {
			return q, usageErr("use --within or --after, not both")
		}
		d, err := duration.Parse(o.Within)
		if err != nil {
			return q, usageErr("--within: %v", err)
		}
		now := o.Now
		if now.IsZero() {
			now = time.Now()
		}
		q.After = now.Add(-d)
	}
	if q.After.IsZero() && o.After != "" {
		if q.After, err = parseWhen(o.After); err != nil {
			return q, usageErr("--after: %v", err)
		}
	}
	if o.Before != "" {
		if q.Before, err = parseWhen(o.Before); err != nil {
			return q, usageErr("--before: %v", err)
		}
	}
	return q, nil
}

// targets resolves --dir or the named (or all) configured sources, with
// the reader to read them: --dir and --no-cache never open the index.
func (o *readOpts) targets(g *Globals) ([]app.Target, app.Reader, error) {
	if o.Dir != "" {
		if len(o.Sources) > 0 {
			return nil, app.Reader{}, usageErr("give a SOURCE or --dir, not both")
		}
		t, err := app.DirTarget(o.Dir, o.Spec)
		if err != nil {
			return nil, app.Reader{}, usageErr("%s", asFlag(err))
		}
		return []app.Target{t}, app.Reader{}, nil
	}
	a, err := g.loadApp()
	if err != nil {
		return nil, app.Reader{}, err
	}
	ts, err := a.Targets(o.Sources)
	if err != nil {
		return nil, app.Reader{}, usageErr("%v", err)
	}
	return ts, a.Reader(o.NoCache), nil
}

// printWarnings prints what is worth knowing but is not an error, such as
// files skipped because their names hold no date.
func printWarnings(g *Globals, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(g.Stderr, "hoard: warning:", w)
	}
}

// reportProblems prints each problem once, sorted, and returns an exit
// error when there were any.
func reportProblems(g *Globals, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	problems = app.Dedupe(problems)
	for _, p := range problems {
		fmt.Fprintln(g.Stderr, "hoard:", p)
	}
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d problem(s) reading snapshots; every readable item was printed", len(problems))}
}

// parseWhen reads an absolute time; text without a zone is UTC.
func parseWhen(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006-01"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time (use 2024-05-01, 2024-05-01T12:00, or RFC 3339)", s)
}

// dirFlags are the read settings --dir takes as flags, by config key.
var dirFlags = []string{"key", "items", "time_format", "time_unit", "time_epoch", "time_zone", "time", "title", "url", "text",
	"merge", "decoder", "queries", "members", "fix_encoding", "max_item_size"}

// asFlag words a read-settings error (which names a config key: "key:
// invalid path", `merge = "all"`, `time_unit = "h"`) in terms of the flag
// that set it.
func asFlag(err error) string {
	msg := err.Error()
	for _, name := range dirFlags {
		flag := "--" + strings.ReplaceAll(name, "_", "-")
		if name == "queries" {
			flag = "--query"
		}
		if rest, ok := strings.CutPrefix(msg, name+": "); ok {
			return flag + ": " + rest
		}
		if rest, ok := strings.CutPrefix(msg, name+" = "); ok {
			return flag + " " + rest
		}
	}
	return msg
}

// dirAdvice rewords the advice in messages about snapshots read with
// --dir, which name config keys, in terms of the flags.
var dirAdvice = strings.NewReplacer(
	"set [sources.NAME.queries] with one SQL query per kind", "give --query KIND=SQL, one per kind",
	`set decoder = "..." for the source`, "give --decoder NAME",
	"set items = [...] to the item collections", "give --items PATH, the item collections",
	"(check items = [...])", "(check --items)",
	"needs items = [...] naming the item elements", "needs --items naming the item elements",
	"(set time_format)", "(give --time-format)",
	"(max_item_size sets the limit)", "(--max-item-size sets the limit)",
)
