package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/archivetest"
	"github.com/hoard-dev/hoard/internal/journal"
)

// exportZip returns a zip of the files under a source's testdata
// directory, named relative to it; keep chooses them.
func exportZip(t *testing.T, pkg, dir string, keep func(name string) bool) []byte {
	t.Helper()
	return archivetest.ZipTree(t, filepath.Join("..", "..", "source", pkg, "testdata", dir), keep)
}

// jsonLines decodes JSON lines.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var items []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		items = append(items, m)
	}
	return items
}

// TestTakeoutPartsWatched is the acceptance case, with the real
// binary: a Google Takeout arriving as two zip parts in ~/Downloads (a
// third still downloading) is found by hoard init, imported once per part
// by hoard run (stored as Google made them, read in place), and its kinds
// from both parts appear in hoard query, through the index and with
// --no-cache alike; later runs import nothing again, and the third part
// once it is complete.
func TestTakeoutPartsWatched(t *testing.T) {
	e := newEnv(t)
	dl := filepath.Join(e.home, "Downloads")
	os.MkdirAll(dl, 0o755)
	old := time.Now().Add(-time.Hour)
	put := func(name string, data []byte) string {
		p := filepath.Join(dl, name)
		os.WriteFile(p, data, 0o644)
		os.Chtimes(p, old, old)
		return p
	}
	inFirst := func(n string) bool {
		return strings.HasPrefix(n, "Takeout/YouTube") || strings.HasPrefix(n, "Takeout/My Activity/") && !strings.HasPrefix(n, "Takeout/My Activity/Drive/")
	}
	part1 := exportZip(t, "google-takeout", "en", inFirst)
	part2 := exportZip(t, "google-takeout", "en", func(n string) bool { return !inFirst(n) })
	put("takeout-20240315T101500Z-001.zip", part1)
	put("takeout-20240315T101500Z-002.zip", part2)
	older := exportZip(t, "google-takeout", "old", nil)
	put("takeout-20190201T080000Z-001.zip.crdownload", older[:len(older)/2])

	out, errb, code := e.run("init")
	config, _ := os.ReadFile(filepath.Join(e.home, ".config/hoard/hoard.toml"))
	if code != 0 || !strings.Contains(string(config), "[sources.google-takeout]\nexporter = \"google-takeout\"\nwatch = \"~/Downloads/takeout-*\"\n") ||
		!strings.Contains(string(config), "(1 takeout, 2 parts)") {
		t.Fatalf("init: %d\n%s%s\n%s", code, out, errb, config)
	}
	if out, errb, code := e.run("run", "google-takeout"); code != 0 {
		t.Fatalf("run: %d\n%s%s", code, out, errb)
	}
	snaps := e.snapshots("google-takeout")
	if len(snaps) != 2 || snaps[0].Name != "20240315T101500Z.zip" || snaps[1].Name != "20240315T101500Z_001.zip" {
		t.Fatalf("snapshots %v", snaps)
	}
	for i, want := range [][]byte{part1, part2} {
		if got, _ := os.ReadFile(snaps[i].Path); !bytes.Equal(got, want) {
			t.Errorf("part %d was not stored as Google made it", i+1)
		}
	}
	// nothing new: nothing stored again
	if out, errb, code := e.run("run", "google-takeout"); code != 0 || len(e.snapshots("google-takeout")) != 2 {
		t.Fatalf("second run: %d\n%s%s", code, out, errb)
	}
	entries, _, err := (&journal.Journal{Path: filepath.Join(e.home, ".local/state/hoard/journal.jsonl")}).ReadAll()
	if err != nil || len(entries) != 3 || entries[0].Original != filepath.Join(dl, "takeout-20240315T101500Z-001.zip") ||
		entries[1].Original != filepath.Join(dl, "takeout-20240315T101500Z-002.zip") || entries[2].Path != "" {
		t.Errorf("journal: %v %+v", err, entries)
	}

	// hoard query: the kinds of both parts, through the index (built,
	// then warm) and without it, byte for byte
	var outs, errs []string
	for _, args := range [][]string{{"query", "--format", "jsonl"}, {"query", "--format", "jsonl"}, {"query", "--format", "jsonl", "--no-cache"}} {
		out, errb, code := e.run(args...)
		if code != 1 { // the member cut short is a problem: exit 1, every readable item printed
			t.Fatalf("%v: %d\n%s", args, code, errb)
		}
		outs, errs = append(outs, out), append(errs, errb)
	}
	if outs[0] != outs[1] || outs[0] != outs[2] || errs[0] != errs[2] {
		t.Errorf("the index and the snapshots read differently:\n%s\n%s\n%s%s", outs[0], outs[2], errs[0], errs[2])
	}
	if !strings.Contains(errs[0], `20240315T101500Z_001.zip: member "Takeout/My Activity/Drive/MyActivity.json": line 8, byte 263: unexpected end of file`) {
		t.Errorf("stderr: %s", errs[0])
	}
	kinds := map[string]int{}
	byKey := map[string]map[string]any{}
	for _, it := range jsonLines(t, outs[0]) {
		if it["source"] != "google-takeout" {
			t.Errorf("source %v", it["source"])
		}
		kinds[it["kind"].(string)]++
		byKey[it["key"].(string)] = it
	}
	for kind, n := range map[string]int{"activity": 13, "youtube_watch": 6, "youtube_search": 3, "location": 37, "place_visits": 5, "activity_segments": 3, "chrome": 3} {
		if kinds[kind] != n {
			t.Errorf("%d %s items, want %d (%v)", kinds[kind], kind, n, kinds)
		}
	}
	for key, when := range map[string]string{
		`["YouTube","Watched Never Gonna Give You Up","2021-01-05T15:00:00Z"]`: "2021-01-05T15:00:00.123Z", // part 1: JSON and HTML, one item
		`["2019-01-10T13:42:01.234Z",488585756,22947978]`:                      "2019-01-10T13:42:01.234Z", // part 2
		`["https://go.dev/ref/spec#Iota",1710408500000001]`:                    "2024-03-14T09:28:20.000001Z",
	} {
		if it := byKey[key]; it == nil || it["time"] != when || it["first_seen"] != "2024-03-15T10:15:00Z" {
			t.Errorf("item %s: %v", key, it)
		}
	}
	if out, _, _ := e.run("query", "--search", "Louvre", "--format", "jsonl"); !strings.Contains(out, `"title":"Musée du Louvre"`) {
		t.Errorf("search: %s", out)
	}

	// the older takeout finishes downloading: imported on the next run
	os.Rename(filepath.Join(dl, "takeout-20190201T080000Z-001.zip.crdownload"), filepath.Join(dl, "takeout-20190201T080000Z-001.zip"))
	put("takeout-20190201T080000Z-001.zip", older)
	if out, errb, code := e.run("run", "google-takeout"); code != 0 || len(e.snapshots("google-takeout")) != 3 {
		t.Fatalf("third run: %d\n%s%s", code, out, errb)
	}
	out, _, _ = e.run("items", "google-takeout", "--format", "jsonl", "--search", "gangnam")
	if items := jsonLines(t, out); len(items) != 2 || items[0]["first_seen"] != "2019-02-01T08:00:00Z" {
		t.Errorf("the older takeout: %s", out)
	}
}

