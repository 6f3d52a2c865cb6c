package dal

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// makeDB creates a SQLite file with the statements, in WAL mode like a
// live browser profile.
func makeDB(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
}

// placesDB writes a small database shaped like Firefox's places.sqlite.
func placesDB(t *testing.T, path string) {
	makeDB(t, path,
		`CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)`,
		`INSERT INTO moz_places VALUES (1, 'https://example.org/', 'Example'), (2, 'https://go.dev/', NULL), (3, 'https://example.org/b', 'B')`)
}

func TestSQLiteCompressedAndBroken(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(t.TempDir(), "places.sqlite")
	placesDB(t, plain)
	data, _ := os.ReadFile(plain)
	var zbuf bytes.Buffer
	zw, _ := zstd.NewWriter(&zbuf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(filepath.Join(dir, "20240101T120000Z.sqlite.zst"), zbuf.Bytes(), 0o644)
	garbage := writeSnap(t, dir, 5, "sqlite", "this is not a database, it is text that is long enough to look like a header.......")
	res := mergeDir(t, dir, Spec{Source: "b", Key: []string{"id"}, Queries: map[string]string{"places": "SELECT * FROM moz_places"}})
	errs := res.Errors()
	if len(res.Items) != 3 || len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), garbage+": ") {
		t.Errorf("items %d errors %v", len(res.Items), errs)
	}
	// Generic SQLite needs queries, and uses them.
	res = mergeDir(t, dir, Spec{Source: "g", Key: []string{"id"}})
	if errs := res.Errors(); len(errs) != 2 || !strings.Contains(errs[0].Error(), "needs queries") {
		t.Errorf("errors %v", errs)
	}
	res = mergeDir(t, dir, Spec{Source: "g", Key: []string{"id"}, Queries: map[string]string{"places": "SELECT id, url, title, 1.5 AS f, x'00ff' AS b FROM moz_places"}})
	if len(res.Items) != 3 || string(res.Items[1].Raw) != `{"id":2,"url":"https://go.dev/","title":null,"f":1.5,"b":"AP8="}` {
		t.Errorf("got %s", describeItems(res))
	}
}

func TestCSVDecoder(t *testing.T) {
	p := writeSnap(t, t.TempDir(), 0, "csv", "id,name\n1,\"a, \"\"b\"\"\"\n2\n3,c\n4,\"bad\n")
	got, errs := records(t, "csv", p, Spec{})
	want := `items {"id":"1","name":"a, \"b\""}` + "\n" + `items {"id":"3","name":"c"}`
	if strings.Join(got, "\n") != want {
		t.Errorf("got %s", strings.Join(got, "\n"))
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "line 3: row has 1 fields, the header has 2") || !strings.Contains(errs[1].Error(), "line 5") {
		t.Errorf("errors %v", errs)
	}
}

func TestXMLDecoder(t *testing.T) {
	p := writeSnap(t, t.TempDir(), 0, "xml", `<?xml version="1.0"?><rss><channel><title>t</title>
<item id="1"><title>A &amp; B</title><category>x</category><category>y</category></item>
<item><title>C</title><enclosure url="u"/></item><item><title>broken</item></channel></rss>`)
	got, errs := records(t, "xml", p, Spec{Items: []string{"rss.channel.item"}})
	want := `rss.channel.item {"@id":"1","title":"A & B","category":["x","y"]}` + "\n" + `rss.channel.item {"title":"C","enclosure":{"@url":"u"}}`
	if strings.Join(got, "\n") != want {
		t.Errorf("got %s", strings.Join(got, "\n"))
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 3") {
		t.Errorf("errors %v", errs)
	}
}
