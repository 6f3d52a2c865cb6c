package dal

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Query selects merged items: of every source read, those within the time
// bounds whose text holds the search words, in output order (items
// without a time first, then by time; ties by the order of the sources,
// then by first appearance), newest first with Reverse, at most Limit. The
// same type queries the index and the uncached merge, which give the same
// items.
type Query struct {
	After   time.Time // inclusive; zero: no bound
	Before  time.Time // exclusive; zero: no bound
	Search  string    // words that must all appear in title, url or text (see FTSQuery)
	Reverse bool      // newest first
	Limit   int       // 0: no limit
}

// Select applies q to merge results without an index, giving exactly what
// the index gives for the same snapshots; results are in the order of
// their sources. Results made with Options.LazyText are filled in as
// needed for a search; otherwise the items' text stays as it is.
func Select(ctx context.Context, results []*Result, q Query) ([]Item, error) {
	rows := selectRows(results, q)
	items := make([]Item, len(rows))
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
	m   *Merged
	src int
}

// selectRows keeps the items within q's time bounds, in output order.
func selectRows(results []*Result, q Query) []selected {
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
func Match(ctx context.Context, items []Item, text string) ([]Item, error) {
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
	var out []Item
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		out = append(out, items[i])
	}
	return out, rows.Err()
}

// FTSQuery turns what a user typed into an FTS5 query: every word must
// appear (case-insensitively, as a whole word, or as a prefix when it ends
// with '*'). Punctuation inside a word makes it a phrase ("foo-bar"). A
// word without a letter or digit ("-", "!!!") is left out: the index holds
// only letters and digits. "" means the text has no word to search for.
func FTSQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
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
