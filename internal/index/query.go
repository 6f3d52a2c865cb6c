package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"iter"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// Query selects merged items of Sources (in this order for items with
// equal times) as dal.Query says. The zero value selects nothing.
type Query struct {
	Sources []string
	dal.Query
}

// Items returns the items of q in output order: items without a time
// first, then by time; ties by the order of q.Sources, then by first
// appearance. With a time bound, items without a time are left out.
func (x *Index) Items(ctx context.Context, q Query) ([]dal.Item, error) {
	if len(q.Sources) == 0 {
		return nil, nil
	}
	var batches [][]dal.Item
	n := 0
	err := x.readItems(ctx, q, func(b []dal.Item) bool {
		batches = append(batches, b)
		n += len(b)
		return true
	})
	out := make([]dal.Item, 0, n)
	for _, b := range batches {
		out = append(out, b...)
	}
	return out, err
}

// All yields each item of q in the order of Items, reading them one at a
// time. A read error ends the sequence: it is yielded last, with a zero
// item (IsCorrupt tells damage). Stopping early is fine.
//
// Rows are read on another goroutine, in batches, while the consumer
// handles the previous batch (printing an item costs about a third of
// reading it), and through the driver directly rather than database/sql's
// Rows.Scan: Scan converts every column by reflection and copies each raw
// blob a second time. At most a few batches are held at once.
func (x *Index) All(ctx context.Context, q Query) iter.Seq2[dal.Item, error] {
	return func(yield func(dal.Item, error) bool) {
		if len(q.Sources) == 0 {
			return
		}
		batches := make(chan []dal.Item, 2)
		stop := make(chan struct{})
		read := make(chan error, 1)
		go func() {
			defer close(batches)
			read <- x.readItems(ctx, q, func(b []dal.Item) bool {
				select {
				case batches <- b:
					return true
				case <-stop:
					return false
				}
			})
		}()
		stopped := false
		stopReader := func() { // the reader stops at its next batch
			if !stopped {
				stopped = true
				close(stop)
			}
		}
		defer stopReader() // also if the consumer panics, so that the reader lets go of its connection
		for b := range batches {
			for i := 0; i < len(b) && !stopped; i++ {
				if !yield(b[i], nil) {
					stopReader()
				}
			}
		}
		if err := <-read; err != nil && !stopped {
			yield(dal.Item{}, err)
		}
	}
}

// Errors returns the stored errors of the sources: the files' and those
// of items whose newest version has a problem.
func (x *Index) Errors(ctx context.Context, sources []string) ([]string, error) {
	var out []string
	for _, src := range sources {
		// Only the files with errors: most have none ("[]").
		err := x.eachString(ctx, func(s string) error {
			var msgs []string
			if err := json.Unmarshal([]byte(s), &msgs); err != nil {
				return damaged("errors of a snapshot of %s: %v", src, err)
			}
			out = append(out, msgs...)
			return nil
		}, "SELECT errors FROM snapshots WHERE source = ? AND errors != '[]' ORDER BY rank", src)
		if err != nil {
			return nil, err
		}
		err = x.eachString(ctx, func(s string) error {
			out = append(out, s)
			return nil
		}, "SELECT err FROM item_errors WHERE source = (SELECT id FROM sources WHERE name = ?) ORDER BY id", src)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eachString calls fn with the one text column of each row of a query.
func (x *Index) eachString(ctx context.Context, fn func(string) error, q string, args ...any) error {
	rows, err := x.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// storedError is an error message read back from the index.
type storedError string

func (e storedError) Error() string { return string(e) }

// Files returns the indexed snapshots of a source in time order, as
// dal.FileStat values (errors as stored messages).
func (x *Index) Files(ctx context.Context, source string) ([]dal.FileStat, error) {
	rows, err := x.db.QueryContext(ctx, "SELECT rank, path, size, mtime_ns, stamp_ns, records, errors, ranges FROM snapshots WHERE source = ? ORDER BY rank", source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dal.FileStat
	for rows.Next() {
		var rank, errs, ranges string
		var f dal.FileStat
		var mtime, stamp int64
		if err := rows.Scan(&rank, &f.Snapshot.Path, &f.Snapshot.Size, &mtime, &stamp, &f.Records, &errs, &ranges); err != nil {
			return nil, err
		}
		f.Snapshot.Mtime, f.Snapshot.Time = time.Unix(0, mtime), time.Unix(0, stamp).UTC()
		var msgs []string
		if err := json.Unmarshal([]byte(errs), &msgs); err != nil {
			return nil, damaged("errors of snapshot %s: %v", f.Snapshot.Path, err)
		}
		for _, m := range msgs {
			f.Errors = append(f.Errors, storedError(m))
		}
		if f.Ranges, err = decodeRanges(ranges); err != nil {
			return nil, damaged("time ranges of snapshot %s: %v", f.Snapshot.Path, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Summary is what doctor needs to know about an indexed source.
type Summary struct {
	Items       int
	First, Last time.Time // item times; zero when no item has one
}

// Summarize counts a source's items and their time span.
func (x *Index) Summarize(ctx context.Context, source string) (Summary, error) {
	var s Summary
	var lo, hi sql.NullInt64
	err := x.db.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0), min(t_lo), max(t_hi) FROM blocks WHERE source = (SELECT id FROM sources WHERE name = ?)", source).Scan(&s.Items, &lo, &hi)
	if lo.Valid {
		s.First, s.Last = time.Unix(0, lo.Int64).UTC(), time.Unix(0, hi.Int64).UTC()
	}
	return s, err
}
