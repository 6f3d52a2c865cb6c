package sqliteout

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/hoard-dev/hoard/dal"
)

// MaxFields bounds the typed columns of a table: items with more
// top-level members (a map keyed by ids, say) keep the rest in raw only.
// SQLite allows 2000 columns.
const MaxFields = 100

// envelope are the columns every table has, before the typed ones.
var envelope = []string{"id", "key", "time", "title", "url", "text", "first_seen", "last_seen", "raw"}

// Field is one typed column: a top-level member of the kind's items.
type Field struct {
	Member string // the member's name in the JSON
	Column string // its column: the member's name, or raw_NAME when an envelope column has that name
	Type   string // INTEGER, REAL or TEXT, from the first value seen
}

// table is one export table being written.
type table struct {
	name, source, kind string
	fields             []Field
	byMember           map[string]int // index in fields
	columns            map[string]bool
	capped             bool
	rows               map[string]rowRef // canonical key -> row, as the file had them
	fresh              bool              // made by this export: its FTS table is filled at the end
	seen               map[string]bool   // keys written this time
	insert, update     string
}

type rowRef struct {
	id       int64
	hash     []byte
	lastSeen string
}

// table returns the table name, creating it (or loading what an earlier
// export recorded of it).
func (w *writer) table(name, source, kind string) (*table, error) {
	if t := w.tables[name]; t != nil {
		return t, nil
	}
	t := &table{name: name, source: source, kind: kind, byMember: map[string]int{}, columns: map[string]bool{},
		rows: map[string]rowRef{}, seen: map[string]bool{}}
	for _, c := range envelope {
		t.columns[c] = true
	}
	var known string
	err := w.tx.QueryRowContext(w.ctx, `SELECT source FROM _hoard_tables WHERE tbl = ?`, name).Scan(&known)
	switch {
	case err == sql.ErrNoRows:
		if err := t.create(w); err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
	case err != nil:
		return nil, err
	default:
		if err := t.load(w); err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
	}
	w.tables[name] = t
	w.order = append(w.order, name)
	return t, nil
}

// create makes the table, its indexes and its FTS5 table (Datasette
// finds it by content="..."). The FTS table is filled once the table is
// (finish): FTS5 flushes its pending terms at every statement a trigger
// runs in, which made a bulk insert six times slower.
func (t *table) create(w *writer) error {
	q, fts := quote(t.name), quote(t.name+"_fts")
	t.fresh = true
	stmts := []string{
		fmt.Sprintf(`CREATE TABLE %s (id INTEGER PRIMARY KEY, key TEXT NOT NULL, time TEXT, title TEXT, url TEXT, text TEXT,
			first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, raw TEXT NOT NULL)`, q),
		fmt.Sprintf(`CREATE INDEX %s ON %s (time)`, quote(t.name+"_time"), q),
		fmt.Sprintf(`CREATE INDEX %s ON %s (key)`, quote(t.name+"_key"), q),
		fmt.Sprintf(`CREATE VIRTUAL TABLE %s USING fts5(title, url, text, content="%s", content_rowid="id")`, fts, strings.ReplaceAll(t.name, `"`, `""`)),
	}
	for _, s := range stmts {
		if _, err := w.tx.ExecContext(w.ctx, s); err != nil {
			return err
		}
	}
	return w.exec(`INSERT INTO _hoard_tables (tbl, source, kind) VALUES (?, ?, ?)`, t.name, t.source, t.kind)
}

// finish fills the FTS table of a table made by this export and creates
// the triggers that keep it in step from then on (with --update, and
// with any tool that edits the file).
func (t *table) finish(w *writer) error {
	if !t.fresh {
		return nil
	}
	q, fts := quote(t.name), quote(t.name+"_fts")
	stmts := []string{
		fmt.Sprintf(`INSERT INTO %s (%s) VALUES ('rebuild')`, fts, fts),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER INSERT ON %s BEGIN
			INSERT INTO %s (rowid, title, url, text) VALUES (new.id, new.title, new.url, new.text); END`, quote(t.name+"_ai"), q, fts),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER DELETE ON %s BEGIN
			INSERT INTO %s (%s, rowid, title, url, text) VALUES ('delete', old.id, old.title, old.url, old.text); END`, quote(t.name+"_ad"), q, fts, fts),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE OF title, url, text ON %s
			WHEN old.title IS NOT new.title OR old.url IS NOT new.url OR old.text IS NOT new.text BEGIN
			INSERT INTO %s (%s, rowid, title, url, text) VALUES ('delete', old.id, old.title, old.url, old.text);
			INSERT INTO %s (rowid, title, url, text) VALUES (new.id, new.title, new.url, new.text); END`, quote(t.name+"_au"), q, fts, fts, fts),
	}
	for _, s := range stmts {
		if _, err := w.tx.ExecContext(w.ctx, s); err != nil {
			return fmt.Errorf("table %s: %w", t.name, err)
		}
	}
	t.fresh = false
	return nil
}

// load reads what an earlier export recorded of the table: its typed
// columns and its rows' keys and hashes.
func (t *table) load(w *writer) error {
	var capped bool
	if err := w.tx.QueryRowContext(w.ctx, `SELECT capped FROM _hoard_tables WHERE tbl = ?`, t.name).Scan(&capped); err != nil {
		return err
	}
	t.capped = capped
	if err := t.loadFields(w); err != nil {
		return err
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT ckey, id, hash, last_seen FROM _hoard_rows WHERE tbl = ?`, t.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var r rowRef
		var ls sql.NullString
		if err := rows.Scan(&k, &r.id, &r.hash, &ls); err != nil {
			return err
		}
		r.lastSeen = ls.String
		t.rows[k] = r
	}
	return rows.Err()
}

