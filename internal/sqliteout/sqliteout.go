// Package sqliteout writes merged items to a tidy SQLite database for
// Datasette or sqlite3 (hoard export-sqlite). It is an output format, not
// the index.
//
// One table per source and kind ("firefox_visits"): an integer id, the
// item's envelope (key as plain text; time, title, url, text NULL when the
// item has none; first_seen, last_seen), raw (the item's JSON), and each
// top-level member of the kind's items as a typed column (INTEGER, REAL,
// TEXT; objects and arrays as JSON text). Each table has an FTS5 table
// over title, url and text, kept in step by triggers and declared the way
// Datasette detects (content="TABLE"), so Datasette's search box works;
// a metadata.json describes the tables and columns for Datasette.
//
// An export can be updated in place: the rows are matched to items by
// their canonical key (kept, with a hash of each row's content, in the
// table _hoard_rows), and only added, changed and vanished items are
// written, in one transaction.
package sqliteout

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// SchemaVersion changes whenever the layout of an export changes; an
// export of another version is rebuilt, not updated.
const SchemaVersion = 1

var notIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// TableName is the export table of a source and kind: "reddit_saved",
// "firefox_visits", with other characters replaced by '_'.
func TableName(source, kind string) string {
	return notIdent.ReplaceAllString(source+"_"+kind, "_")
}

// Options say how to write an export.
type Options struct {
	// Update applies the changes to an existing export (creating it when
	// there is none); otherwise a new file is written.
	Update bool
	// Force replaces an existing file when not updating.
	Force bool
	// Prune, called once every item was read, says whether rows whose
	// item is gone may be deleted (false when the read met errors: an
	// unreadable snapshot's items are not gone). nil means yes.
	Prune func() bool
}

// Stats count what an export or update did.
type Stats struct {
	Added, Changed, Removed, Unchanged int
	SeenAgain                          int          // unchanged, but in a newer snapshot: only last_seen was written
	Tables                             []TableStats // in the order first written
}

// TableStats describe one table, for the metadata.
type TableStats struct {
	Name, Source, Kind string
	Fields             []Field // the typed columns, in order
	Rows               int
	Capped             bool // more top-level members than MaxFields: the rest only in raw
}

