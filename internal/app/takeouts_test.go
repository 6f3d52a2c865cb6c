package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/archivetest"
	"github.com/hoard-dev/hoard/source"
)

// takeoutZip returns a zip of the files under a source's testdata
// directory, named relative to it; keep chooses them.
func takeoutZip(t *testing.T, pkg, dir string, keep func(name string) bool) []byte {
	t.Helper()
	return archivetest.ZipTree(t, filepath.Join("..", "..", "source", pkg, "testdata", dir), keep)
}

// putDownloaded writes a file as a finished download: older than the
// watch's settle time.
func putDownloaded(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(path, old, old)
}

// TestTakeoutSourcesEndToEnd: the exports of Google Takeout (two parts),
// X, Facebook, Instagram and Telegram Desktop are put where each lands
// (~/Downloads, Telegram Desktop's folder); detection writes the starter
// config as hoard init does; each source's watch imports them through the
// app's runner, and they read back through the index and without it, with
// their keys and exact UTC times.
func TestTakeoutSourcesEndToEnd(t *testing.T) {
	home := t.TempDir()
	dl := filepath.Join(home, "Downloads")
	inFirst := func(n string) bool {
		return strings.HasPrefix(n, "Takeout/YouTube") || strings.HasPrefix(n, "Takeout/My Activity/") && !strings.HasPrefix(n, "Takeout/My Activity/Drive/")
	}
	putDownloaded(t, filepath.Join(dl, "takeout-20240315T101500Z-001.zip"), takeoutZip(t, "google-takeout", "en", inFirst))
	putDownloaded(t, filepath.Join(dl, "takeout-20240315T101500Z-002.zip"), takeoutZip(t, "google-takeout", "en", func(n string) bool { return !inFirst(n) }))
	putDownloaded(t, filepath.Join(dl, "twitter-2024-03-01-5f2c9a0b1d.zip"), takeoutZip(t, "twitter", "archive-2024", nil))
	putDownloaded(t, filepath.Join(dl, "facebook-memuller-2024-03-01-AbCd.zip"), takeoutZip(t, "facebook", "facebook-2024", nil))
	putDownloaded(t, filepath.Join(dl, "instagram-me.myself-2023-09-10-XyZ.zip"), takeoutZip(t, "instagram", "instagram-2023", nil))
	tg, err := os.ReadFile(filepath.Join("..", "..", "source", "telegram", "testdata", "DataExport_2024-03-01", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	putDownloaded(t, filepath.Join(dl, "Telegram Desktop", "DataExport_2024-03-01", "result.json"), tg)

	env := source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }}
	a := detectAndLoad(t, env, "google-takeout twitter facebook instagram telegram", func(text string) string {
		// Telegram's old exports write local times: the user names the zone
		text = strings.Replace(text, `# time_zone = "Europe/Berlin"`, `time_zone = "Europe/Berlin"`, 1)
		return strings.ReplaceAll(text, "~/Downloads", dl)
	})

	for _, c := range []struct {
		source   string
		counts   map[string]int
		items    []wantItem
		problems int
	}{
		{"google-takeout", map[string]int{"activity": 13, "youtube_watch": 6, "youtube_search": 3, "location": 37, "place_visits": 5,
			"activity_segments": 3, "chrome": 3}, []wantItem{
			{"youtube_watch", `["YouTube","Watched Never Gonna Give You Up","2021-01-05T15:00:00Z"]`, "2021-01-05T15:00:00.123Z", "Watched Never Gonna Give You Up"},
			{"location", `["2019-01-10T13:42:01.234Z",488585756,22947978]`, "2019-01-10T13:42:01.234Z", "48.8585756, 2.2947978"},
			{"chrome", `["https://www.sqlite.org/wal.html",1710408430481234]`, "2024-03-14T09:27:10.481234Z", "Write-Ahead Logging"},
			{"place_visits", `["2023-03-15T09:00:00Z","ChIJ3S-JXmauEmsRUcIaWtf4MzE",-338567844,1512152967]`, "2023-03-15T09:00:00Z", "Sydney Opera House"},
		}, 1},
		{"twitter", map[string]int{"tweets": 7, "likes": 4, "direct_messages": 4, "note_tweets": 1}, []wantItem{
			{"tweets", "1193478612345678901", "2019-11-11T10:22:58Z", ""},
			{"direct_messages", "1760000200000000003", "2024-02-21T10:20:00Z", ""},
			{"note_tweets", "1761000000000000001", "2024-02-22T08:00:00Z", ""},
		}, 1},
		{"facebook", map[string]int{"messages": 6, "posts": 2, "comments": 2, "reactions": 2}, []wantItem{
			{"messages", `[1577833200500,"Bis gleich – ich bringe Käse 🧀 mit"]`, "2019-12-31T23:00:00.5Z", "Alice Müller"},
			{"reactions", `[1700000600,"LOVE"]`, "2023-11-14T22:23:20Z", "Me Müller gefällt der Beitrag von Bob Ødegård."},
		}, 1},
		{"instagram", map[string]int{"messages": 3, "likes": 3, "comments": 2, "saved": 2}, []wantItem{
			{"likes", `["zoë.fotografie","2020-01-01T14:46:40Z"]`, "2020-01-01T14:46:40Z", "zoë.fotografie"},
			{"comments", `["2023-09-08T12:28:20Z","すごい！🗼"]`, "2023-09-08T12:28:20Z", "tokyo_streets"},
		}, 0},
		{"telegram", map[string]int{"messages": 14}, []wantItem{
			{"messages", "[123456789,2]", "2021-05-01T10:01:02Z", "Алиса"},
			{"messages", "[1777888999,10]", "2024-03-01T08:00:00Z", "hoard news"},
		}, 0},
	} {
		t.Run(c.source, func(t *testing.T) {
			checkItems(t, runAndReadProblems(t, a, c.source, c.problems), c.source, c.counts, c.items)
		})
	}
	// the two parts of the takeout are two snapshots, stored as they are
	var snaps []string
	entries, _ := os.ReadDir(filepath.Join(home, "exports", "google-takeout"))
	for _, e := range entries {
		snaps = append(snaps, e.Name())
	}
	if strings.Join(snaps, " ") != "20240315T101500Z.zip 20240315T101500Z_001.zip" {
		t.Errorf("takeout snapshots %v", snaps)
	}
}
