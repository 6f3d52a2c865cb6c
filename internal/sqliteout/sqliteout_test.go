package sqliteout

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/testtool"
	_ "modernc.org/sqlite"
)

func day(i int) time.Time { return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, i) }

// visit is a Firefox-like item: a composite key, title and url members
// (which the envelope also has), numbers.
func visit(i int, title string) dal.Item {
	url := fmt.Sprintf("https://example.org/%d", i)
	us := day(i).UnixMicro() + 123456
	raw := fmt.Sprintf(`{"url":%q,"title":%q,"visit_date":%d,"visit_type":1,"from_visit":null}`, url, title, us)
	return dal.Item{Source: "firefox", Kind: "visits", Key: fmt.Sprintf(`[%q,%d]`, url, us), Time: time.UnixMicro(us),
		Title: title, URL: url, Raw: json.RawMessage(raw), FirstSeen: day(i), LastSeen: day(i + 1)}
}

// odd are items of one kind with every kind of member: typed values, a
// 64-bit overflow, names that clash with the envelope or differ only in
// case, no title, not an object at all.
func odd() []dal.Item {
	return []dal.Item{
		{Source: "notes.app", Kind: "notes", Key: "a", Time: day(1), Text: "Zürich café ☕ and 日本語",
			Raw:       json.RawMessage(`{"id":"a","n":42,"score":1.5,"ok":true,"tags":["x","y"],"meta":{"k":1},"Name":"first","name":"second","big":123456789012345678901234567890,"url":"not the envelope's","key":"k"}`),
			FirstSeen: day(1), LastSeen: day(1)},
		{Source: "notes.app", Kind: "notes", Key: "b", Raw: json.RawMessage(`{"id":"b","n":null,"score":2,"ok":false,"later":"only here"}`),
			FirstSeen: day(2), LastSeen: day(2)},
		{Source: "notes.app", Kind: "notes", Key: "c", Raw: json.RawMessage(`["an","array"]`), FirstSeen: day(3), LastSeen: day(3)},
	}
}