// Export writes items to the SQLite file at path (see the package
// comment). A new export is written beside path and renamed into place,
// so a failed export leaves nothing behind; an existing file is replaced
// only with Force. An update changes the file in one transaction.
func Export(ctx context.Context, path string, items iter.Seq2[dal.Item, error], o Options) (Stats, error) {
	_, statErr := os.Stat(path)
	exists := statErr == nil
	if statErr != nil && !errors.Is(statErr, fs.ErrNotExist) {
		return Stats{}, statErr
	}
	if o.Update && exists {
		st, err := write(ctx, path, items, o, true)
		if err != nil {
			return st, fmt.Errorf("updating %s: %w", path, err)
		}
		return st, nil
	}
	if exists && !o.Force {
		return Stats{}, fmt.Errorf("%s exists (use --update to bring it up to date, or --force to replace it)", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return Stats{}, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	st, err := write(ctx, tmp.Name(), items, o, false)
	if err != nil {
		return st, fmt.Errorf("writing %s: %w", path, err)
	}
	return st, os.Rename(tmp.Name(), path)
}

// write exports into the database at path; existing says it is an
// export to update.
func write(ctx context.Context, path string, items iter.Seq2[dal.Item, error], o Options, existing bool) (Stats, error) {
	var st Stats
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return st, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	w := &writer{ctx: ctx, tx: tx, tables: map[string]*table{}, stmts: map[string]*sql.Stmt{}, touched: map[string]map[string][]int64{}}
	defer func() {
		for _, st := range w.stmts {
			st.Close()
		}
	}()
	if existing {
		if err := w.checkVersion(); err != nil {
			return st, err
		}
	} else if err := w.createMeta(); err != nil {
		return st, err
	}
	for it, err := range items {
		if err != nil {
			return st, err
		}
		if err := w.put(it, &st); err != nil {
			return st, err
		}
	}
	if err := w.touch(); err != nil {
		return st, err
	}
	if o.Prune == nil || o.Prune() {
		if err := w.prune(&st); err != nil {
			return st, err
		}
	}
	for _, name := range w.order {
		if err := w.tables[name].finish(w); err != nil {
			return st, err
		}
	}
	if st.Tables, err = w.allTables(); err != nil {
		return st, err
	}
	if err := tx.Commit(); err != nil {
		return st, err
	}
	return st, nil
}

// writer holds one export's transaction and the tables it has touched.
type writer struct {
	ctx    context.Context
	tx     *sql.Tx
	tables map[string]*table
	order  []string
	stmts  map[string]*sql.Stmt
	// touched are the rows whose item is unchanged but was seen in a
	// newer snapshot: by table and new last_seen, their ids.
	touched map[string]map[string][]int64
}

func (w *writer) exec(q string, args ...any) error {
	_, err := w.run(q, args...)
	return err
}

// run executes q as a statement prepared once per export.
func (w *writer) run(q string, args ...any) (sql.Result, error) {
	st := w.stmts[q]
	if st == nil {
		var err error
		if st, err = w.tx.PrepareContext(w.ctx, q); err != nil {
			return nil, err
		}
		w.stmts[q] = st
	}
	return st.ExecContext(w.ctx, args...)
}

// forget drops the prepared statements that name a table whose columns
// changed.
func (w *writer) forget(q ...string) {
	for _, s := range q {
		if st := w.stmts[s]; st != nil {
			st.Close()
			delete(w.stmts, s)
		}
	}
}

// createMeta makes the bookkeeping tables of a new export.
func (w *writer) createMeta() error {
	for _, q := range []string{
		`CREATE TABLE _hoard_export (schema_version INTEGER NOT NULL, updated TEXT NOT NULL)`,
		`CREATE TABLE _hoard_rows (tbl TEXT NOT NULL, ckey TEXT NOT NULL, id INTEGER NOT NULL, hash BLOB NOT NULL, last_seen TEXT, PRIMARY KEY (tbl, ckey)) WITHOUT ROWID`,
		`CREATE TABLE _hoard_tables (tbl TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, capped INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`,
		`CREATE TABLE _hoard_fields (tbl TEXT NOT NULL, member TEXT NOT NULL, col TEXT NOT NULL, type TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (tbl, member)) WITHOUT ROWID`,
	} {
		if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
			return err
		}
	}
	return w.exec(`INSERT INTO _hoard_export VALUES (?, ?)`, SchemaVersion, time.Now().UTC().Format(time.RFC3339))
}

// checkVersion refuses to update a file that is not an export of this
// layout.
func (w *writer) checkVersion() error {
	var v int
	err := w.tx.QueryRowContext(w.ctx, `SELECT schema_version FROM _hoard_export`).Scan(&v)
	if err != nil {
		return fmt.Errorf("not an export made by hoard export-sqlite (%v): use --force to replace it", err)
	}
	if v != SchemaVersion {
		return fmt.Errorf("made by another version of hoard (layout %d, this one writes %d): use --force to rebuild it", v, SchemaVersion)
	}
	return w.exec(`UPDATE _hoard_export SET updated = ?`, time.Now().UTC().Format(time.RFC3339))
}

// put writes one item: a new row, a changed row, or nothing.
func (w *writer) put(it dal.Item, st *Stats) error {
	name := TableName(it.Source, it.Kind)
	t, err := w.table(name, it.Source, it.Kind)
	if err != nil {
		return err
	}
	if t.source != it.Source || t.kind != it.Kind {
		return fmt.Errorf("sources %q (kind %q) and %q (kind %q) both make the table %s: rename one", t.source, t.kind, it.Source, it.Kind, name)
	}
	// The content: the envelope but last_seen, and raw (the typed columns
	// follow from it). An item seen again in a newer snapshot, unchanged,
	// only moves its last_seen, written in bulk by touch.
	sum := contentHash(it)
	lastSeen, _ := textTime(it.LastSeen).(string)
	t.seen[it.Key] = true
	prev, ok := t.rows[it.Key]
	if ok && string(prev.hash) == string(sum) {
		if prev.lastSeen != lastSeen {
			if w.touched[name] == nil {
				w.touched[name] = map[string][]int64{}
			}
			w.touched[name][lastSeen] = append(w.touched[name][lastSeen], prev.id)
			st.SeenAgain++
			return nil
		}
		st.Unchanged++
		return nil
	}
	members, err := topLevel(it.Raw)
	if err != nil {
		return fmt.Errorf("table %s, key %s: %w", name, it.Key, err)
	}
	if err := t.addFields(w, members); err != nil {
		return err
	}
	row := t.row(it, members)
	switch {
	case !ok:
		res, err := w.run(t.insertSQL(), row...)
		if err != nil {
			return fmt.Errorf("table %s, key %s: %w", name, it.Key, err)
		}
		id, _ := res.LastInsertId()
		st.Added++
		return w.exec(`INSERT INTO _hoard_rows VALUES (?, ?, ?, ?, ?)`, name, it.Key, id, sum, lastSeen)
	default:
		if err := w.exec(t.updateSQL(), append(row, prev.id)...); err != nil {
			return fmt.Errorf("table %s, key %s: %w", name, it.Key, err)
		}
		st.Changed++
		return w.exec(`UPDATE _hoard_rows SET hash = ?, last_seen = ? WHERE tbl = ? AND ckey = ?`, sum, lastSeen, name, it.Key)
	}
}

// touch writes the new last_seen of the unchanged items seen again, one
// statement per table and value: a daily export moves every item's
// last_seen to the same stamp.
func (w *writer) touch() error {
	for name, byValue := range w.touched {
		for value, ids := range byValue {
			list, _ := json.Marshal(ids)
			if err := w.exec(fmt.Sprintf(`UPDATE %s SET last_seen = ?1 WHERE id IN (SELECT value FROM json_each(?2))`, quote(name)), value, string(list)); err != nil {
				return fmt.Errorf("table %s: %w", name, err)
			}
			if err := w.exec(`UPDATE _hoard_rows SET last_seen = ?1 WHERE tbl = ?2 AND id IN (SELECT value FROM json_each(?3))`, value, name, string(list)); err != nil {
				return err
			}
		}
	}
	return nil
}

// prune deletes the rows of the tables written this time whose items
// were not seen.
func (w *writer) prune(st *Stats) error {
	for _, name := range w.order {
		t := w.tables[name]
		for k, r := range t.rows {
			if t.seen[k] {
				continue
			}
			if err := w.exec(fmt.Sprintf(`DELETE FROM %s WHERE id = ?`, quote(name)), r.id); err != nil {
				return err
			}
			if err := w.exec(`DELETE FROM _hoard_rows WHERE tbl = ? AND ckey = ?`, name, k); err != nil {
				return err
			}
			st.Removed++
		}
	}
	return nil
}

// allTables describes every table of the export, those of this run and
// those of earlier ones.
func (w *writer) allTables() ([]TableStats, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT tbl, source, kind, capped FROM _hoard_tables ORDER BY tbl`)
	if err != nil {
		return nil, err
	}
	var out []TableStats
	for rows.Next() {
		var ts TableStats
		if err := rows.Scan(&ts.Name, &ts.Source, &ts.Kind, &ts.Capped); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, ts)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		t := &table{name: out[i].Name, byMember: map[string]int{}, columns: map[string]bool{}, rows: map[string]rowRef{}}
		if err := t.loadFields(w); err != nil {
			return nil, err
		}
		out[i].Fields = t.fields
		if out[i].Rows, err = t.count(w.ctx, w.tx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// contentHash identifies an item's row content but last_seen: when it is
// unchanged, the row is not written.
func contentHash(it dal.Item) []byte {
	h := sha256.New()
	var n [8]byte
	for _, s := range []string{it.Key, it.Time.UTC().Format(TimeLayout), it.Title, it.URL, it.Text, it.FirstSeen.UTC().Format(TimeLayout)} {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		io.WriteString(h, s)
	}
	h.Write(it.Raw)
	return h.Sum(nil)[:16]
}

// quote quotes an SQL identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// plainKey renders a canonical key as text for people: a single value as
// it is, the parts of a composite key ("[\"https://x/\",1700]") joined
// with " | ".
func plainKey(key string) string {
	if !strings.HasPrefix(key, "[") {
		return key
	}
	var parts []any
	d := json.NewDecoder(strings.NewReader(key))
	d.UseNumber()
	if d.Decode(&parts) != nil {
		return key
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		switch v := p.(type) {
		case nil:
			out[i] = ""
		case string:
			out[i] = v
		case json.Number:
			out[i] = v.String()
		default:
			b, _ := json.Marshal(v)
			out[i] = string(b)
		}
	}
	return strings.Join(out, " | ")
}

// TimeLayout is how times are written: ISO 8601 in UTC, always to the
// microsecond, so that the text sorts as the times do.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// textTime is t as TimeLayout text, or NULL for the zero time.
func textTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(TimeLayout)
}

// nullable is s, or NULL when it is empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
