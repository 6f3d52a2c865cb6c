package dal

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/snapshot"
	"github.com/klauspost/compress/zstd"
)

// takeoutSpec reads three kinds from a Takeout, each from its members.
func takeoutSpec() Spec {
	return Spec{Source: "takeout", Kinds: map[string]KindSpec{
		"location": {Members: []string{"Takeout/Location History/Records.json"}, Items: "locations",
			Key: []string{"timestampMs", "latitudeE7", "longitudeE7"}, Time: "timestampMs", TimeUnit: "ms"},
		"activity": {Members: []string{"Takeout/My Activity/*/MyActivity.json"}, Key: []string{"header", "time", "title"}, Time: "time", URL: "titleUrl"},
		"chrome":   {Members: []string{"**/BrowserHistory.json"}, Items: "Browser History", Key: []string{"url", "time_usec"}, Time: "time_usec", TimeUnit: "us"},
	}}
}

// TestTakeoutArchives reads the Takeout-like zip (made by Info-ZIP's zip)
// and tgz (GNU tar): kinds choose their members by glob, the items are at
// their paths, times are exact, the member cut short is an error naming
// the archive and the member, and the other members are read; zip and tar
// give the same items.
func TestTakeoutArchives(t *testing.T) {
	var outs []string
	for _, ext := range []string{"zip", "tgz"} {
		dir := t.TempDir()
		data, err := os.ReadFile("testdata/archive/takeout-20240315T101500Z-001." + ext)
		if err != nil {
			t.Fatal(err)
		}
		p := writeSnap(t, dir, 0, ext, string(data))
		res := mergeDir(t, dir, takeoutSpec())
		errs := res.Errors()
		want := p + `: member "Takeout/My Activity/Maps/MyActivity.json": line 1, byte 1: unexpected end of file inside the value starting here (truncated?) (in item 1 of items)`
		if len(errs) != 1 || errs[0].Error() != want {
			t.Errorf("%s: errors %v\nwant %s", ext, errs, want)
		}
		kinds := map[string]int{}
		for _, it := range res.Items {
			kinds[it.Kind]++
		}
		if kinds["location"] != 3 || kinds["activity"] != 4 || kinds["chrome"] != 2 || len(res.Items) != 9 {
			t.Errorf("%s: kinds %v", ext, kinds)
		}
		byKey := map[string]Merged{}
		for _, it := range res.Items {
			byKey[it.Kind+" "+it.Key] = it
		}
		for key, want := range map[string]string{
			`chrome ["https://www.sqlite.org/wal.html",1593250194663271]`:               "2020-06-27T09:29:54.663271Z",
			`location ["1593250194663",525163890,133777210]`:                            "2020-06-27T09:29:54.663Z",
			`activity ["YouTube","2021-03-15T20:00:00.5Z","Watched Backups explained"]`: "2021-03-15T20:00:00.5Z",
		} {
			if it, ok := byKey[key]; !ok || it.Time.Format(time.RFC3339Nano) != want {
				t.Errorf("%s: %s: %v, want time %s", ext, key, it.Time, want)
			}
		}
		if it := byKey[`activity ["Search","2021-03-15T10:05:00Z","Searched for Zürich Café ☕"]`]; it.URL != "https://www.google.com/search?q=Z%C3%BCrich+Caf%C3%A9" {
			t.Errorf("%s: url %q", ext, it.URL)
		}
		outs = append(outs, strings.ReplaceAll(describeItems(res), p, "ARCHIVE"))
	}
	if outs[0] != outs[1] {
		t.Errorf("zip and tgz differ:\n%s\n%s", outs[0], outs[1])
	}
}

// TestArchiveMergesAcrossSnapshots: two takeouts, the second with an item
// gone and one new, merge as union; the known-version fast path gives the
// same result as scanning everything.
func TestArchiveMergesAcrossSnapshots(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "zip", string(zipOf(t, map[string]string{"a/items.json": `[{"id":1,"v":"x"},{"id":2}]`})))
	writeSnap(t, dir, 1, "zip", string(zipOf(t, map[string]string{"a/items.json": `[{"id":2},{"id":3}]`})))
	var outs []string
	for _, scanAll := range []bool{false, true} {
		l, err := snapshot.ListDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		spec := Spec{Kinds: map[string]KindSpec{"things": {Members: []string{"a/*.json"}, Key: []string{"id"}}}}
		m := newMerger(&spec, l.Snapshots, Options{})
		m.scanAll = scanAll
		m.run(t.Context())
		items, invalid := m.finish(1)
		outs = append(outs, describeItems(&Result{Spec: spec, Items: items, Files: m.files, Invalid: invalid, env: m.env}))
	}
	if outs[0] != outs[1] || len(strings.Split(strings.TrimSpace(outs[0]), "\n")) != 3 || !strings.Contains(outs[0], "[0,1] {\"id\":2}") {
		t.Errorf("known-version path:\n%s\nscanning all:\n%s", outs[0], outs[1])
	}
}

