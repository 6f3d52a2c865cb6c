package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/index"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
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
	f.StringVar(&o.Format, "format", "", "jsonl, csv or table (default: table on a terminal, else jsonl)")
	f.BoolVar(&o.NoCache, "no-cache", false, "read the snapshots directly instead of the index")
}

// target is one source to read.
type target struct {
	spec dal.Spec
	dir  string
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
	targets, err := o.targets(g)
	if err != nil {
		return err
	}
	items, fill, problems, warnings, err := readItems(ctx, g, targets, q, o.NoCache || o.Dir != "")
	if err != nil {
		return err
	}
	defer printWarnings(g, warnings)
	if err := writeItems(g.Stdout, format, items, fill); err != nil {
		return err
	}
	return reportProblems(g, problems)
}

// query turns the flags into an index query.
func (o *readOpts) query() (index.Query, error) {
	q := index.Query{Limit: o.Limit, Reverse: o.Reverse, Search: o.Search}
	var err error
	if o.Limit < 0 {
		return q, usageErr("--limit must be positive")
	}
	if o.Within != "" {
		if o.After != "" {
			return q, usageErr("use --within or --after, not both")
		}
		d, err := parseSpan(o.Within)
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

// targets resolves --dir or the named (or all) configured sources.
func (o *readOpts) targets(g *Globals) ([]target, error) {
	if o.Dir != "" {
		if len(o.Sources) > 0 {
			return nil, usageErr("give a SOURCE or --dir, not both")
		}
		spec := o.Spec
		if spec.Source == "" {
			spec.Source = filepath.Base(filepath.Clean(o.Dir))
		}
		if err := spec.Validate(); err != nil {
			return nil, usageErr("%v", err)
		}
		return []target{{spec: spec, dir: o.Dir}}, nil
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	names, err := cfg.Names(o.Sources)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	var ts []target
	for _, n := range names {
		ts = append(ts, target{spec: cfg.Sources[n].Spec(), dir: filepath.Join(cfg.Root, n)})
	}
	return ts, nil
}

// printWarnings prints what is worth knowing but is not an error, such as
// files skipped because their names hold no date.
func printWarnings(g *Globals, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(g.Stderr, "hoard: warning:", w)
	}
}

// listTarget lists a target's snapshots; undatable files become warnings.
func listTarget(t target) ([]snapshot.Snapshot, []string, error) {
	l, err := snapshot.ListDir(t.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var probs []string
	for _, u := range l.Undatable {
		probs = append(probs, fmt.Sprintf("%s: skipped: %v", u.Path, u.Err))
	}
	return l.Snapshots, probs, nil
}

// textFiller completes an item's Title, URL and Text; nil when the items
// are complete already.
type textFiller func(*dal.Item)

// readItems gets the items from the index (refreshing it first) or, with
// noCache or when the index cannot be used, from the snapshots directly.
// Items read directly may lack their text until fill is applied (which
// keeps memory to the items' raw JSON while they are printed one by one).
func readItems(ctx context.Context, g *Globals, ts []target, q index.Query, noCache bool) (items []dal.Item, fill textFiller, problems, warnings []string, err error) {
	var srcs []index.Source
	for _, t := range ts {
		snaps, warns, err := listTarget(t)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		warnings = append(warnings, warns...)
		srcs = append(srcs, index.Source{Spec: t.spec, Snaps: snaps})
		q.Sources = append(q.Sources, t.spec.Source)
	}
	if !noCache {
		items, problems, err = cachedItems(ctx, srcs, q)
		if err == nil {
			return items, nil, problems, warnings, nil
		}
		if ctx.Err() != nil {
			return nil, nil, nil, nil, ctx.Err()
		}
		warnings = append(warnings, fmt.Sprintf("the index cannot be used (%v); read the snapshots directly", err))
	}
	items, fill, problems, err = uncachedItems(ctx, srcs, q)
	return items, fill, problems, warnings, err
}

func uncachedItems(ctx context.Context, srcs []index.Source, q index.Query) ([]dal.Item, textFiller, []string, error) {
	var results []*dal.Result
	bySource := map[string]*dal.Result{}
	var problems []string
	for _, s := range srcs {
		res, err := dal.Merge(ctx, s.Spec, s.Snaps, dal.Options{LazyText: true})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", s.Spec.Source, err)
		}
		for _, e := range res.Errors() {
			problems = append(problems, e.Error())
		}
		results = append(results, res)
		bySource[s.Spec.Source] = res
	}
	items, err := index.Select(ctx, results, q)
	if err != nil || index.FTSQuery(q.Search) != "" {
		return items, nil, problems, err // a search filled the text in
	}
	return items, func(it *dal.Item) { bySource[it.Source].FillText(it) }, problems, nil
}

// indexPath is where the index lives.
func indexPath() (string, error) {
	dir, err := paths.CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "index.sqlite"), nil
}

// cachedItems refreshes the index and queries it. A damaged index is
// removed and built again once.
func cachedItems(ctx context.Context, srcs []index.Source, q index.Query) ([]dal.Item, []string, error) {
	path, err := indexPath()
	if err != nil {
		return nil, nil, err
	}
	items, errs, err := queryIndex(ctx, path, srcs, q)
	if index.IsCorrupt(err) {
		if rerr := index.Remove(path); rerr != nil {
			return nil, nil, err
		}
		items, errs, err = queryIndex(ctx, path, srcs, q)
	}
	return items, errs, err
}

func queryIndex(ctx context.Context, path string, srcs []index.Source, q index.Query) ([]dal.Item, []string, error) {
	x, err := index.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	defer x.Close()
	for _, s := range srcs {
		if _, err := x.Refresh(ctx, s); err != nil {
			return nil, nil, fmt.Errorf("refreshing %s: %w", s.Spec.Source, err)
		}
	}
	items, err := x.Items(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	errs, err := x.Errors(ctx, q.Sources)
	return items, errs, err
}

// reportProblems prints each problem once, sorted, and returns an exit
// error when there were any.
func reportProblems(g *Globals, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	n := 0
	for i, p := range problems {
		if i > 0 && p == problems[i-1] {
			continue
		}
		n++
		fmt.Fprintln(g.Stderr, "hoard:", p)
	}
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d problem(s) reading snapshots; every readable item was printed", n)}
}

// parseSpan reads a duration with units s, m, h, d (24h), w (7d), y (365d).
func parseSpan(s string) (time.Duration, error) {
	units := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour}
	var total time.Duration
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, errors.New("empty duration")
	}
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		n, err := strconv.Atoi(rest[:i])
		u, ok := units[rest[i:j]]
		if err != nil || !ok {
			return 0, fmt.Errorf("cannot read %q (use e.g. 90m, 36h, 2d, 2w, 1y)", s)
		}
		total += time.Duration(n) * u
		rest = rest[j:]
	}
	return total, nil
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
