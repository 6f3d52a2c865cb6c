// Package sqlschema is what the built-in sources that read an app's
// SQLite database share: the database's tables and columns, by which a
// decoder tells one generation of the app's schema from another, and the
// SQL that renders an app's millisecond times as exact RFC 3339 text.
package sqlschema

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Schema is the tables (and views) of a database and their columns.
type Schema map[string][]string

// Read returns the schema of db.
func Read(ctx context.Context, db *sql.DB) (Schema, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid`)
	if err != nil {
		return nil, fmt.Errorf("reading the database's tables: %w", err)
	}
	defer rows.Close()
	s := Schema{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, fmt.Errorf("reading the database's tables: %w", err)
		}
		s[table] = append(s[table], col)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the database's tables: %w", err)
	}
	return s, nil
}

// Has reports whether the table exists and has every column named.
func (s Schema) Has(table string, cols ...string) bool {
	have, ok := s[table]
	if !ok {
		return false
	}
	for _, c := range cols {
		if !contains(have, c) {
			return false
		}
	}
	return true
}

// Tables returns the names of the tables matching keep, sorted.
func (s Schema) Tables(keep func(string) bool) []string {
	var out []string
	for t := range s {
		if keep(t) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Column is one member of a record a query builds: Expr AS Name.
type Column struct {
	Name string // the member's name
	Expr string // SQL, e.g. b.Text
	// Needs, when set, is the table.column Expr reads; the column is left
	// out of the query when the database has no such column (an older
	// version of the app).
	Needs string
}

// Select renders the columns of cols that the schema has, as the list of
// a SELECT. Of several columns with one name, the first the schema has is
// taken: later ones are fallbacks for older versions of the app.
func (s Schema) Select(cols []Column) string {
	var parts []string
	done := map[string]bool{}
	for _, c := range cols {
		if done[c.Name] {
			continue
		}
		if c.Needs != "" {
			table, col, _ := strings.Cut(c.Needs, ".")
			if !s.Has(table, col) {
				continue
			}
		}
		done[c.Name] = true
		parts = append(parts, c.Expr+" AS "+Quote(c.Name))
	}
	return strings.Join(parts, ",\n  ")
}

// Quote quotes an SQL identifier.
func Quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// MilliRFC3339 is SQL rendering expr, a Unix time in milliseconds, as RFC
// 3339 text in UTC with exactly three fractional digits
// ("2024-01-01T10:00:00.123Z"), computed in integers so no digit is lost;
// NULL when expr is NULL, 0 or negative (apps write 0 for "never").
func MilliRFC3339(expr string) string {
	return fmt.Sprintf(`CASE WHEN typeof(%[1]s) = 'integer' AND %[1]s > 0 THEN strftime('%%Y-%%m-%%dT%%H:%%M:%%S', %[1]s / 1000, 'unixepoch') || printf('.%%03dZ', %[1]s %% 1000) END`, expr)
}
