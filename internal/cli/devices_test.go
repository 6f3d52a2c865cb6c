package cli_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sourceTestdata reads a built-in source's fixture.
func sourceTestdata(t *testing.T, pkg, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "source", pkg, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sqliteFrom makes the database at path from a fixture's SQL script.
func sqliteFrom(t *testing.T, path string, script []byte) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o700)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(string(script)); err != nil {
		t.Fatal(err)
	}
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// nextSecond waits until the wall clock is past the second of t, so that
// the next snapshot has a stamp of its own (stamps are to the second).
func nextSecond(t time.Time) {
	for time.Now().Unix() <= t.Unix() {
		time.Sleep(20 * time.Millisecond)
	}
}

type itemLine struct {
	Kind, Key, Time, Title, Text string
	FirstSeen                    string `json:"first_seen"`
	LastSeen                     string `json:"last_seen"`
}

func parseItems(t *testing.T, out string) []itemLine {
	t.Helper()
	var items []itemLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var it itemLine
		if err := json.Unmarshal([]byte(l), &it); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		items = append(items, it)
	}
	return items
}

// TestKoboDeletedBook is the acceptance case: three exports of a
// Kobo's database, a book and its highlights deleted from the reader
// before the second; `hoard items kobo` (through the index, and with
// --no-cache: the same bytes) still holds every highlight, each with its
// first and last sighting.
func TestKoboDeletedBook(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	mount := filepath.Join(e.home, "media", "KOBOeReader")
	db := filepath.Join(mount, ".kobo", "KoboReader.sqlite")
	sqliteFrom(t, db, sourceTestdata(t, "kobo", "KoboReader-fw4.sql"))
	e.writeConfig("[sources.kobo]\nexporter = \"kobo\"\npath = \"" + db + "\"\nwhen_present = \"" + mount + "\"\ncompression = \"zstd\"\n")
	run := func() {
		t.Helper()
		start := time.Now()
		if out, stderr, code := e.run("run", "kobo"); code != 0 {
			t.Fatalf("hoard run kobo: exit %d\n%s%s", code, out, stderr)
		}
		nextSecond(start)
	}
	run()
	murakami := "file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub"
	execSQL(t, db, // the book is deleted on the reader: its highlights go with it
		"DELETE FROM Bookmark WHERE VolumeID = '"+murakami+"'",
		"DELETE FROM content WHERE ContentID = '"+murakami+"' OR BookID = '"+murakami+"'",
		`INSERT INTO Bookmark (BookmarkID, VolumeID, ContentID, StartContainerPath, StartContainerChildIndex, StartOffset, EndContainerPath, EndContainerChildIndex, EndOffset, Text, DateCreated, Type)
		 VALUES ('new-0001', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b!OEBPS!Text/chapter05.xhtml', 'span#kobo\.9\.1', 0, 0, 'span#kobo\.9\.2', 0, 5, 'A new highlight.', '2025-03-01T09:00:00Z', 'highlight')`)
	run()
	execSQL(t, db, `UPDATE Bookmark SET Annotation = 'Nusuth: no matter.', DateModified = '2025-03-02T08:00:00Z' WHERE BookmarkID = '5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11'`)
	run()

	snaps := e.snapshots("kobo")
	if len(snaps) != 3 {
		t.Fatalf("%d snapshots", len(snaps))
	}
	stamp := func(i int) string { return snaps[i].Time.UTC().Format(time.RFC3339) }
	cached, stderr, code := e.run("items", "kobo")
	if code != 0 || stderr != "" {
		t.Fatalf("hoard items kobo: exit %d\n%s", code, stderr)
	}
	direct, stderr, code := e.run("items", "kobo", "--no-cache")
	if code != 0 || stderr != "" || direct != cached {
		t.Fatalf("--no-cache: exit %d, %s\nindex:\n%s\nsnapshots:\n%s", code, stderr, cached, direct)
	}
	seen := map[string]itemLine{}
	kinds := map[string]int{}
	for _, it := range parseItems(t, cached) {
		seen[it.Key] = it
		kinds[it.Kind]++
	}
	if kinds["highlights"] != 6 || kinds["annotations"] != 2 || kinds["bookmarks"] != 1 || kinds["books"] != 4 {
		t.Errorf("kinds %v: every highlight ever seen, the deleted book's too", kinds)
	}
	for key, want := range map[string][2]string{
		"a7d2e9f0-0004-4c3b-8e21-93f0c1d2e3f4": {stamp(0), stamp(0)}, // the deleted book's highlights
		"a7d2e9f0-0005-4c3b-8e21-93f0c1d2e3f4": {stamp(0), stamp(0)},
		"a7d2e9f0-0006-4c3b-8e21-93f0c1d2e3f4": {stamp(0), stamp(0)},
		murakami:                               {stamp(0), stamp(0)},
		"5b1c3e2a-0001-4d8e-9a51-7f2b8c9d0e11": {stamp(0), stamp(2)},
		"5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11": {stamp(0), stamp(2)},
		"new-0001":                             {stamp(1), stamp(2)},
	} {
		it, ok := seen[key]
		if !ok || it.FirstSeen != want[0] || it.LastSeen != want[1] {
			t.Errorf("%s: present %v, first seen %s, last seen %s; want %s, %s", key, ok, it.FirstSeen, it.LastSeen, want[0], want[1])
		}
	}
	if h := seen["a7d2e9f0-0004-4c3b-8e21-93f0c1d2e3f4"]; h.Time != "2025-01-03T13:14:15Z" || h.Title != "ノルウェイの森" || h.Text != "死は生の対極としてではなく、その一部として存在している。" {
		t.Errorf("the deleted book's highlight %+v", h)
	}
	if a := seen["5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11"]; !strings.HasPrefix(a.Text, "Nusuth: no matter.") {
		t.Errorf("the edited annotation is not in its newest version: %q", a.Text)
	}
	// a search through the index finds the deleted book's highlights (by
	// the book's title: FTS5's unicode61 tokenizer keeps a run of CJK
	// characters as one word)
	found, _, code := e.run("items", "kobo", "--search", "ノルウェイの森")
	if code != 0 || !strings.Contains(found, "a7d2e9f0-0004-4c3b-8e21-93f0c1d2e3f4") {
		t.Errorf("search: exit %d\n%s", code, found)
	}
}

