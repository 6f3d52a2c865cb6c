package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path/filepath"
	"runtime"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/index"
	"github.com/hoard-dev/hoard/snapshot"
)

// Target is one source to read: how, and from which directory.
type Target struct {
	Spec dal.Spec
	Dir  string
	// NoGaps: the config turned gap detection off (gaps = false), or the
	// source is a built-in incremental one and the config left it alone.
	NoGaps bool
	// GapKinds, when set, are the only kinds gaps are looked for in (a
	// built-in source's WindowKinds).
	GapKinds []string
}

// Targets returns the targets of the named configured sources (all of
// them when names is empty), in that order.
func (a *App) Targets(names []string) ([]Target, error) {
	names, err := a.Names(names)
	if err != nil {
		return nil, err
	}
	ts := make([]Target, 0, len(names))
	for _, n := range names {
		src := a.Config.Sources[n]
		ts = append(ts, Target{Spec: a.specs[n], Dir: filepath.Join(a.Config.Root, n), NoGaps: !gapsWanted(src), GapKinds: gapKinds(src)})
	}
	return ts, nil
}

// DirTarget is a target for any directory of snapshots, read with spec
// and no config. A spec without a source name takes the directory's.
func DirTarget(dir string, spec dal.Spec) (Target, error) {
	if spec.Source == "" {
		spec.Source = filepath.Base(filepath.Clean(dir))
	}
	if err := spec.Validate(); err != nil {
		return Target{}, &UsageError{err}
	}
	return Target{Spec: spec, Dir: dir}, nil
}

