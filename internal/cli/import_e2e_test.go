package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/cli"
	"github.com/hoard-dev/hoard/internal/journal"
)

// TestImportEndToEnd runs the real binary: hoard import stores dateless
// files, an archive and a directory as snapshots of a source that is not
// configured (stamps from --stamp, the archive's newest member, the
// name), atomically and once; the journal names the originals; the
// snapshots read back with hoard items --dir.
func TestImportEndToEnd(t *testing.T) {
	e := newEnv(t)
	e.writeConfig("")
	in := filepath.Join(e.home, "in")
	os.MkdirAll(in, 0o755)
	zipData, err := os.ReadFile("../../dal/testdata/archive/takeout-20240315T101500Z-001.zip")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(in, "takeout.zip"), zipData, 0o644)
	os.WriteFile(filepath.Join(in, "Records.json"), []byte(`{"locations":[{"timestampMs":"1593250194663","latitudeE7":1,"longitudeE7":2}]}`), 0o644)
	os.MkdirAll(filepath.Join(in, "Export-2024-02-01", "chats"), 0o755)
	os.WriteFile(filepath.Join(in, "Export-2024-02-01", "chats", "a.json"), []byte(`[{"id":1},{"id":2}]`), 0o644)

	out, errb, code := e.run("import", filepath.Join(in, "takeout.zip"), "--source", "takeout", "--stamp-from", "archive")
	root := filepath.Join(e.home, "exports")
	if code != 0 || !strings.Contains(out, "-> "+filepath.Join(root, "takeout", "20240315T101500Z.zip")+" (stamp 2024-03-15T10:15:00Z, from its newest member)") ||
		!strings.Contains(errb, "takeout is not a configured source") {
		t.Fatalf("import zip: %d\n%s%s", code, out, errb)
	}
	out, errb, code = e.run("import", filepath.Join(in, "Records.json"), filepath.Join(in, "Export-2024-02-01"), "--source", "takeout", "--stamp", "2024-03-01")
	if code != 0 || strings.Count(out, " -> ") != 2 {
		t.Fatalf("import: %d\n%s%s", code, out, errb)
	}
	// the same file, the same stamp: stored once
	out, _, code = e.run("import", filepath.Join(in, "Records.json"), "--source", "takeout", "--stamp", "2024-03-01", "--json")
	var res struct{ Snapshot, Same string }
	res.Same = ""
	if code != 0 || json.Unmarshal([]byte(out), &struct {
		Snapshot *string `json:"snapshot"`
		Same     *string `json:"same_as"`
	}{&res.Snapshot, &res.Same}) != nil || res.Same == "" || res.Snapshot != "" {
		t.Errorf("again: %d %s", code, out)
	}
	// a directory: stamped from its name by default
	out, _, code = e.run("import", filepath.Join(in, "Export-2024-02-01"), "--source", "telegram")
	if code != 0 || !strings.Contains(out, filepath.Join(root, "telegram", "20240201T000000Z.tar.zst")) {
		t.Errorf("directory: %d %s", code, out)
	}
	var names []string
	for _, s := range e.snapshots("takeout") {
		names = append(names, s.Name)
	}
	if strings.Join(names, " ") != "20240301T000000Z.json.zst 20240301T000000Z.tar.zst 20240315T101500Z.zip" {
		t.Errorf("snapshots %v", names)
	}
	// read back with --dir: the zip's members by glob
	out, errb, code = e.run("items", "--dir", filepath.Join(root, "takeout"), "--members", "Takeout/My Activity/*/MyActivity.json",
		"--key", "header,time,title", "--time", "time", "--format", "jsonl")
	if code != 1 || strings.Count(out, "\n") != 4 || !strings.Contains(errb, `20240315T101500Z.zip: member "Takeout/My Activity/Maps/MyActivity.json"`) {
		t.Errorf("items --dir: %d\n%s%s", code, out, errb)
	}
	// the journal names the originals
	entries, _, err := (&journal.Journal{Path: filepath.Join(e.home, ".local/state/hoard/journal.jsonl")}).ReadAll()
	if err != nil || len(entries) != 4 || entries[0].Original != filepath.Join(in, "takeout.zip") || entries[0].Outcome != journal.OK ||
		entries[0].Path != filepath.Join(root, "takeout", "20240315T101500Z.zip") || entries[3].Source != "telegram" {
		t.Errorf("journal %+v %v", entries, err)
	}
	// usage errors
	for _, args := range [][]string{{"import", "x"}, {"import", "x", "--source", "../up"}, {"import", "x", "--source", "s", "--stamp", "1", "--stamp-from", "now"}, {"import", "x", "--source", "s", "--stamp-from", "ctime"}} {
		if _, errb, code := e.run(args...); code != cli.ExitUsage {
			t.Errorf("%v: exit %d %s", args, code, errb)
		}
	}
	if _, errb, code := e.run("import", filepath.Join(in, "missing.json"), "--source", "s"); code != cli.ExitFailure || !strings.Contains(errb, "missing.json") {
		t.Errorf("a missing file: %d %s", code, errb)
	}
}

