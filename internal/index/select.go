package index

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// Select applies q to merge results without an index, giving exactly what
// Items gives from an index holding the same snapshots. results[i] is the
// merge of q.Sources[i]. Results made with dal.Options.LazyText are filled
// in as needed for a search; otherwise the items' text stays as it is.
func Select(ctx context.Context, results []*dal.Result, q Query) ([]dal.Item, error) {
	rows := selectRows(results, q)
	items := make([]dal.Item, len(rows))
	for i, r := range rows {
		items[i] = r.m.Item
		if FTSQuery(q.Search) != "" {
			results[r.src].FillText(&items[i])
		}
	}
	items, err := Match(ctx, items, q.Search)
	if err != nil {
		return nil, err
	}
	if q.Reverse {
		slices.Reverse(items)
	}
	if q.Limit > 0 && len(items) > q.Limit {
		items = items[:q.Limit]
	}
	return items, nil
}

// selected is a merged item and the index of its source in the query.
type selected struct {
	m   *dal.Merged
	src int
}

// selectRows keeps the items within q's time bounds, in output order.
func selectRows(results []*dal.Result, q Query) []selected {
	var rows []selected
	for i, res := range results {
		for j := range res.Items {
			m := &res.Items[j]
			if q.After.IsZero() && q.Before.IsZero() || inRange(m.Time, q) {
				rows = append(rows, selected{m, i})
			}
		}
	}
	sort.SliceStable(rows, func(a, b int) bool { return lessSelected(rows[a], rows[b]) })
	return rows
}

// lessSelected is dal's output order extended across sources: items
// without a time first, then by time, source, first appearance.
func lessSelected(a, b selected) bool {
	x, y := a.m, b.m
	xz, yz := x.Time.IsZero(), y.Time.IsZero()
	switch {
	case xz != yz:
		return xz
	case !x.Time.Equal(y.Time):
		return x.Time.Before(y.Time)
	case a.src != b.src:
		return a.src < b.src
	}
	return x.First.Less(y.First)
}

// inRange applies the time bounds of q; an item without a time is out.
func inRange(t time.Time, q Query) bool {
	if t.IsZero() {
		return false
	}
	ns := t.UnixNano()
	return (q.After.IsZero() || ns >= q.After.UnixNano()) && (q.Before.IsZero() || ns < q.Before.UnixNano())
}

// Match keeps the items that an FTS5 search for text finds, using a
// throwaway in-memory index so that the rules are exactly the index's.
func Match(ctx context.Context, items []dal.Item, text string) ([]dal.Item, error) {
	fts := FTSQuery(text)
	if fts == "" || len(items) == 0 {
		return items, nil
	}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE VIRTUAL TABLE f USING fts5 (title, url, text, tokenize='unicode61 remove_diacritics 0')"); err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, "INSERT INTO f (rowid, title, url, text) VALUES (?, ?, ?, ?)", i, it.Title, it.URL, it.Text); err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid", fts)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", text, err)
	}
	defer rows.Close()
	var out []dal.Item
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		out = append(out, items[i])
	}
	return out, rows.Err()
}