// TestTakeoutSourcesCLI: hoard sources lists the five with their
// category, and hoard items --dir DIR --decoder NAME reads exports that
// were never configured.
func TestTakeoutSourcesCLI(t *testing.T) {
	e := newEnv(t)
	out, errb, code := e.run("sources", "--json")
	var list []struct{ Name, Category string }
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil {
		t.Fatalf("sources: %d %s %s", code, out, errb)
	}
	cats := map[string]string{}
	for _, s := range list {
		cats[s.Name] = s.Category
	}
	for _, n := range []string{"google-takeout", "twitter", "facebook", "instagram", "telegram"} {
		if cats[n] != "takeout" {
			t.Errorf("%s: category %q", n, cats[n])
		}
	}
	tg, _ := os.ReadFile("../../source/telegram/testdata/ChatExport_2021-06-01/result.json")
	for _, c := range []struct {
		decoder, file string
		data          []byte
		items, code   int
	}{
		{"google-takeout", "takeout-20190201T080000Z-001.zip", exportZip(t, "google-takeout", "old", nil), 41, 0},
		{"twitter", "twitter-2019-11-12.zip", exportZip(t, "twitter", "archive-2019", nil), 7, 0},
		{"facebook", "facebook-me-2020-06-01.zip", exportZip(t, "facebook", "facebook-2020", nil), 16, 0},
		{"instagram", "instagram-me-2020-02-01.zip", exportZip(t, "instagram", "instagram-2020", nil), 4, 0},
		{"telegram", "result-2021-06-01.json", tg, 5, 0},
	} {
		dir := filepath.Join(e.home, "have", c.decoder)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, c.file), c.data, 0o644)
		out, errb, code := e.run("items", "--dir", dir, "--decoder", c.decoder, "--format", "jsonl")
		if items := jsonLines(t, out); code != c.code || len(items) != c.items {
			t.Errorf("%s: exit %d, %d items, want %d\n%s", c.decoder, code, len(items), c.items, errb)
		}
	}
}
