package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// after_run runs once after a `hoard run` that saved new snapshots, with
// {root} expanded and the sources that saved in HOARD_SOURCES; not after a
// run whose output was unchanged; a failing command fails the run (exit 1)
// though the snapshots are saved.
func TestAfterRun(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	log := filepath.Join(e.home, "backups.log")
	fail := filepath.Join(e.home, "fail")
	data := filepath.Join(e.home, "data")
	os.WriteFile(data, []byte("v1\n"), 0o600)
	e.writeConfig(fmt.Sprintf(`after_run = ["sh", "-c", "echo \"root={root} sources=$HOARD_SOURCES\" >> %s; [ ! -e %s ]", "backup"]
[sources.a]
exporter = "command"
command = ["cat", %q]
[sources.b]
exporter = "command"
command = ["echo", "b"]
`, log, fail, data))
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	b, _ := os.ReadFile(log)
	if want := fmt.Sprintf("root=%s sources=a,b\n", filepath.Join(e.home, "exports")); string(b) != want {
		t.Errorf("after_run saw %q, want %q", b, want)
	}
	if _, stderr, code := e.run("run"); code != 0 { // both unchanged: nothing new to back up
		t.Fatalf("second run: %d %s", code, stderr)
	}
	if b2, _ := os.ReadFile(log); string(b2) != string(b) {
		t.Errorf("after_run ran after unchanged runs: %q", b2)
	}
	os.WriteFile(data, []byte("v2\n"), 0o600)
	os.WriteFile(fail, nil, 0o600)
	_, stderr, code := e.run("run")
	if code != 1 || !strings.Contains(stderr, "after_run sh failed") {
		t.Errorf("failing after_run: exit %d, %s", code, stderr)
	}
	if n := len(e.snapshots("a")); n != 2 {
		t.Errorf("%d snapshots of a, want 2 (saved before after_run failed)", n)
	}
	if b3, _ := os.ReadFile(log); !strings.HasSuffix(string(b3), "sources=a\n") {
		t.Errorf("after_run log %q", b3)
	}
}

// In the daemon, a failing after_run is logged and notified once, like a
// failing source, and fails `hoard daemon --once`.
func TestDaemonAfterRunNotifies(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	notes := filepath.Join(e.home, "notes")
	e.writeConfig(fmt.Sprintf(`notify = ["sh", "-c", "cat >> %s"]
after_run = ["sh", "-c", "echo backing up; exit 3"]
[sources.a]
exporter = "command"
command = ["date", "+%%s%%N"]
jitter = "0s"
`, notes))
	_, stderr, code := e.run("daemon", "--once")
	if code != 1 || !strings.Contains(stderr, "AFTER_RUN FAILED") || !strings.Contains(stderr, "backing up") {
		t.Fatalf("daemon --once: exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(notes)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["source"] != "after_run" || m["event"] != "failing" || !strings.Contains(fmt.Sprint(m["last_error"]), "exit status 3") {
		t.Errorf("notification %s (%v)", b, err)
	}
}
