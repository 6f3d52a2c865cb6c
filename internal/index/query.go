package index

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// Query selects merged items. The zero value selects nothing.
type Query struct {
	Sources []string  // in this order for items with equal times
	After   time.Time // inclusive; zero: no bound
	Before  time.Time // exclusive; zero: no bound
	Search  string    // words that must all appear (see FTSQuery)
	Reverse bool      // newest first
	Limit   int       // 0: no limit
}

// Items returns the items of q in output order: items without a time
// first, then by time; ties by the order of q.Sources, then by first
// appearance. With a time bound, items without a time are left out.
func (x *Index) Items(ctx context.Context, q Query) ([]dal.Item, error) {
	if len(q.Sources) == 0 {
		return nil, nil
	}
	var out []dal.Item
	err := x.readItems(ctx, q, func(b []dal.Item) bool {
		out = append(out, b...)
		return true
	})
	return out, err
}

// Each calls fn with each item of q in the order of Items, reading them
// one at a time; an error from fn stops it and is returned.
//
// Rows are read on another goroutine, in batches, while fn handles the
// previous batch (printing an item costs about a third of reading it), and
// through the driver directly rather than database/sql's Rows.Scan: Scan
// converts every column by reflection and copies each raw blob a second
// time. At most a few batches are held at once.
func (x *Index) Each(ctx context.Context, q Query, fn func(*dal.Item) error) error {
	if len(q.Sources) == 0 {
		return nil
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
	defer stopReader() // also if fn panics, so that the reader lets go of its connection
	var fnErr error
	for b := range batches {
		for i := 0; i < len(b) && fnErr == nil; i++ {
			if fnErr = fn(&b[i]); fnErr != nil {
				stopReader()
			}
		}
	}
	if err := <-read; fnErr == nil {
		return err
	}
	return fnErr
}

// readItems reads the items of q in batches and passes each to send,
// stopping when send returns false.
func (x *Index) readItems(ctx context.Context, q Query, send func([]dal.Item) bool) error {
	const batch = 256
	stmt, args := itemsSQL(q)
	conn, err := x.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("index: the SQLite driver cannot run queries directly (%T)", dc)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, stmt, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(rows.Columns()))
		items := make([]dal.Item, 0, batch)
		for n := 0; ; n++ {
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			err := rows.Next(dest)
			if err == io.EOF {
				break
			} else if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
			it, err := itemOf(dest)
			if err != nil {
				return err
			}
			if items = append(items, it); len(items) == batch {
				if !send(items) {
					return nil
				}
				items = make([]dal.Item, 0, batch)
			}
		}
		if len(items) > 0 {
			send(items)
		}
		return nil
	})
}

// itemsSQL is the query of q and its arguments.
func itemsSQL(q Query) (string, []any) {
	var where []string
	var args []any
	marks := strings.Repeat(",?", len(q.Sources))[1:]
	where = append(where, "items.source IN ("+marks+")", "raw IS NOT NULL")
	for _, s := range q.Sources {
		args = append(args, s)
	}
	if !q.After.IsZero() {
		where, args = append(where, "time_ns >= ?"), append(args, q.After.UnixNano())
	}
	if !q.Before.IsZero() {
		where, args = append(where, "time_ns < ?"), append(args, q.Before.UnixNano())
	}
	if fts := FTSQuery(q.Search); fts != "" {
		where, args = append(where, "id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"), append(args, fts)
	}
	stmt := "SELECT source, kind, key, time_ns, title, url, text, raw, first_ns, last_ns FROM items JOIN seen USING (id) WHERE " +
		strings.Join(where, " AND ") + " ORDER BY " + orderBy(q)
	if q.Limit > 0 {
		stmt += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	return stmt, args
}

// orderBy is the SQL form of dal's output order, extended across sources.
// With one source it is the order of the items_order index, so no sort is
// needed.
func orderBy(q Query) string {
	cols := []string{"time_ns", "first_rank", "first_seq"}
	if len(q.Sources) > 1 {
		var ord strings.Builder
		ord.WriteString("CASE items.source")
		for i, s := range q.Sources {
			fmt.Fprintf(&ord, " WHEN '%s' THEN %d", strings.ReplaceAll(s, "'", "''"), i)
		}
		ord.WriteString(" END")
		cols = []string{"time_ns", ord.String(), "first_rank", "first_seq"}
	}
	if q.Reverse {
		for i := range cols {
			cols[i] += " DESC"
		}
	}
	return strings.Join(cols, ", ")
}

// itemOf builds an item from a row of itemsSQL's columns, as the driver
// returns them (strings for text, a fresh []byte for a blob, int64s).
func itemOf(v []driver.Value) (dal.Item, error) {
	var it dal.Item
	var err error
	str := func(i int) string {
		switch s := v[i].(type) {
		case string:
			return s
		case []byte:
			return string(s)
		case nil:
			return ""
		}
		if err == nil {
			err = fmt.Errorf("index: column %d holds %T, not text", i, v[i])
		}
		return ""
	}
	num := func(i int) (int64, bool) {
		switch n := v[i].(type) {
		case int64:
			return n, true
		case nil:
			return 0, false
		}
		if err == nil {
			err = fmt.Errorf("index: column %d holds %T, not an integer", i, v[i])
		}
		return 0, false
	}
	it.Source, it.Kind, it.Key = str(0), str(1), str(2)
	if ns, ok := num(3); ok {
		it.Time = time.Unix(0, ns).UTC()
	}
	it.Title, it.URL, it.Text = str(4), str(5), str(6)
	switch raw := v[7].(type) {
	case []byte:
		it.Raw = raw // the driver's own copy
	case string:
		it.Raw = []byte(raw)
	case nil:
	default:
		return it, fmt.Errorf("index: column 7 holds %T, not a blob", v[7])
	}
	first, _ := num(8)
	last, _ := num(9)
	it.FirstSeen, it.LastSeen = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
	return it, err
}

// FTSQuery turns what a user typed into an FTS5 query: every word must
// appear (case-insensitively, as a whole word, or as a prefix when it ends
// with '*'). Punctuation inside a word makes it a phrase ("foo-bar").
func FTSQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		if w == "" {
			continue
		}
		t := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if prefix {
			t += "*"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " ")
}

// Errors returns the stored errors of the sources: the files' and those
// of items whose newest version has a problem.
func (x *Index) Errors(ctx context.Context, sources []string) ([]string, error) {
	var out []string
	for _, src := range sources {
		files, err := x.Files(ctx, src)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			for _, e := range f.Errors {
				out = append(out, e.Error())
			}
		}
		rows, err := x.db.QueryContext(ctx, "SELECT err FROM items WHERE source = ? AND err IS NOT NULL", src)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
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
			return nil, fmt.Errorf("index: snapshot %s: %w", f.Snapshot.Path, err)
		}
		for _, m := range msgs {
			f.Errors = append(f.Errors, storedError(m))
		}
		if f.Ranges, err = decodeRanges(ranges); err != nil {
			return nil, fmt.Errorf("index: snapshot %s: %w", f.Snapshot.Path, err)
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
	err := x.db.QueryRowContext(ctx, "SELECT count(*), min(time_ns), max(time_ns) FROM items WHERE source = ? AND raw IS NOT NULL", source).Scan(&s.Items, &lo, &hi)
	if lo.Valid {
		s.First, s.Last = time.Unix(0, lo.Int64).UTC(), time.Unix(0, hi.Int64).UTC()
	}
	return s, err
}
