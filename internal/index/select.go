package index

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// Select applies q to merge results without an index, giving exactly what
// Items gives from an index holding the same snapshots. results[i] is the
// merge of q.Sources[i]. Results made with dal.Options.LazyText are filled
// in as needed for a search; otherwise the items' text stays as it is.
func Select(ctx context.Context, results []*dal.Result, q Query) ([]dal.Item, error) {
	type row struct {
		m   *dal.Merged
		src int
	}
	var rows []row
	for i, res := range results {
		for j := range res.Items {
			m := &res.Items[j]
			if q.After.IsZero() && q.Before.IsZero() || inRange(m.Time, q) {
				rows = append(rows, row{m, i})
			}
		}
	}
	sort.SliceStable(rows, func(a, b int) bool {
		x, y := rows[a].m, rows[b].m
		xz, yz := x.Time.IsZero(), y.Time.IsZero()
		switch {
		case xz != yz:
			return xz
		case !x.Time.Equal(y.Time):
			return x.Time.Before(y.Time)
		case rows[a].src != rows[b].src:
			return rows[a].src < rows[b].src
		}
		return x.First.Less(y.First)
	})
	items := make([]dal.Item, len(rows))
	for i, r := range rows {
		items[i] = r.m.Item
	}
	if FTSQuery(q.Search) != "" {
		for i := range items {
			results[rows[i].src].FillText(&items[i])
		}
	}
	items, err := Match(ctx, items, q.Search)
	if err != nil {
		return nil, err
	}
	if q.Reverse {
		for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
			items[i], items[j] = items[j], items[i]
		}
	}
	if q.Limit > 0 && len(items) > q.Limit {
		items = items[:q.Limit]
	}
	return items, nil
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