// TestDeviceSourcesListedAndReadable: hoard sources lists the six with
// their categories, and `hoard items --dir DIR --decoder NAME` reads
// files people already have with each, with no config.
func TestDeviceSourcesListedAndReadable(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	out, _, code := e.run("sources", "--json")
	var infos []struct{ Name, Category string }
	if err := json.Unmarshal([]byte(out), &infos); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	cat := map[string]string{}
	for _, in := range infos {
		cat[in.Name] = in.Category
	}
	for name, want := range map[string]string{"kobo": "device", "kindle": "device", "bluemaestro": "device", "gpx": "device", "sms-backup": "phone app", "whatsapp": "phone app"} {
		if cat[name] != want {
			t.Errorf("%s: category %q, want %q", name, cat[name], want)
		}
	}
	table, _, _ := e.run("sources")
	for _, name := range []string{"kobo", "kindle", "sms-backup", "whatsapp", "bluemaestro", "gpx"} {
		if !strings.Contains(table, name) {
			t.Errorf("the table lacks %s", name)
		}
	}

	dir := func(name string) string { return filepath.Join(e.home, "have", name) }
	sqliteFrom(t, filepath.Join(dir("kobo"), "KoboReader-2024-05-01.sqlite"), sourceTestdata(t, "kobo", "KoboReader-fw2.sql"))
	sqliteFrom(t, filepath.Join(dir("whatsapp"), "msgstore-20200601.db"), sourceTestdata(t, "whatsapp", "msgstore-2020.sql"))
	sqliteFrom(t, filepath.Join(dir("bluemaestro"), "bm-20200826.db"), sourceTestdata(t, "bluemaestro", "tempo-plus.sql"))
	for _, f := range []struct{ dir, name, pkg, fixture string }{
		{"kindle", "clippings-2025-04-03.txt", "kindle", "My Clippings.txt"},
		{"sms-backup", "sms-20240301120000.xml", "sms-backup", "sms-20240301120000.xml"},
		{"sms-backup", "calls-20240301120005.xml", "sms-backup", "calls-20240301120005.xml"},
		{"gpx", "2024-03-10-run.gpx", "gpx", "strava-run.gpx"},
	} {
		os.MkdirAll(dir(f.dir), 0o700)
		os.WriteFile(filepath.Join(dir(f.dir), f.name), sourceTestdata(t, f.pkg, f.fixture), 0o600)
	}
	for name, want := range map[string]int{"kobo": 5, "whatsapp": 3, "bluemaestro": 320, "kindle": 22, "sms-backup": 18, "gpx": 601} {
		out, stderr, code := e.run("items", "--dir", dir(name), "--decoder", name)
		if code != 0 || stderr != "" {
			t.Errorf("%s: exit %d\n%s", name, code, stderr)
			continue
		}
		if n := len(parseItems(t, out)); n != want {
			t.Errorf("%s: %d items, want %d", name, n, want)
		}
	}
	// the decoders' errors name the file, in --dir mode too
	bad := filepath.Join(e.home, "have", "bad")
	os.MkdirAll(bad, 0o700)
	os.WriteFile(filepath.Join(bad, "sms-20240101000000.xml"), []byte("<rss/>"), 0o600)
	_, stderr, code := e.run("items", "--dir", bad, "--decoder", "sms-backup")
	if code == 0 || !strings.Contains(stderr, "sms-20240101000000.xml") || !strings.Contains(stderr, "not an SMS Backup & Restore file") {
		t.Errorf("a bad file: exit %d\n%s", code, stderr)
	}
}