func zipOf(t testing.TB, members map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedNames(members) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(members[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarOf(t testing.TB, members map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range sortedNames(members) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(members[name])), ModTime: day(0), Typeflag: tar.TypeReg})
		tw.Write([]byte(members[name]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedNames(m map[string]string) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	return names
}

func gz(data []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func zst(data []byte) []byte {
	var buf bytes.Buffer
	w, _ := zstd.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// TestArchiveForms: the members read and their kinds, for every way of
// choosing them, in every container form.
func TestArchiveForms(t *testing.T) {
	members := map[string]string{
		"x/a.json":      `[{"id":1}]`,
		"x/b.jsonl":     "{\"id\":2}\n",
		"x/c.csv":       "id\n3\n",
		"x/d.json.gz":   string(gz([]byte(`[{"id":4}]`))),
		"x/notes.txt":   "not read",
		"x/photo.jpg":   "\xff\xd8",
		"x/obj.json":    `{"list":[{"id":5}]}`,
		"deep/e/f.json": `[{"id":6}]`,
	}
	for _, c := range []struct {
		name string
		spec Spec
		want []string
		err  string
	}{
		{"defaults", Spec{}, []string{`items {"id":6}`, `items {"id":1}`, `items {"id":2}`, `items {"id":"3"}`, `items {"id":4}`}, `member "x/obj.json": the document is an object`},
		{"source-wide members", Spec{Members: []string{"x/*.json", "x/*.json.gz"}}, []string{`items {"id":1}`, `items {"id":4}`}, `member "x/obj.json": the document is an object`},
		{"source-wide items", Spec{Members: []string{"x/obj.json"}, Items: []string{"list"}}, []string{`list {"id":5}`}, ""},
		{"kinds", Spec{Kinds: map[string]KindSpec{
			"objs":  {Members: []string{"x/obj.json"}, Items: "list"},
			"deep":  {Members: []string{"**/f.json"}},
			"lines": {Members: []string{"x/*.jsonl"}},
		}}, []string{`deep {"id":6}`, `lines {"id":2}`, `objs {"id":5}`}, ""},
		{"a kind with no member", Spec{Kinds: map[string]KindSpec{"gone": {Members: []string{"y/*.json"}}}}, nil, `no member matches kinds.gone.members ["y/*.json"]`},
		{"a member no decoder reads", Spec{Kinds: map[string]KindSpec{"notes": {Members: []string{"x/notes.txt"}}}}, nil, `member "x/notes.txt": no decoder for the extension "txt" of this member, chosen by kinds.notes.members: set kinds.notes.decoder`},
		{"a kind's decoder", Spec{Kinds: map[string]KindSpec{"notes": {Members: []string{"x/notes.txt"}, Decoder: JSONL}}}, nil, `member "x/notes.txt": line 1: unexpected 'r' after the value`},
	} {
		for _, form := range []struct {
			ext  string
			data []byte
		}{
			{"zip", zipOf(t, members)},
			{"zip.zst", zst(zipOf(t, members))},
			{"tar", tarOf(t, members)},
			{"tar.gz", gz(tarOf(t, members))},
			{"tgz", gz(tarOf(t, members))},
			{"tar.zst", zst(tarOf(t, members))},
		} {
			p := writeSnap(t, t.TempDir(), 0, form.ext, string(form.data))
			got, errs := records(t, "archive", p, c.spec)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%s, %s: records\n%s\nwant\n%s", c.name, form.ext, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			checkOneErr(t, errs, c.err, p)
		}
	}
}

// TestArchiveSQLiteMember: a member that only a file can hold (SQLite)
// is copied to a temporary file, read with the source's queries, and the
// copy removed; its errors name the archive and member.
func TestArchiveSQLiteMember(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "KoboReader.sqlite")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"CREATE TABLE Bookmark (BookmarkID TEXT, Text TEXT, DateCreated TEXT)",
		"INSERT INTO Bookmark VALUES ('b1', 'Ein Satz', '2021-03-15T10:00:00.000')"} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	raw, _ := os.ReadFile(dbPath)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p := writeSnap(t, t.TempDir(), 0, "zip", string(zipOf(t, map[string]string{".kobo/KoboReader.sqlite": string(raw)})))
	spec := Spec{Queries: map[string]string{"bookmarks": "SELECT * FROM Bookmark"}, Kinds: map[string]KindSpec{"device": {Members: []string{".kobo/KoboReader.sqlite"}}}}
	got, errs := records(t, "archive", p, spec)
	if len(errs) > 0 || strings.Join(got, "\n") != `bookmarks {"BookmarkID":"b1","Text":"Ein Satz","DateCreated":"2021-03-15T10:00:00.000"}` {
		t.Errorf("records %v errors %v", got, errs)
	}
	spec.Queries["bookmarks"] = "SELECT * FROM Nope"
	_, errs = records(t, "archive", p, spec)
	checkOneErr(t, errs, `member ".kobo/KoboReader.sqlite": query bookmarks: SQL logic error: no such table: Nope`, p)
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestArchiveGarbage: broken archives are errors naming the file.
func TestArchiveGarbage(t *testing.T) {
	good := zipOf(t, map[string]string{"a.json": `[1,2,3]`})
	for _, c := range []struct {
		ext, data, want string
	}{
		{"zip", string(good[:len(good)/2]), "not a readable zip archive (truncated?)"},
		{"zip", "", "empty file"},
		{"tar", "garbage garbage", "not a zip or tar archive"},
		{"tar", string(tarOf(t, map[string]string{"a.json": strings.Repeat(" ", 2000) + "[1]"})[:1500]), `reading the tar stream after 1 members (truncated?): unexpected EOF`},
	} {
		p := writeSnap(t, t.TempDir(), 0, c.ext, c.data)
		_, errs := records(t, "archive", p, Spec{})
		if len(errs) == 0 || !strings.Contains(fmt.Sprint(errs), c.want) || !strings.HasPrefix(errs[0].Error(), p) {
			t.Errorf("%q...: errors %v, want one naming the file with %q", c.data[:min(10, len(c.data))], errs, c.want)
		}
	}
}

func TestMatchGlob(t *testing.T) {
	for _, c := range []struct {
		pat, name string
		want      bool
	}{
		{"Takeout/*/MyActivity.json", "Takeout/Search/MyActivity.json", true},
		{"Takeout/*/MyActivity.json", "Takeout/My Activity/Search/MyActivity.json", false},
		{"**/MyActivity.json", "Takeout/My Activity/Search/MyActivity.json", true},
		{"**/MyActivity.json", "MyActivity.json", true},
		{"Takeout/**", "Takeout/a/b", true},
		{"a/**/b/*.json", "a/x/y/b/c.json", true},
		{"a/**/b/*.json", "a/b/c.json", true},
		{"a/**/b/*.json", "a/b/c/d.json", false},
		{"data/tweets*.js", "data/tweets-part1.js", true},
		{"[a-c].json", "b.json", true},
	} {
		if got := matchGlob(c.pat, c.name); got != c.want {
			t.Errorf("%q ~ %q: %v", c.pat, c.name, got)
		}
	}
	if err := checkGlob("members", "a/[b"); err == nil {
		t.Error("a bad pattern passed")
	}
}

// TestMemberKindsOnlyInArchives: a plain JSON snapshot in a source whose
// kinds name archive members (a Records.json imported beside takeouts) is
// not read with those kinds' items paths.
func TestMemberKindsOnlyInArchives(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "zip", string(zipOf(t, map[string]string{"T/Records.json": `{"locations":[{"t":1}]}`})))
	p := writeSnap(t, dir, 1, "json", `[{"t":2}]`)
	spec := Spec{Kinds: map[string]KindSpec{"location": {Members: []string{"T/Records.json"}, Items: "locations", Key: []string{"t"}}}}
	res := mergeDir(t, dir, spec)
	if errs := res.Errors(); len(errs) > 0 || len(res.Items) != 2 || res.Items[0].Kind != "location" || res.Items[1].Kind != DefaultKind {
		t.Errorf("items %s errors %v (%s)", describeItems(res), errs, p)
	}
}