// list lists a target's snapshots; undatable files become warnings. A
// directory that does not exist yet has no snapshots.
func (t Target) list() ([]snapshot.Snapshot, []string, error) {
	l, err := snapshot.ListDir(t.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var warns []string
	for _, u := range l.Undatable {
		warns = append(warns, fmt.Sprintf("%s: skipped: %v", u.Path, u.Err))
	}
	return l.Snapshots, warns, nil
}

// Reader reads the items of targets, through the index or not.
type Reader struct {
	// Index is the index file; "" or NoCache reads the snapshots
	// directly, without opening any index.
	Index   string
	NoCache bool
	// Progress, if set, is told how a refresh of the index goes (it may
	// be called from several goroutines at once); Refreshed, if set, is
	// called once the refreshes of a read are over, before any item is
	// yielded (a progress line is cleared then).
	Progress  func(index.Progress)
	Refreshed func()
}

// refreshed calls Refreshed, if set.
func (rd Reader) refreshed() {
	if rd.Refreshed != nil {
		rd.Refreshed()
	}
}

// Reader returns the reader of the app's layout.
func (a *App) Reader(noCache bool) Reader { return Reader{Index: a.Layout.Index(), NoCache: noCache} }

// Reading is a read in progress. Close it when done.
type Reading struct {
	// Items yields the items in output order, one at a time, their text
	// filled in just before they are yielded. A failure that ends the
	// read (the index found damaged mid-way, a cancelled context) is
	// yielded last, with a zero item.
	Items iter.Seq2[dal.Item, error]
	// Problems are the errors met in the snapshots (files that could not
	// be read, items that could not be parsed); every readable item is
	// still yielded.
	Problems []string
	// Warnings are worth knowing but not failures: files skipped because
	// their names hold no date, an index that could not be used.
	Warnings []string
	close    func()
}

// Close releases the reading (and deletes an index found damaged).
func (r *Reading) Close() {
	if r.close != nil {
		r.close()
	}
}

// Read reads the items of ts that q selects: from the index, refreshed
// first, unless the reader has none; from the snapshots directly when the
// index cannot be used (with a warning). Cached and uncached reads yield
// the same items.
func (rd Reader) Read(ctx context.Context, ts []Target, q dal.Query) (*Reading, error) {
	var srcs []index.Source
	var warnings []string
	for _, t := range ts {
		snaps, warns, err := t.list()
		if err != nil {
			return nil, err
		}
		warnings = append(warnings, warns...)
		srcs = append(srcs, index.Source{Spec: t.Spec, Snaps: snaps})
	}
	if rd.Index != "" && !rd.NoCache {
		r, err := rd.cached(ctx, srcs, q)
		if err == nil {
			r.Warnings = warnings
			return r, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		warnings = append(warnings, fmt.Sprintf("the index cannot be used (%v); read the snapshots directly", err))
	}
	r, err := uncached(ctx, srcs, q)
	if r != nil {
		r.Warnings = warnings
	}
	return r, err
}

func uncached(ctx context.Context, srcs []index.Source, q dal.Query) (*Reading, error) {
	var results []*dal.Result
	bySource := map[string]*dal.Result{}
	r := &Reading{}
	for _, s := range srcs {
		res, err := dal.Merge(ctx, s.Spec, s.Snaps, dal.Options{LazyText: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Spec.Source, err)
		}
		for _, e := range res.Errors() {
			r.Problems = append(r.Problems, e.Error())
		}
		results = append(results, res)
		bySource[s.Spec.Source] = res
	}
	items, err := selectMerged(ctx, results, bySource, q)
	if err != nil {
		return nil, err
	}
	r.Items = items
	return r, nil
}

// selectMerged applies q to merge results made with LazyText, and yields
// the items with their text filled in.
func selectMerged(ctx context.Context, results []*dal.Result, bySource map[string]*dal.Result, q dal.Query) (iter.Seq2[dal.Item, error], error) {
	items, err := dal.Select(ctx, results, q)
	if err != nil {
		return nil, err
	}
	filled := dal.FTSQuery(q.Search) != "" // a search filled the text in
	return func(yield func(dal.Item, error) bool) {
		if filled {
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			return
		}
		fillAhead(items, func(it *dal.Item) { bySource[it.Source].FillText(it) }, yield)
	}, nil
}

// fillAhead yields copies of items in order with fill applied to each,
// filling chunks ahead of the consumer on the other cores (finding the
// envelope text in the raw JSON is most of the work of printing an
// uncached read). At most a few chunks of filled copies are held at once,
// so memory stays bounded by the raw JSON, as with one item at a time.
// fill must be safe for concurrent use on distinct items.
func fillAhead(items []dal.Item, fill func(*dal.Item), yield func(dal.Item, error) bool) {
	const chunk = 256
	ahead := runtime.GOMAXPROCS(0)
	if ahead < 2 || len(items) <= chunk {
		for _, it := range items {
			fill(&it)
			if !yield(it, nil) {
				return
			}
		}
		return
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
			if !yield(jobs[k].items[i], nil) {
				for _, j := range jobs[k+1 : min(n, k+ahead+1)] {
					<-j.done // let the chunks in flight finish
				}
				return
			}
		}
		jobs[k] = job{}
	}
}

// openIndex opens the index and prepares it with prepare (a refresh).
// An index found damaged (IsCorrupt) is deleted and opened and prepared
// once more, as a new one: this is the one place that policy is written.
// The caller closes the index.
func openIndex(ctx context.Context, path string, prepare func(x *index.Index) error) (*index.Index, error) {
	x, err := openPrepared(ctx, path, prepare)
	if index.IsCorrupt(err) {
		if rerr := index.Remove(path); rerr != nil {
			return nil, err
		}
		x, err = openPrepared(ctx, path, prepare)
	}
	return x, err
}

func openPrepared(ctx context.Context, path string, prepare func(x *index.Index) error) (*index.Index, error) {
	x, err := index.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := prepare(x); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// withIndex opens and prepares the index (see openIndex), calls fn with
// it and closes it.
func withIndex(ctx context.Context, path string, prepare, fn func(x *index.Index) error) error {
	x, err := openIndex(ctx, path, prepare)
	if err != nil {
		return err
	}
	defer x.Close()
	return fn(x)
}

// refresh brings the index up to date with srcs.
func (rd Reader) refresh(ctx context.Context, x *index.Index, srcs []index.Source) error {
	defer rd.refreshed()
	for _, s := range srcs {
		if _, err := x.RefreshWith(ctx, s, index.RefreshOptions{Progress: rd.Progress}); err != nil {
			return fmt.Errorf("refreshing %s: %w", s.Spec.Source, err)
		}
	}
	return nil
}

// cached refreshes the index and opens the query on it. The index stays
// open until the reading is closed. Damage found while the items are
// being yielded cannot be mended by reading again (some items are out
// already): the index is deleted on Close, so the next read builds it
// again.
func (rd Reader) cached(ctx context.Context, srcs []index.Source, q dal.Query) (*Reading, error) {
	var errs []string
	iq := index.Query{Query: q}
	for _, s := range srcs {
		iq.Sources = append(iq.Sources, s.Spec.Source)
	}
	x, err := openIndex(ctx, rd.Index, func(x *index.Index) error {
		if err := rd.refresh(ctx, x, srcs); err != nil {
			return err
		}
		var err error
		errs, err = x.Errors(ctx, iq.Sources)
		return err
	})
	if err != nil {
		return nil, err
	}
	damaged := false
	r := &Reading{Problems: errs, Items: indexItems(ctx, x, iq, rd.Index, &damaged)}
	r.close = func() {
		x.Close()
		if damaged {
			index.Remove(rd.Index)
		}
	}
	return r, nil
}

// indexItems yields the items of q from x. Damage found while they are
// being yielded cannot be mended by reading again (some items are out
// already): it sets *damaged, for the caller to delete the index when it
// is closed, and the error says so.
func indexItems(ctx context.Context, x *index.Index, q index.Query, path string, damaged *bool) iter.Seq2[dal.Item, error] {
	return func(yield func(dal.Item, error) bool) {
		for it, err := range x.All(ctx, q) {
			if index.IsCorrupt(err) {
				*damaged = true
				err = fmt.Errorf("%w\nthe index %s is deleted; the next command builds it again (or use --no-cache)", err, path)
			}
			if !yield(it, err) {
				return
			}
		}
	}
}

// Dedupe sorts problems, drops repeats and reports each cause once per
// file, with a count (dal.GroupErrors): 2,178 readings with the same
// unreadable time are one line, not 2,178.
func Dedupe(problems []string) []string { return dal.GroupErrors(problems) }