// loadFields reads the typed columns an earlier export recorded.
func (t *table) loadFields(w *writer) error {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT member, col, type FROM _hoard_fields WHERE tbl = ? ORDER BY pos`, t.name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f Field
		if err := rows.Scan(&f.Member, &f.Column, &f.Type); err != nil {
			rows.Close()
			return err
		}
		t.byMember[f.Member] = len(t.fields)
		t.fields = append(t.fields, f)
		t.columns[strings.ToLower(f.Column)] = true
	}
	rows.Close()
	return rows.Err()
}

// addFields adds a typed column for each member not seen before (up to
// MaxFields), typed by its first non-null value.
func (t *table) addFields(w *writer, members []member) error {
	for _, m := range members {
		if _, ok := t.byMember[m.name]; ok || m.typ == "" {
			continue
		}
		if len(t.fields) >= MaxFields {
			if !t.capped {
				t.capped = true
				if err := w.exec(`UPDATE _hoard_tables SET capped = 1 WHERE tbl = ?`, t.name); err != nil {
					return err
				}
			}
			continue
		}
		f := Field{Member: m.name, Column: t.columnFor(m.name), Type: m.typ}
		if _, err := w.tx.ExecContext(w.ctx, fmt.Sprintf(`ALTER TABLE %s ADD COLUMN %s %s`, quote(t.name), quote(f.Column), f.Type)); err != nil {
			return fmt.Errorf("table %s: adding column %s: %w", t.name, f.Column, err)
		}
		if err := w.exec(`INSERT INTO _hoard_fields VALUES (?, ?, ?, ?, ?)`, t.name, f.Member, f.Column, f.Type, len(t.fields)); err != nil {
			return err
		}
		t.byMember[f.Member] = len(t.fields)
		t.fields = append(t.fields, f)
		t.columns[strings.ToLower(f.Column)] = true
		w.forget(t.insert, t.update)
		t.insert, t.update = "", ""
	}
	return nil
}

// columnFor names the column of a member: its own name, raw_NAME when an
// envelope column has it, with _2, _3 ... when SQLite (which ignores
// case in column names) already has one of that name.
func (t *table) columnFor(member string) string {
	base := member
	if base == "" {
		base = "_"
	}
	for _, e := range envelope {
		if strings.EqualFold(base, e) {
			base = "raw_" + base
		}
	}
	name := base
	for i := 2; t.columns[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}

// row is the values of an item's row, in the order of the table's
// columns (without id).
func (t *table) row(it dal.Item, members []member) []any {
	row := []any{plainKey(it.Key), textTime(it.Time), nullable(it.Title), nullable(it.URL), nullable(it.Text),
		textTime(it.FirstSeen), textTime(it.LastSeen), string(it.Raw)}
	vals := make([]any, len(t.fields))
	for _, m := range members {
		if i, ok := t.byMember[m.name]; ok {
			vals[i] = m.value
		}
	}
	return append(row, vals...)
}

func (t *table) columnList() string {
	cols := append(make([]string, 0, len(envelope)+len(t.fields)), envelope[1:]...)
	for _, f := range t.fields {
		cols = append(cols, quote(f.Column))
	}
	return strings.Join(cols, ", ")
}

func (t *table) insertSQL() string {
	if t.insert == "" {
		n := len(envelope) - 1 + len(t.fields)
		t.insert = fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, quote(t.name), t.columnList(), strings.TrimSuffix(strings.Repeat("?, ", n), ", "))
	}
	return t.insert
}

func (t *table) updateSQL() string {
	if t.update == "" {
		var set []string
		for _, c := range envelope[1:] {
			set = append(set, c+" = ?")
		}
		for _, f := range t.fields {
			set = append(set, quote(f.Column)+" = ?")
		}
		t.update = fmt.Sprintf(`UPDATE %s SET %s WHERE id = ?`, quote(t.name), strings.Join(set, ", "))
	}
	return t.update
}

func (t *table) count(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %s`, quote(t.name))).Scan(&n)
	return n, err
}
