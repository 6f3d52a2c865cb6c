package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run that cannot be recorded in the journal (here the journal's path
// is a directory; a full disk does the same) says so in its exit status:
// 'hoard status' would otherwise never learn of it.
func TestRunJournalFailureFailsTheRun(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(`
[sources.echo]
exporter = "command"
command = ["echo", "hello"]
`)
	if err := os.MkdirAll(filepath.Join(e.home, ".local/state/hoard/journal.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := e.run("run", "--json")
	if code != 1 || !strings.Contains(stderr, "journal") {
		t.Errorf("exit %d, stderr %q: want exit 1 naming the journal", code, stderr)
	}
	if !strings.Contains(out, `"journal_error"`) || !strings.Contains(out, `"outcome":"ok"`) {
		t.Errorf("--json output %s: want the snapshot's success and the journal's failure", out)
	}
	if n := len(e.snapshots("echo")); n != 1 {
		t.Errorf("%d snapshots, want the one saved", n)
	}
}

// hoard status tells about journal records it had to skip instead of
// silently leaving them out.
func TestStatusReportsDamagedJournal(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(`
[sources.echo]
exporter = "command"
command = ["echo", "hello"]
`)
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	jp := filepath.Join(e.home, ".local/state/hoard/journal.jsonl")
	f, err := os.OpenFile(jp, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{\"source\":\"echo\",\"sta\n")
	f.Close()
	_, stderr, _ := e.run("status")
	if !strings.Contains(stderr, "journal") || !strings.Contains(stderr, ":2:") {
		t.Errorf("status stderr %q: want a warning naming the damaged journal line", stderr)
	}
}