func seq(items ...dal.Item) iter.Seq2[dal.Item, error] {
	return func(yield func(dal.Item, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

func export(t *testing.T, path string, o Options, items ...dal.Item) Stats {
	t.Helper()
	st, err := Export(context.Background(), path, seq(items...), o)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestTypedColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hoard.db")
	export(t, path, Options{}, odd()...)
	db := open(t, path)
	type col struct{ name, typ string }
	rows, err := db.Query(`SELECT name, type FROM pragma_table_info('notes_app_notes') ORDER BY cid`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var c col
		rows.Scan(&c.name, &c.typ)
		cols = append(cols, c.name+" "+c.typ)
	}
	rows.Close()
	want := []string{"id INTEGER", "key TEXT", "time TEXT", "title TEXT", "url TEXT", "text TEXT", "first_seen TEXT", "last_seen TEXT", "raw TEXT",
		"raw_id TEXT", "n INTEGER", "score REAL", "ok INTEGER", "tags TEXT", "meta TEXT", "Name TEXT", "name_2 TEXT", "big REAL", "raw_url TEXT", "raw_key TEXT", "later TEXT"}
	if !slices.Equal(cols, want) {
		t.Errorf("columns\n%v\nwant\n%v", cols, want)
	}
	var (
		key, text, tags, name2, rawURL string
		title, url                     sql.NullString
		n                              int64
		score                          float64
		ok                             int64
		when                           string
	)
	err = db.QueryRow(`SELECT key, time, title, url, text, n, score, ok, tags, name_2, raw_url FROM notes_app_notes WHERE key = 'a'`).
		Scan(&key, &when, &title, &url, &text, &n, &score, &ok, &tags, &name2, &rawURL)
	if err != nil {
		t.Fatal(err)
	}
	if when != "2024-01-02T12:00:00.000000Z" || title.Valid || url.Valid || n != 42 || score != 1.5 || ok != 1 || tags != `["x","y"]` || name2 != "second" || rawURL != "not the envelope's" {
		t.Errorf("row a: %q %v %v %q %d %v %d %q %q %q", when, title, url, text, n, score, ok, tags, name2, rawURL)
	}
	var typ string
	db.QueryRow(`SELECT typeof(n) || ',' || typeof(score) || ',' || typeof(time) || ',' || typeof(later) FROM notes_app_notes WHERE key = 'b'`).Scan(&typ)
	if typ != "null,real,null,text" {
		t.Errorf("row b types %s", typ)
	}
	var count int
	db.QueryRow(`SELECT count(*) FROM notes_app_notes WHERE key = 'c' AND raw = '["an","array"]'`).Scan(&count)
	if count != 1 {
		t.Error("an item that is not an object is still a row, with its raw JSON")
	}
}

// More top-level members than MaxFields: the rest stay in raw.
func TestManyMembersAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range MaxFields + 20 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"m%d":%d`, i, i)
	}
	b.WriteString("}")
	path := filepath.Join(t.TempDir(), "x.db")
	st := export(t, path, Options{}, dal.Item{Source: "s", Kind: "k", Key: "1", Raw: json.RawMessage(b.String()), FirstSeen: day(0), LastSeen: day(0)})
	if len(st.Tables) != 1 || len(st.Tables[0].Fields) != MaxFields || !st.Tables[0].Capped {
		t.Errorf("tables %+v", st.Tables)
	}
}

// An update writes only what changed, keeps the ids of rows it does not
// change, adds columns for new members, and keeps the search in step.
func TestUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hoard.db")
	var items []dal.Item
	for i := range 50 {
		items = append(items, visit(i, fmt.Sprintf("page %d", i)))
	}
	st := export(t, path, Options{Update: true}, items...) // creates the file
	if st.Added != 50 || st.Changed+st.Removed+st.Unchanged != 0 {
		t.Fatalf("first export %+v", st)
	}
	ids := rowIDs(t, path)
	st = export(t, path, Options{Update: true}, items...)
	if st.Unchanged != 50 || st.Added+st.Changed+st.Removed+st.SeenAgain != 0 {
		t.Errorf("unchanged update %+v", st)
	}
	// Seen again in a newer snapshot: only last_seen moves, in bulk.
	for i := range items {
		items[i].LastSeen = day(100)
	}
	st = export(t, path, Options{Update: true}, items...)
	if st.SeenAgain != 50 || st.Added+st.Changed+st.Removed+st.Unchanged != 0 {
		t.Errorf("seen-again update %+v", st)
	}
	var ls string
	open(t, path).QueryRow(`SELECT min(last_seen) FROM firefox_visits`).Scan(&ls)
	if ls != "2024-04-10T12:00:00.000000Z" {
		t.Errorf("last_seen %s", ls)
	}
	next := slices.Clone(items[1:])              // item 0 gone
	next[9] = visit(10, "renamed: quokka")       // item 10 changed
	next = append(next, visit(99, "a new page")) // one new
	extra := next[20]
	extra.Raw = json.RawMessage(strings.TrimSuffix(string(extra.Raw), "}") + `,"typed_later":7}`)
	next[20] = extra
	st = export(t, path, Options{Update: true}, next...)
	if st.Added != 1 || st.Changed != 2 || st.Removed != 1 || st.Unchanged != 47 || st.SeenAgain != 0 {
		t.Errorf("update %+v", st)
	}
	after := rowIDs(t, path)
	for k, id := range ids {
		if k == items[0].Key {
			if _, ok := after[k]; ok {
				t.Error("a vanished item's row stayed")
			}
			continue
		}
		if after[k] != id {
			t.Errorf("%s: id %d became %d", k, id, after[k])
		}
	}
	db := open(t, path)
	if got := search(t, db, "firefox_visits", `"page" "10"`); len(got) != 0 {
		t.Errorf("the old title still matches: %v", got)
	}
	if got := search(t, db, "firefox_visits", `"quokka"`); len(got) != 1 {
		t.Errorf("the new title does not match: %v", got)
	}
	var n sql.NullInt64
	db.QueryRow(`SELECT typed_later FROM firefox_visits WHERE title = 'page 21'`).Scan(&n)
	if n.Int64 != 7 {
		t.Errorf("the new member's column: %v", n)
	}
	// With Prune false (the read met errors), nothing is deleted.
	st = export(t, path, Options{Update: true, Prune: func() bool { return false }}, next[:10]...)
	if st.Removed != 0 || st.Unchanged != 10 {
		t.Errorf("no prune %+v", st)
	}
}

func rowIDs(t *testing.T, path string) map[string]int64 {
	t.Helper()
	rows, err := open(t, path).Query(`SELECT ckey, id FROM _hoard_rows`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		rows.Scan(&k, &id)
		out[k] = id
	}
	return out
}

// search runs the query Datasette runs for its search box.
func search(t *testing.T, db *sql.DB, table, match string) []string {
	t.Helper()
	rows, err := db.Query(fmt.Sprintf(`SELECT title FROM %s WHERE rowid IN (SELECT rowid FROM %s WHERE %s MATCH ?) ORDER BY id`, quote(table), quote(table+"_fts"), quote(table+"_fts")), match)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		rows.Scan(&s)
		out = append(out, s.String)
	}
	return out
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hoard.db")
	export(t, path, Options{}, visit(1, "x"))
	if _, err := Export(context.Background(), path, seq(visit(1, "x")), Options{}); err == nil || !strings.Contains(err.Error(), "--update") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("existing file: %v", err)
	}
	export(t, path, Options{Force: true}, visit(2, "y"))
	db, _ := sql.Open("sqlite", path)
	db.Exec(`UPDATE _hoard_export SET schema_version = 99`)
	db.Close()
	if _, err := Export(context.Background(), path, seq(visit(1, "x")), Options{Update: true}); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("other layout: %v", err)
	}
	other := filepath.Join(dir, "other.db")
	db, _ = sql.Open("sqlite", other)
	db.Exec(`CREATE TABLE t (x)`)
	db.Close()
	if _, err := Export(context.Background(), other, seq(visit(1, "x")), Options{Update: true}); err == nil || !strings.Contains(err.Error(), "not an export") {
		t.Errorf("foreign database: %v", err)
	}
	// Two sources whose tables would have one name.
	a, b := visit(1, "x"), visit(2, "y")
	a.Source, a.Kind, b.Source, b.Kind = "a_b", "c", "a", "b_c"
	if _, err := Export(context.Background(), filepath.Join(dir, "clash.db"), seq(a, b), Options{}); err == nil || !strings.Contains(err.Error(), "rename one") {
		t.Errorf("clash: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

// datasetteCheck is what Datasette (0.64) does with a database, in
// Python's sqlite3 as Datasette runs it: find each table's FTS table the
// way datasette.utils.detect_fts does, search it the way its search box
// does (each word quoted, as escape_fts does), read the declared column
// types and the stored types.
const datasetteCheck = `
import json, sqlite3, sys
conn = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
out = {"sqlite": sqlite3.sqlite_version, "tables": {}}
tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not like '%_fts%' and name not like '\\_hoard%' escape '\\' order by name")]
for t in tables:
    fts = conn.execute("""select name from sqlite_master where rootpage = 0 and (
        sql like '%VIRTUAL TABLE%USING FTS%content="' || ? || '"%'
        or sql like '%VIRTUAL TABLE%USING FTS%content=[' || ? || ']%'
        or (tbl_name = ? and sql like '%VIRTUAL TABLE%USING FTS%'))""", (t, t, t)).fetchall()
    info = {"fts": [r[0] for r in fts]}
    info["columns"] = {r[1]: r[2] for r in conn.execute("pragma table_info([%s])" % t)}
    info["types"] = [list(r) for r in conn.execute("select typeof(key), typeof(title), typeof(time) from [%s] order by id" % t)]
    info["keys"] = [r[0] for r in conn.execute("select key from [%s] order by id" % t)]
    out["tables"][t] = info
def search(t, q):
    escaped = " ".join('"%s"' % w.replace('"', '""') for w in q.split())
    sql = "select title from [%s] where rowid in (select rowid from [%s_fts] where [%s_fts] match :search) order by id" % (t, t, t)
    return [r[0] for r in conn.execute(sql, {"search": escaped})]
out["search"] = {
    "café": search("notes_app_notes", "café"),
    "page 3": search("firefox_visits", "page 3"),
    "example": len(search("firefox_visits", "example")),
    "nothing": search("firefox_visits", "zebra"),
}
out["json"] = conn.execute("select raw ->> '$.visit_type', visit_type from firefox_visits order by id limit 1").fetchone()
print(json.dumps(out))
`

// TestDatasetteReadsIt opens an export with Python's sqlite3 the way
// Datasette does (Datasette itself is not installable here: PyPI is not
// reachable; see docs/data-access.md).
func TestDatasetteReadsIt(t *testing.T) {
	py := testtool.Need(t, "an export is opened the way Datasette opens it, with Python's sqlite3", "python3")[0]
	path := filepath.Join(t.TempDir(), "hoard.db")
	items := odd()
	for i := range 5 {
		items = append(items, visit(i, fmt.Sprintf("page %d", i)))
	}
	export(t, path, Options{}, items...)
	out, err := exec.Command(py, "-c", datasetteCheck, path).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var got struct {
		SQLite string `json:"sqlite"`
		Tables map[string]struct {
			FTS     []string          `json:"fts"`
			Columns map[string]string `json:"columns"`
			Types   [][]string        `json:"types"`
			Keys    []string          `json:"keys"`
		} `json:"tables"`
		Search map[string]any `json:"search"`
		JSON   []any          `json:"json"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, name := range []string{"firefox_visits", "notes_app_notes"} {
		tb := got.Tables[name]
		if len(tb.FTS) != 1 || tb.FTS[0] != name+"_fts" {
			t.Errorf("%s: Datasette would find the FTS tables %v", name, tb.FTS)
		}
	}
	if len(got.Tables) != 2 {
		t.Errorf("tables %v", got.Tables)
	}
	ff := got.Tables["firefox_visits"]
	if ff.Columns["visit_date"] != "INTEGER" || ff.Columns["raw_title"] != "TEXT" || ff.Keys[0] != fmt.Sprintf("https://example.org/0 | %d", day(0).UnixMicro()+123456) {
		t.Errorf("firefox_visits: %v %v", ff.Columns, ff.Keys)
	}
	if n := got.Tables["notes_app_notes"]; n.Types[1][1] != "null" || n.Types[1][2] != "null" || n.Types[0][0] != "text" {
		t.Errorf("notes types %v: a missing title or time must be NULL, not ''", n.Types)
	}
	want := map[string]any{"café": []any{nil}, "page 3": []any{"page 3"}, "example": float64(5), "nothing": []any{}}
	for k, w := range want {
		if fmt.Sprint(got.Search[k]) != fmt.Sprint(w) {
			t.Errorf("search %q: %v, want %v", k, got.Search[k], w)
		}
	}
	if fmt.Sprint(got.JSON) != "[1 1]" {
		t.Errorf("JSON functions on raw and the typed column: %v", got.JSON)
	}
	t.Logf("checked with Python's sqlite3 (SQLite %s)", got.SQLite)
}

func TestMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my.hoard.db")
	st := export(t, path, Options{}, append(odd(), visit(1, "x"))...)
	b, err := Metadata(path, st, func(source, kind string) TableDoc {
		return TableDoc{Description: "About " + source, Spec: dal.KindSpec{Key: []string{"url", "visit_date"}, Time: "visit_date", Title: "title"}}
	})
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Databases map[string]struct {
			Tables map[string]struct {
				Title, Description, FTSTable, FTSPk, SortDesc string
				Hidden                                        bool
				Columns                                       map[string]string
			} `json:"tables"`
		} `json:"databases"`
	}
	// Datasette's keys, with underscores.
	text := strings.NewReplacer(`"fts_table"`, `"FTSTable"`, `"fts_pk"`, `"FTSPk"`, `"sort_desc"`, `"SortDesc"`).Replace(string(b))
	if err := json.Unmarshal([]byte(text), &md); err != nil {
		t.Fatal(err)
	}
	db, ok := md.Databases["my.hoard"]
	if !ok {
		t.Fatalf("database named %v, want the file's name without .db (as Datasette names it)", md.Databases)
	}
	ff := db.Tables["firefox_visits"]
	if ff.FTSTable != "firefox_visits_fts" || ff.FTSPk != "id" || ff.SortDesc != "time" || !strings.HasPrefix(ff.Description, "About firefox. ") ||
		!strings.Contains(ff.Columns["time"], "visit_date") || !strings.Contains(ff.Columns["visit_date"], "integer") {
		t.Errorf("firefox_visits: %+v", ff)
	}
	if !db.Tables["_hoard_rows"].Hidden {
		t.Error("bookkeeping tables are not hidden")
	}
}

func TestPlainKey(t *testing.T) {
	for in, want := range map[string]string{
		"abc": "abc", `["https://x/",1700000000123456]`: "https://x/ | 1700000000123456",
		`["a",null,true,{"b":1}]`: `a |  | true | {"b":1}`, `[broken`: `[broken`,
	} {
		if got := plainKey(in); got != want {
			t.Errorf("plainKey(%s) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkExport: a full export of 20,000 items, then an update that
// finds every one unchanged.
func BenchmarkExport(b *testing.B) {
	var items []dal.Item
	for i := range 20000 {
		items = append(items, visit(i, fmt.Sprintf("page %d about sqlite", i)))
	}
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "x.db")
		if _, err := Export(context.Background(), path, seq(items...), Options{}); err != nil {
			b.Fatal(err)
		}
		if _, err := Export(context.Background(), path, seq(items...), Options{Update: true}); err != nil {
			b.Fatal(err)
		}
	}
}
