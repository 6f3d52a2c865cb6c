package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/config"
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
	spec   dal.Spec
	dir    string
	noGaps bool // gaps = false in the config
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
	r, err := readItems(ctx, g, targets, q, o.NoCache || o.Dir != "")
	if err != nil {
		return err
	}
	defer r.close()
	defer printWarnings(g, r.warnings)
	if err := writeItems(g.Stdout, format, r.each); err != nil {
		return err
	}
	return reportProblems(g, r.problems)
}

// query turns the flags into an index query.
func (o *readOpts) query() (index.Query, error) {
	q := index.Query{Limit: o.Limit, Reverse: o.Reverse, Search: o.Search}
	var err error
	if strings.TrimSpace(o.Search) != "" && index.FTSQuery(o.Search) == "" {
		return q, usageErr("--search %q: no word to search for (words are letters and digits; word* matches a prefix)", o.Search)
	}
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
		ts = append(ts, targetOf(cfg.Root, cfg.Sources[n]))
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

// targetOf is the target of a configured source under an exports root.
func targetOf(root string, src *config.Source) target {
	return target{spec: src.Spec(), dir: filepath.Join(root, src.Name), noGaps: !src.GapsWanted()}
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

// itemSeq calls yield with each item in output order; an error from yield
// (or from reading) stops it and is returned.
type itemSeq func(yield func(*dal.Item) error) error

// reading is the items of a read, with what went wrong meanwhile.
type reading struct {
	each     itemSeq
	problems []string // errors in snapshots: reported after the items, exit 1
	warnings []string // worth knowing, not failures
	close    func()
}

// readItems gets the items from the index (refreshed first) or, with
// noCache or when the index cannot be used, from the snapshots directly.
// Items come one at a time either way, their text filled in just before
// use, so that memory holds little more than the items' raw JSON.
func readItems(ctx context.Context, g *Globals, ts []target, q index.Query, noCache bool) (*reading, error) {
	var srcs []index.Source
	var warnings []string
	for _, t := range ts {
		snaps, warns, err := listTarget(t)
		if err != nil {
			return nil, err
		}
		warnings = append(warnings, warns...)
		srcs = append(srcs, index.Source{Spec: t.spec, Snaps: snaps})
		q.Sources = append(q.Sources, t.spec.Source)
	}
	if !noCache {
		r, err := cachedItems(ctx, g, srcs, q)
		if err == nil {
			r.warnings = warnings
			return r, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		warnings = append(warnings, fmt.Sprintf("the index cannot be used (%v); read the snapshots directly", err))
	}
	r, err := uncachedItems(ctx, srcs, q)
	if r != nil {
		r.warnings = warnings
	}
	return r, err
}

func uncachedItems(ctx context.Context, srcs []index.Source, q index.Query) (*reading, error) {
	var results []*dal.Result
	bySource := map[string]*dal.Result{}
	r := &reading{close: func() {}}
	for _, s := range srcs {
		res, err := dal.Merge(ctx, s.Spec, s.Snaps, dal.Options{LazyText: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Spec.Source, err)
		}
		for _, e := range res.Errors() {
			r.problems = append(r.problems, e.Error())
		}
		results = append(results, res)
		bySource[s.Spec.Source] = res
	}
	items, err := index.Select(ctx, results, q)
	if err != nil {
		return nil, err
	}
	filled := index.FTSQuery(q.Search) != "" // a search filled the text in
	r.each = func(yield func(*dal.Item) error) error {
		if filled {
			for _, it := range items {
				if err := yield(&it); err != nil {
					return err
				}
			}
			return nil
		}
		return fillAhead(items, func(it *dal.Item) { bySource[it.Source].FillText(it) }, yield)
	}
	return r, nil
}

// fillAhead yields copies of items in order with fill applied to each,
// filling chunks ahead of the consumer on the other cores (finding the
// envelope text in the raw JSON is most of the work of printing an
// uncached read). At most a few chunks of filled copies are held at once,
// so memory stays bounded by the raw JSON, as with one item at a time.
// fill must be safe for concurrent use on distinct items.
func fillAhead(items []dal.Item, fill func(*dal.Item), yield func(*dal.Item) error) error {
	const chunk = 256
	ahead := runtime.GOMAXPROCS(0)
	if ahead < 2 || len(items) <= chunk {
		for _, it := range items {
			fill(&it)
			if err := yield(&it); err != nil {
				return err
			}
		}
		return nil
	}
	type job struct {
		items []dal.Item
		done  chan struct{}
	}
	n := (len(items) + chunk - 1) / chunk
	jobs := make([]job, n)
	start := func(k int) {
		lo, hi := k*chunk, min(len(items), (k+1)*chunk)
		j := job{items: append([]dal.Item(nil), items[lo:hi]...), done: make(chan struct{})}
		jobs[k] = j
		go func() {
			defer close(j.done)
			for i := range j.items {
				fill(&j.items[i])
			}
		}()
	}
	for k := 0; k < min(n, ahead); k++ {
		start(k)
	}
	for k := 0; k < n; k++ {
		<-jobs[k].done
		if k+ahead < n {
			start(k + ahead)
		}
		for i := range jobs[k].items {
			if err := yield(&jobs[k].items[i]); err != nil {
				for _, j := range jobs[k+1 : min(n, k+ahead+1)] {
					<-j.done // let the chunks in flight finish
				}
				return err
			}
		}
		jobs[k] = job{}
	}
	return nil
}

// indexPath is where the index lives.
func indexPath() (string, error) {
	dir, err := paths.CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "index.sqlite"), nil
}

// cachedItems refreshes the index and opens the query on it. A damaged
// index is removed and built again once.
func cachedItems(ctx context.Context, g *Globals, srcs []index.Source, q index.Query) (*reading, error) {
	path, err := indexPath()
	if err != nil {
		return nil, err
	}
	r, err := queryIndex(ctx, g, path, srcs, q)
	if index.IsCorrupt(err) {
		if rerr := index.Remove(path); rerr != nil {
			return nil, err
		}
		r, err = queryIndex(ctx, g, path, srcs, q)
	}
	return r, err
}

func queryIndex(ctx context.Context, g *Globals, path string, srcs []index.Source, q index.Query) (*reading, error) {
	x, err := index.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	progress := newIndexProgress(g) // on a terminal, once a refresh takes a second
	for _, s := range srcs {
		if _, err := x.RefreshWith(ctx, s, progress.options()); err != nil {
			progress.end()
			x.Close()
			return nil, fmt.Errorf("refreshing %s: %w", s.Spec.Source, err)
		}
	}
	progress.end()
	errs, err := x.Errors(ctx, q.Sources)
	if err != nil {
		x.Close()
		return nil, err
	}
	// Damage found while items are being printed cannot be mended by
	// reading again (some items are out already): the index is deleted
	// when closed, so that the next command builds it again.
	damaged := false
	each := func(yield func(*dal.Item) error) error {
		err := x.Each(ctx, q, yield)
		if index.IsCorrupt(err) {
			damaged = true
			return fmt.Errorf("%w\nhoard: the index %s is deleted; the next command builds it again (or use --no-cache)", err, path)
		}
		return err
	}
	closeIndex := func() {
		x.Close()
		if damaged {
			index.Remove(path)
		}
	}
	return &reading{each: each, problems: errs, close: closeIndex}, nil
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
