package kobo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
)

// fixture returns the bytes of the database made by testdata/NAME.sql,
// and more statements.
func fixture(t testing.TB, name string, more ...string) []byte {
	t.Helper()
	return dectest.SQLiteScript(t, filepath.Join("testdata", name+".sql"), more...)
}

func TestConformance(t *testing.T) {
	for _, fw := range []string{"KoboReader-fw4", "KoboReader-fw2"} {
		t.Run(fw, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/" + fw + ".golden",
				Sample: func(t testing.TB) []byte { return fixture(t, fw) }})
		})
	}
}

// read merges the given databases, one snapshot a day, with the
// decoder's defaults.
func read(t *testing.T, dbs ...[]byte) *dal.Result {
	t.Helper()
	dir := t.TempDir()
	for i, db := range dbs {
		dectest.WriteSnap(t, dir, i, "sqlite", db)
	}
	res := dectest.Merge(t, dir, dal.Spec{Source: "kobo", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	return res
}

// line is an item's kind, key, UTC time (or "-"), title and text.
func line(it dal.Item) string {
	when := "-"
	if !it.Time.IsZero() {
		when = it.Time.Format(time.RFC3339Nano)
	}
	return strings.Join([]string{it.Kind, it.Key, when, it.Title, strings.ReplaceAll(it.Text, "\n", `\n`)}, " | ")
}

func lines(res *dal.Result) string {
	var out []string
	for _, m := range res.Items {
		out = append(out, line(m.Item))
	}
	return strings.Join(out, "\n")
}

// TestFirmware4: every kind of a recent database, with exact keys, UTC
// times, titles and texts.
func TestFirmware4(t *testing.T) {
	got := lines(read(t, fixture(t, "KoboReader-fw4")))
	want := strings.Join([]string{
		// the unread book has no time: it comes first
		"books | file:///mnt/onboard/Huxley/Schöne neue Welt.kepub.epub | - | Schöne neue Welt | Aldous Huxley",
		"highlights | 0d0d0d0d-0007-4000-8000-000000000007 | 2023-06-01T10:00:00Z |  | A highlight whose book was deleted.",
		"highlights | 5b1c3e2a-0001-4d8e-9a51-7f2b8c9d0e11 | 2024-02-10T21:33:05Z | The Left Hand of Darkness | I'll make my report as if I told a story, for I was taught as a child on my homeworld that Truth is a matter of the imagination.",
		"annotations | 5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11 | 2024-02-12T07:02:59Z | The Left Hand of Darkness | The Foretellers — cf. Orgota 🌑\\nNusuth.\\n\\n“To learn which questions are unanswerable, and not to answer them: this skill is most needful in times of stress and darkness.”",
		"bookmarks | 5b1c3e2a-0003-4d8e-9a51-7f2b8c9d0e11 | 2024-02-15T20:00:00Z | The Left Hand of Darkness | The Domestication of Hunch",
		"books | 9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b | 2024-03-01T18:04:11Z | The Left Hand of Darkness | Ursula K. Le Guin",
		"highlights | a7d2e9f0-0004-4c3b-8e21-93f0c1d2e3f4 | 2025-01-03T13:14:15Z | ノルウェイの森 | 死は生の対極としてではなく、その一部として存在している。",
		"highlights | a7d2e9f0-0005-4c3b-8e21-93f0c1d2e3f4 | 2025-01-04T09:00:01Z | ノルウェイの森 | 僕は三十七歳で、\\nそのときボーイング747のシートに座っていた。",
		"annotations | a7d2e9f0-0006-4c3b-8e21-93f0c1d2e3f4 | 2025-01-05T22:30:45Z | ノルウェイの森 | ",
		"books | file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub | 2025-01-05T22:41:07Z | ノルウェイの森 | 村上 春樹",
		"highlights | e1e2e3e4-0008-4f00-a000-000000000008 | 2025-02-20T07:41:12Z | Why SQLite succeeded 🚀 | Most people never read the manual.",
		"books | https://example.org/articles/why-sqlite | 2025-02-20T07:45:00Z | Why SQLite succeeded 🚀 | example.org",
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFirmware2: an old database without Type: kinds come from the text
// and annotation, times without a zone are UTC.
func TestFirmware2(t *testing.T) {
	got := lines(read(t, fixture(t, "KoboReader-fw2")))
	want := strings.Join([]string{
		"highlights | 2c6f1a9e-1111-4b1d-8e7a-000000000001 | 2013-11-01T21:05:10Z | Анна Каренина | Все счастливые семьи похожи друг на друга, каждая несчастливая семья несчастлива по-своему.",
		"books | file:///mnt/onboard/Tolstoy/Анна Каренина.epub | 2013-11-02T08:12:45Z | Анна Каренина | Лев Толстой",
		"annotations | 2c6f1a9e-2222-4b1d-8e7a-000000000002 | 2014-06-02T06:58:00Z | Pride and Prejudice | Ironie dès la première phrase — à relire.\\n\\nIt is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
		"bookmarks | 2c6f1a9e-3333-4b1d-8e7a-000000000003 | 2014-06-15T22:10:03Z | Pride and Prejudice | ",
		"books | file:///mnt/sd/Austen/Pride and Prejudice.epub | 2014-06-30T19:20:21Z | Pride and Prejudice | Jane Austen",
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestNoSecrets: the device's account tokens (table user) are in the
// snapshot, as the device holds them, but never in an item.
func TestNoSecrets(t *testing.T) {
	for _, m := range read(t, fixture(t, "KoboReader-fw4")).Items {
		if strings.Contains(string(m.Raw), "NEVER-READ") || strings.Contains(string(m.Raw), "reader@example.org") {
			t.Errorf("%s item %s holds the account's details: %s", m.Kind, m.Key, m.Raw)
		}
	}
}

// deleteBook is SQL removing a book, its chapters and its bookmarks, as
// the reader does when a book is deleted from it.
func deleteBook(id string) []string {
	q := strings.ReplaceAll(id, "'", "''")
	return []string{
		"DELETE FROM Bookmark WHERE VolumeID = '" + q + "'",
		"DELETE FROM content WHERE ContentID = '" + q + "' OR BookID = '" + q + "' OR ContentID LIKE '" + q + "#%'",
	}
}

// TestUnionKeepsDeletedBook is the case at the level of the
// data access layer: the Japanese book and its highlights are deleted
// from the reader before the second snapshot; the union still holds them,
// last seen in the first.
func TestUnionKeepsDeletedBook(t *testing.T) {
	murakami := "file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub"
	first := fixture(t, "KoboReader-fw4")
	second := fixture(t, "KoboReader-fw4", deleteBook(murakami)...)
	third := fixture(t, "KoboReader-fw4", append(deleteBook(murakami),
		`UPDATE Bookmark SET Annotation = 'Nusuth: no matter.', DateModified = '2024-03-02T08:00:00Z' WHERE BookmarkID = '5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11'`)...)
	res := read(t, first, second, third)
	seen := map[string][2]int{}
	for _, m := range res.Items {
		seen[m.Key] = [2]int{m.First.Snap, m.Last.Snap}
	}
	for key, want := range map[string][2]int{
		"a7d2e9f0-0004-4c3b-8e21-93f0c1d2e3f4": {0, 0}, // highlights of the deleted book
		"a7d2e9f0-0005-4c3b-8e21-93f0c1d2e3f4": {0, 0},
		"a7d2e9f0-0006-4c3b-8e21-93f0c1d2e3f4": {0, 0},
		murakami:                               {0, 0}, // the book itself
		"5b1c3e2a-0001-4d8e-9a51-7f2b8c9d0e11": {0, 2}, // still on the reader
		"5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11": {0, 2},
	} {
		if got, ok := seen[key]; !ok || got != want {
			t.Errorf("%s: first/last seen in snapshots %v (present %v), want %v", key, got, ok, want)
		}
	}
	if len(res.Items) != 12 {
		t.Errorf("%d items, want the 12 of the first snapshot", len(res.Items))
	}
	for _, m := range res.Items {
		if m.Key == "5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11" && !strings.HasPrefix(m.Text, "Nusuth: no matter.") {
			t.Errorf("the annotation is not in its newest version: %q", m.Text)
		}
	}
}

func TestNotAKoboDatabase(t *testing.T) {
	dir := t.TempDir()
	p := dectest.WriteSnap(t, dir, 0, "sqlite", dectest.SQLite(t, "CREATE TABLE moz_places (id INTEGER, url TEXT)"))
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	dectest.OneError(t, r.Errs, "no table Bookmark with a ContentID column: not a Kobo e-reader's KoboReader.sqlite", p)
}

// TestLargeDatabase: a reader's worth of books and highlights (a heavy
// reader's: 400 books, 8,000 bookmarks) reads completely.
func TestLargeDatabase(t *testing.T) {
	stmts := []string{"BEGIN"}
	for b := range 400 {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO content (ContentID, ContentType, MimeType, Title, Attribution, DateLastRead, ReadStatus, ___UserID, ___PercentRead)
VALUES ('file:///mnt/onboard/gen/book%03d.epub', '6', 'application/epub+zip', 'Book %d — «%d»', 'Author %d', '2024-%02d-%02dT10:00:00Z', 1, 'adobe_user', %d)`,
			b, b, b, b%37, b%12+1, b%28+1, b%101))
		for h := range 20 {
			kind := []string{"highlight", "note", "dogear", "highlight"}[h%4]
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO Bookmark (BookmarkID, VolumeID, ContentID, StartContainerPath, StartContainerChildIndex, StartOffset,
  EndContainerPath, EndContainerChildIndex, EndOffset, Text, Annotation, DateCreated, Type)
VALUES ('gen-%03d-%02d', 'file:///mnt/onboard/gen/book%03d.epub', 'file:///mnt/onboard/gen/book%03d.epub#(1)ch.xhtml', 'span#kobo\.%d\.1', 0, 0, 'span#kobo\.%d\.2', 0, 9,
  %s, %s, '20%02d-%02d-%02dT%02d:%02d:00.000', '%s')`,
				b, h, b, b, h, h, textOf(kind, b, h), noteOf(kind, b, h), 13+b%12, h%12+1, b%28+1, h, b%60, kind))
		}
	}
	db := fixture(t, "KoboReader-fw4", append(stmts, "COMMIT")...)
	res := read(t, db)
	count := map[string]int{}
	for _, m := range res.Items {
		count[m.Kind]++
	}
	if count["books"] != 404 || count["highlights"] != 4000+5 || count["annotations"] != 2000+2 || count["bookmarks"] != 2000+1 {
		t.Errorf("kinds %v", count)
	}
}

func textOf(kind string, b, h int) string {
	if kind == "dogear" {
		return "NULL"
	}
	return fmt.Sprintf("'Passage %d of book %d: ünïcödé ✓'", h, b)
}

func noteOf(kind string, b, h int) string {
	if kind != "note" {
		return "NULL"
	}
	return fmt.Sprintf("'Note %d/%d'", b, h)
}

func TestDetect(t *testing.T) {
	root := t.TempDir()
	media := filepath.Join(root, "media", "me")
	runMedia := filepath.Join(root, "run", "media", "me")
	for _, dir := range []string{filepath.Join(media, Volume), filepath.Join(runMedia, Volume)} {
		os.MkdirAll(filepath.Join(dir, ".kobo"), 0o755)
		os.WriteFile(filepath.Join(dir, DBPath), []byte("SQLite format 3\x00"), 0o644)
	}
	os.MkdirAll(filepath.Join(root, "media", "KOBOeReader", ".kobo"), 0o755) // mounted, but no database
	env := source.Env{Home: t.TempDir(), GOOS: "linux", Getenv: func(string) string { return "" },
		Mounts: []string{media, runMedia, filepath.Join(root, "media")}}
	found := detect(env)
	if len(found) != 2 || found[0].Name != "kobo" || found[1].Name != "kobo-2" {
		t.Fatalf("found %+v", found)
	}
	f := found[0]
	f.Source = Source
	cfg := f.Config()
	for _, want := range []string{
		"[sources.kobo]", `exporter = "kobo"`,
		fmt.Sprintf("path = %q", filepath.Join(media, "KOBOeReader/.kobo/KoboReader.sqlite")),
		fmt.Sprintf("when_present = %q", filepath.Join(media, "KOBOeReader")),
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("stanza lacks %s:\n%s", want, cfg)
		}
	}
	if got := detect(source.Env{Home: t.TempDir(), GOOS: "linux", Getenv: func(string) string { return "" }}); len(got) != 0 {
		t.Errorf("no mounts, found %+v", got)
	}
}