// TestWatchEndToEnd: a file source with watch imports each new complete
// download once, stamped from its name, leaves downloads in progress for
// later, and remembers what it imported; a run that finds nothing new is
// a success.
func TestWatchEndToEnd(t *testing.T) {
	e := newEnv(t)
	dl := filepath.Join(e.home, "Downloads")
	os.MkdirAll(dl, 0o755)
	e.writeConfig(`
[sources.takeout]
exporter = "file"
watch = "~/Downloads/takeout-*.zip"
watch_settle = "10m"

[sources.takeout.kinds.activity]
members = "Takeout/My Activity/*/MyActivity.json"
key = ["header", "time", "title"]
time = "time"
`)
	zipData, err := os.ReadFile("../../dal/testdata/archive/takeout-20240315T101500Z-001.zip")
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	put := func(name string, data []byte, mtime time.Time) string {
		p := filepath.Join(dl, name)
		os.WriteFile(p, data, 0o644)
		os.Chtimes(p, mtime, mtime)
		return p
	}
	put("takeout-20240315T101500Z-001.zip", zipData, old)
	put("takeout-20240401T080000Z-001.zip.crdownload", zipData[:100], old)
	fresh := put("takeout-20240501T080000Z-001.zip", zipData, time.Now())
	put("notes.txt", []byte("x"), old)

	out, errb, code := e.run("run", "takeout")
	if code != 0 {
		t.Fatalf("run: %d\n%s%s", code, out, errb)
	}
	snaps := e.snapshots("takeout")
	if len(snaps) != 1 || snaps[0].Name != "20240315T101500Z.zip" {
		t.Fatalf("after the first run: %v", snaps)
	}
	if raw, _ := os.ReadFile(snaps[0].Path); string(raw) != string(zipData) {
		t.Error("the zip was not stored as it is")
	}
	// nothing new: a success, nothing stored
	if out, errb, code := e.run("run", "takeout"); code != 0 || len(e.snapshots("takeout")) != 1 {
		t.Fatalf("second run: %d\n%s%s", code, out, errb)
	}
	// the download in progress completes; the fresh one is left alone long enough
	os.Rename(filepath.Join(dl, "takeout-20240401T080000Z-001.zip.crdownload"), filepath.Join(dl, "takeout-20240401T080000Z-001.zip"))
	os.WriteFile(filepath.Join(dl, "takeout-20240401T080000Z-001.zip"), zipData, 0o644)
	os.Chtimes(filepath.Join(dl, "takeout-20240401T080000Z-001.zip"), old, old)
	os.Chtimes(fresh, old, old)
	// a copy of an imported file under another name is not imported again
	put("takeout-20240315T101500Z-002.zip", zipData, old)
	if out, errb, code := e.run("run", "takeout"); code != 0 {
		t.Fatalf("third run: %d\n%s%s", code, out, errb)
	}
	var names []string
	for _, s := range e.snapshots("takeout") {
		names = append(names, s.Name)
	}
	if strings.Join(names, " ") != "20240315T101500Z.zip 20240401T080000Z.zip 20240501T080000Z.zip" {
		t.Errorf("snapshots %v", names)
	}
	// the state remembers them all; the items read through the index
	data, err := os.ReadFile(filepath.Join(e.home, ".local/state/hoard/watch/takeout.json"))
	if err != nil || strings.Count(string(data), `"path"`) != 4 {
		t.Errorf("watch state: %v\n%s", err, data)
	}
	out, errb, code = e.run("items", "takeout", "--format", "jsonl")
	if code != 1 || strings.Count(out, "\n") != 4 || strings.Count(errb, `member "Takeout/My Activity/Maps/MyActivity.json"`) != 3 {
		t.Errorf("items: %d\n%s%s", code, out, errb)
	}
	out, _, code = e.run("status", "--json")
	if code != 0 || !strings.Contains(out, `"takeout"`) {
		t.Errorf("status: %d %s", code, out)
	}
}
