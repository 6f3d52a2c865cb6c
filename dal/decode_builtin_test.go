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

func TestShellDecoders(t *testing.T) {
	tests := []struct {
		dec, content string
		want         []string
		wantErr      string
	}{
		{"bash", "ls\n\ncd /tmp\n", []string{`{"command":"ls"}`, `{"command":"cd /tmp"}`}, ""},
		{"bash", "old\n#1700000000\nfor i in 1 2; do\n  echo $i\ndone\n#1700000060\ngit status", []string{
			`{"command":"old"}`, `{"command":"for i in 1 2; do\n  echo $i\ndone","time":1700000000}`, `{"command":"git status","time":1700000060}`}, ""},
		{"zsh", ": 1700000000:3;make test\n: 1700000010:0;echo 'a\\\nb'\nplain\n: broken;x\n", []string{
			`{"command":"make test","time":1700000000,"duration":3}`, `{"command":"echo 'a\nb'","time":1700000010,"duration":0}`,
			`{"command":"plain"}`, `{"command":": broken;x"}`}, "line 5: malformed extended history line"},
		{"zsh", ": 1700000000:0;echo \xe6\x83\xb7\xa5\n", []string{`{"command":"echo 日","time":1700000000,"duration":0}`}, ""},
		{"fish", "- cmd: echo a\\nb \\\\ c\n  when: 1700000000\n  paths:\n    - /tmp\n- cmd: ls\n  when: 1700000001\nbogus\n", []string{
			`{"command":"echo a\nb \\ c","time":1700000000,"paths":["/tmp"]}`, `{"command":"ls","time":1700000001}`}, "line 7: unexpected line"},
	}
	for _, tt := range tests {
		t.Run(tt.dec, func(t *testing.T) {
			p := writeSnap(t, t.TempDir(), 0, "txt", tt.content)
			got, errs := records(t, tt.dec, p, Spec{})
			for i := range got {
				got[i] = strings.TrimPrefix(got[i], "commands ")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			checkOneErr(t, errs, tt.wantErr, p)
		})
	}
}

func TestShellMergeBySourceName(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "txt", ": 1700000000:0;ls\n: 1700000001:0;pwd\n")
	writeSnap(t, dir, 1, "txt", ": 1700000001:0;pwd\n: 1700000002:0;ls\n") // HISTSIZE=2
	res := mergeDir(t, dir, Spec{Source: "zsh-2"})
	if len(res.Items) != 3 || res.Items[2].Text != "ls" || res.Items[0].Key != `[1700000000,"ls"]` {
		t.Errorf("got %s", describeItems(res))
	}
}

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

func firefoxDB(t *testing.T, path string) {
	makeDB(t, path,
		`CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)`,
		`CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, from_visit INTEGER, place_id INTEGER, visit_date INTEGER, visit_type INTEGER)`,
		`INSERT INTO moz_places VALUES (1, 'https://example.org/', 'Example'), (2, 'https://go.dev/', NULL)`,
		`INSERT INTO moz_historyvisits VALUES (1, 0, 1, 1704067200000000, 1), (2, 1, 2, 1704067201500000, 1), (3, 0, 1, 1704067300000000, 2)`)
}

func TestFirefoxDecoder(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "20240101T120000Z.sqlite")
	firefoxDB(t, p)
	before, _ := os.ReadFile(p)
	res := mergeDir(t, dir, Spec{Source: "firefox"})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(res.Items) != 3 {
		t.Fatalf("got %s", describeItems(res))
	}
	it := res.Items[1]
	if it.Time.Format("2006-01-02T15:04:05.000Z07:00") != "2024-01-01T00:00:01.500Z" || it.URL != "https://go.dev/" || it.Title != "" ||
		it.Key != `["https://go.dev/",1704067201500000]` || it.Kind != "visits" {
		t.Errorf("item %+v", it)
	}
	if res.Items[0].Title != "Example" {
		t.Errorf("title %q", res.Items[0].Title)
	}
	assertUntouched(t, dir, p, before)
}

// assertUntouched checks that reading left the file byte for byte as it
// was and created nothing next to it (no journal, no WAL).
func assertUntouched(t *testing.T, dir, p string, before []byte) {
	t.Helper()
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Error("the snapshot was modified")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files next to the snapshot: %v", names)
	}
}

func TestChromiumDecoder(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "20240101T120000Z.sqlite")
	makeDB(t, p,
		`CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT, title TEXT)`,
		`CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER, visit_time INTEGER, transition INTEGER, visit_duration INTEGER)`,
		`INSERT INTO urls VALUES (1, 'https://example.org/', 'Ex')`,
		`INSERT INTO visits VALUES (1, 1, 13348540800000000, 805306368, 0)`) // 2024-01-01T00:00:00Z
	before, _ := os.ReadFile(p)
	for _, src := range []string{"chromium", "chrome-3"} {
		res := mergeDir(t, dir, Spec{Source: src})
		if len(res.Errors()) > 0 || len(res.Items) != 1 {
			t.Fatalf("%s: %s %v", src, describeItems(res), res.Errors())
		}
		if got := res.Items[0].Time.Format("2006-01-02T15:04:05Z07:00"); got != "2024-01-01T00:00:00Z" {
			t.Errorf("%s: time %s", src, got)
		}
	}
	assertUntouched(t, dir, p, before)
}

func TestSQLiteCompressedAndBroken(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(t.TempDir(), "places.sqlite")
	firefoxDB(t, plain)
	data, _ := os.ReadFile(plain)
	var zbuf bytes.Buffer
	zw, _ := zstd.NewWriter(&zbuf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(filepath.Join(dir, "20240101T120000Z.sqlite.zst"), zbuf.Bytes(), 0o644)
	garbage := writeSnap(t, dir, 5, "sqlite", "this is not a database, it is text that is long enough to look like a header.......")
	res := mergeDir(t, dir, Spec{Source: "b", Decoder: "firefox"})
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
	if len(res.Items) != 2 || string(res.Items[1].Raw) != `{"id":2,"url":"https://go.dev/","title":null,"f":1.5,"b":"AP8="}` {
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
