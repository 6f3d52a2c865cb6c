package app_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/archivetest"
	"github.com/hoard-dev/hoard/internal/paths"
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

	found := app.Sources.Detect(source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }})
	var names []string
	for _, f := range found {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "google-takeout twitter facebook instagram telegram" {
		t.Fatalf("detected %v", names)
	}
	text := app.StarterConfig(filepath.Join(home, "exports"), found)
	// Telegram's old exports write local times: the user names the zone
	text = strings.Replace(text, `# time_zone = "Europe/Berlin"`, `time_zone = "Europe/Berlin"`, 1)
	text = strings.ReplaceAll(text, "~/Downloads", dl)
	cfgPath := filepath.Join(home, "hoard.toml")
	os.WriteFile(cfgPath, []byte(text), 0o600)
	a, err := app.Load(cfgPath, paths.Layout{State: filepath.Join(home, "state"), Cache: filepath.Join(home, "cache")})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}

	type want struct{ kind, key, time, title string }
	for _, c := range []struct {
		source   string
		counts   map[string]int
		items    []want
		problems int
	}{
		{"google-takeout", map[string]int{"activity": 13, "youtube_watch": 6, "youtube_search": 3, "location": 37, "place_visits": 5,
			"activity_segments": 3, "chrome": 3}, []want{
			{"youtube_watch", `["YouTube","Watched Never Gonna Give You Up","2021-01-05T15:00:00Z"]`, "2021-01-05T15:00:00.123Z", "Watched Never Gonna Give You Up"},
			{"location", `["2019-01-10T13:42:01.234Z",488585756,22947978]`, "2019-01-10T13:42:01.234Z", "48.8585756, 2.2947978"},
			{"chrome", `["https://www.sqlite.org/wal.html",1710408430481234]`, "2024-03-14T09:27:10.481234Z", "Write-Ahead Logging"},
			{"place_visits", `["2023-03-15T09:00:00Z","ChIJ3S-JXmauEmsRUcIaWtf4MzE",-338567844,1512152967]`, "2023-03-15T09:00:00Z", "Sydney Opera House"},
		}, 1},
		{"twitter", map[string]int{"tweets": 7, "likes": 4, "direct_messages": 4}, []want{
			{"tweets", "1193478612345678901", "2019-11-11T10:22:58Z", ""},
			{"direct_messages", "1760000200000000003", "2024-02-21T10:20:00Z", ""},
		}, 1},
		{"facebook", map[string]int{"messages": 6, "posts": 2, "comments": 2, "reactions": 2}, []want{
			{"messages", `[1577833200500,"Bis gleich – ich bringe Käse 🧀 mit"]`, "2019-12-31T23:00:00.5Z", "Alice Müller"},
			{"reactions", `[1700000600,"LOVE"]`, "2023-11-14T22:23:20Z", "Me Müller gefällt der Beitrag von Bob Ødegård."},
		}, 1},
		{"instagram", map[string]int{"messages": 3, "likes": 3, "comments": 2, "saved": 2}, []want{
			{"likes", `["zoë.fotografie","2020-01-01T14:46:40Z"]`, "2020-01-01T14:46:40Z", "zoë.fotografie"},
			{"comments", `["2023-09-08T12:28:20Z","すごい！🗼"]`, "2023-09-08T12:28:20Z", "tokyo_streets"},
		}, 0},
		{"telegram", map[string]int{"messages": 14}, []want{
			{"messages", "[123456789,2]", "2021-05-01T10:01:02Z", "Алиса"},
			{"messages", "[1777888999,10]", "2024-03-01T08:00:00Z", "hoard news"},
		}, 0},
	} {
		t.Run(c.source, func(t *testing.T) {
			got := runAndReadProblems(t, a, c.source, c.problems)
			for kind, n := range c.counts {
				if len(got[kind]) != n {
					t.Errorf("%d %s, want %d", len(got[kind]), kind, n)
				}
			}
			if len(got) != len(c.counts) {
				t.Errorf("kinds %v", keysOf(got))
			}
			for _, w := range c.items {
				var match *dal.Item
				for i := range got[w.kind] {
					if got[w.kind][i].Key == w.key {
						match = &got[w.kind][i]
					}
				}
				if match == nil {
					t.Errorf("no %s item %s", w.kind, w.key)
					continue
				}
				if tm := match.Time.Format(time.RFC3339Nano); tm != w.time || match.Title != w.title || match.Source != c.source {
					t.Errorf("%s %s: time %s title %q source %s; want %s %q", w.kind, w.key, tm, match.Title, match.Source, w.time, w.title)
				}
			}
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

func keysOf(m map[string][]dal.Item) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
