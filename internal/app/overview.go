package app

import (
	"context"
	"slices"
	"time"
)

// Overview is one source's state (as `hoard status --gaps` reports it)
// and, for a configured source, the doctor's report on its snapshots.
type Overview struct {
	Status  SourceStatus
	Checkup *Checkup // nil for a directory of the root no source is configured for
}

// Overview reports on the sources named (every source when none is): its
// status from the journal and its files, and the doctor's examination of
// each configured source (through the index, refreshed first), whose gaps
// mark it at risk as CheckGaps does. Each source is examined once.
func (a *App) Overview(ctx context.Context, now time.Time, names ...string) ([]Overview, error) {
	rows, err := a.Status(now)
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		rows = slices.DeleteFunc(rows, func(r SourceStatus) bool { return !slices.Contains(names, r.Source) })
	}
	out := make([]Overview, len(rows))
	rd := a.Reader(false)
	for i, r := range rows {
		out[i].Status = r
		if !r.Configured {
			continue
		}
		ts, err := a.Targets([]string{r.Source})
		if err != nil {
			return nil, err
		}
		c, err := rd.examine(ctx, ts[0])
		if err != nil {
			return nil, err
		}
		out[i].Checkup = &c
		out[i].Status.markGaps(len(c.Gaps))
	}
	return out, nil
}
