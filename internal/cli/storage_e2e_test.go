package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/journal"
)

// The storage commands as a user runs them: two runs of an unchanged
// source store one file (the second says so, exits 0, and is journaled
// unchanged); prune is a dry run until --apply; verify reads everything
// back and names what is damaged, with exit 1; doctor shows verify's
// summary.
func TestStorageCommands(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	data := filepath.Join(e.home, "out.jsonl")
	e.writeConfig(`
[sources.feed]
exporter = "command"
command = ["cat", "` + data + `"]
extension = "jsonl"
compression = "zstd"
key = "id"
time = "t"
`)
	write := func(body string) {
		if err := os.WriteFile(data, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c := `{"id":1,"t":"2024-01-01T00:00:00Z"}`+"\n", `{"id":2,"t":"2024-01-02T00:00:00Z"}`+"\n", `{"id":3,"t":"2024-01-03T00:00:00Z"}`+"\n"
	write(a + b)
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatalf("first run: %d %s", code, stderr)
	}
	out, stderr, code := e.run("run", "--json")
	var rr struct{ Outcome, Path string }
	json.Unmarshal([]byte(out), &rr)
	if code != 0 || rr.Outcome != journal.Unchanged || len(e.snapshots("feed")) != 1 {
		t.Fatalf("identical run: exit %d, %s %s; %d snapshots", code, out, stderr, len(e.snapshots("feed")))
	}
	if _, stderr, _ := e.run("run"); !strings.Contains(stderr, "feed: unchanged") && !strings.Contains(stderr, "unchanged") {
		t.Logf("stderr of an unchanged run: %q", stderr) // progress is for terminals; the journal says it
	}
	for _, body := range []string{b + a, a + b + c, c + b + a} { // reordered (redundant), new item, reordered
		write(body)
		if _, stderr, code := e.run("run"); code != 0 {
			t.Fatalf("run: %d %s", code, stderr)
		}
	}
	if n := len(e.snapshots("feed")); n != 4 {
		t.Fatalf("%d snapshots, want 4", n)
	}
	itemsBefore, _, _ := e.run("items", "feed")

	out, stderr, code = e.run("prune")
	if code != 0 || !strings.Contains(out, "feed: 4 snapshot(s), 1 can go") || !strings.Contains(out, "Dry run: nothing was removed") || len(e.snapshots("feed")) != 4 {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if _, stderr, code := e.run("prune", "--delete"); code != 2 || !strings.Contains(stderr, "--delete goes with --apply") {
		t.Errorf("--delete alone: exit %d %s", code, stderr)
	}
	out, stderr, code = e.run("prune", "--apply", "-v")
	if code != 0 || !strings.Contains(out, "1 removed") || !strings.Contains(out, "trash") || len(e.snapshots("feed")) != 3 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, stderr)
	}
	if itemsAfter, _, _ := e.run("items", "feed"); itemsAfter != itemsBefore {
		t.Errorf("items changed by prune:\n%s\n%s", itemsBefore, itemsAfter)
	}

	out, stderr, code = e.run("verify")
	if code != 0 || !strings.Contains(out, "feed: ok") || !strings.Contains(out, "3 snapshot(s)") {
		t.Errorf("verify intact: exit %d\n%s\n%s", code, out, stderr)
	}
	snaps := e.snapshots("feed")
	raw, _ := os.ReadFile(snaps[0].Path)
	raw[len(raw)/2] ^= 1
	os.WriteFile(snaps[0].Path, raw, 0o600)
	out, stderr, code = e.run("verify", "--json")
	if code != 1 || !strings.Contains(out, snaps[0].Path) || !strings.Contains(stderr, "missing or damaged") {
		t.Errorf("verify after bit rot: exit %d\n%s\n%s", code, out, stderr)
	}
	out, _, code = e.run("doctor")
	if code != 1 || !strings.Contains(out, "last verify") || !strings.Contains(out, "1 problem(s)") {
		t.Errorf("doctor after a failed verify: exit %d\n%s", code, out)
	}
}
