package app

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/index"
)

// Checkup is the doctor's report on one source.
type Checkup struct {
	Source    string     `json:"source"`
	Snapshots int        `json:"snapshots"`
	Items     int        `json:"items"`
	First     *time.Time `json:"first_item,omitempty"`
	Last      *time.Time `json:"last_item,omitempty"`
	Errors    []string   `json:"errors,omitempty"`
	Gaps      []Gap      `json:"gaps,omitempty"`
	Undatable []string   `json:"undatable,omitempty"`
}

// Gap is a stretch of time no snapshot covers (see dal.Gap).
type Gap struct {
	Kind   string    `json:"kind"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Before string    `json:"before"`
	After  string    `json:"after"`
}

// Attention reports whether the source needs the user: no snapshots yet,
// an error, a gap or an undatable file.
func (c *Checkup) Attention() bool {
	return c.Snapshots == 0 || len(c.Errors) > 0 || len(c.Gaps) > 0 || len(c.Undatable) > 0
}

// WantsGaps reports whether gaps are looked for in a target: union-merged
// items with a time, and gaps not turned off in the config.
func (t Target) WantsGaps() bool {
	return (t.Spec.Merge == "" || t.Spec.Merge == dal.Union) && t.Spec.HasTime() && !t.NoGaps
}

// Doctor examines each target: snapshots, items, their time span, errors,
// gaps and undatable files; from the index unless the reader has none, or
// when it cannot be used.
func (rd Reader) Doctor(ctx context.Context, ts []Target) ([]Checkup, error) {
	var out []Checkup
	for _, t := range ts {
		c, err := rd.examine(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (rd Reader) examine(ctx context.Context, t Target) (Checkup, error) {
	c := Checkup{Source: t.Spec.Source}
	snaps, warns, err := t.list()
	if err != nil {
		return c, err
	}
	c.Snapshots, c.Undatable = len(snaps), warns
	src := index.Source{Spec: t.Spec, Snaps: snaps}
	var files []dal.FileStat
	cached := rd.Index != "" && !rd.NoCache
	if cached {
		files, err = rd.examineCached(ctx, src, &c)
	}
	if !cached || err != nil {
		if ctx.Err() != nil {
			return c, ctx.Err()
		}
		if files, err = examineUncached(ctx, src, &c); err != nil {
			return c, err
		}
	}
	if t.WantsGaps() {
		for _, gp := range dal.Gaps(files) {
			if t.GapKinds == nil || slices.Contains(t.GapKinds, gp.Kind) {
				c.Gaps = append(c.Gaps, Gap(gp))
			}
		}
	}
	c.Errors = dal.GroupErrors(c.Errors)
	return c, nil
}

func (rd Reader) examineCached(ctx context.Context, src index.Source, c *Checkup) ([]dal.FileStat, error) {
	var files []dal.FileStat
	prepare := func(x *index.Index) error { return rd.refresh(ctx, x, []index.Source{src}) }
	err := withIndex(ctx, rd.Index, prepare, func(x *index.Index) error {
		sum, err := x.Summarize(ctx, src.Spec.Source)
		if err != nil {
			return err
		}
		c.Items = sum.Items
		if !sum.First.IsZero() {
			c.First, c.Last = &sum.First, &sum.Last
		}
		if c.Errors, err = x.Errors(ctx, []string{src.Spec.Source}); err != nil {
			return err
		}
		files, err = x.Files(ctx, src.Spec.Source)
		return err
	})
	return files, err
}

func examineUncached(ctx context.Context, src index.Source, c *Checkup) ([]dal.FileStat, error) {
	res, err := dal.Merge(ctx, src.Spec, src.Snaps, dal.Options{Ranges: true})
	if err != nil {
		return nil, err
	}
	c.Items, c.Errors, c.First, c.Last = len(res.Items), nil, nil, nil
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

// Gaps counts the gaps between a configured source's snapshots the way
// the doctor finds them (through the index, refreshed first). Sources
// that are not union-merged, have no time field or turned gaps off have
// none by definition. Checks run one at a time, so that the daemon's
// concurrent runs do not refresh the index together. It implements
// health.GapFinder.
func (a *App) Gaps(ctx context.Context, name string) (int, error) {
	ts, err := a.Targets([]string{name})
	if err != nil {
		return 0, err
	}
	if !ts[0].WantsGaps() {
		return 0, nil
	}
	gapMu.Lock()
	defer gapMu.Unlock()
	c, err := a.Reader(false).examine(ctx, ts[0])
	if err != nil {
		return 0, err
	}
	return len(c.Gaps), nil
}

var gapMu sync.Mutex
