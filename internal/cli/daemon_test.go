package cli_test

// Integration tests of hoard daemon and hoard up: the real binary, real
// exporter processes, real signals. Nothing asserts on elapsed time; the
// tests wait for files and log lines (up to a generous limit).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/journal"
)

// syncBuffer is a bytes.Buffer safe for a process writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// daemonProc is a running `hoard daemon`.
type daemonProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{}
	err    error
}

func (e *env) startDaemon(args ...string) *daemonProc {
	e.t.Helper()
	return e.startProc(append([]string{"daemon"}, args...)...)
}

// startProc starts a hoard command that runs until it is stopped (daemon,
// serve), killed when the test ends if it has not exited.
func (e *env) startProc(args ...string) *daemonProc {
	e.t.Helper()
	p := &daemonProc{t: e.t, cmd: e.cmd(args...), stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	e.t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.exited
		}
	})
	return p
}

// waitFor polls cond until it holds; the limit only guards against a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *daemonProc) waitLog(substr string) {
	p.t.Helper()
	waitFor(p.t, fmt.Sprintf("log %q; log so far:\n%s", substr, p.stderr), func() bool {
		return strings.Contains(p.stderr.String(), substr)
	})
}

// stop sends sig and returns the exit code.
func (p *daemonProc) stop(sig syscall.Signal) int {
	p.t.Helper()
	p.cmd.Process.Signal(sig)
	return p.wait()
}

// wait waits for the daemon to exit and returns the exit code.
func (p *daemonProc) wait() int {
	p.t.Helper()
	<-p.exited
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		p.t.Fatal(p.err)
	}
	return 0
}

func (e *env) journal() []journal.Entry {
	e.t.Helper()
	entries, _, err := (&journal.Journal{Path: filepath.Join(e.home, ".local/state/hoard/journal.jsonl")}).ReadAll()
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

func countOutcome(entries []journal.Entry, source, outcome string) int {
	n := 0
	for _, en := range entries {
		if en.Source == source && en.Outcome == outcome {
			n++
		}
	}
	return n
}

// shiftJournal moves every journal entry back by d, as if that much time
// had passed since the runs.
func (e *env) shiftJournal(d time.Duration) {
	e.t.Helper()
	var buf bytes.Buffer
	for _, en := range e.journal() {
		en.Start, en.End = en.Start.Add(-d), en.End.Add(-d)
		b, _ := json.Marshal(en)
		buf.Write(append(b, '\n'))
	}
	if err := os.WriteFile(filepath.Join(e.home, ".local/state/hoard/journal.jsonl"), buf.Bytes(), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// Restart catch-up: a source that ran recently is not run again at start;
// once its last success is older than its interval (the machine was off),
// the next start catches it up.
func TestDaemonRestartCatchUp(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[sources.daily]
exporter = "command"
command = ["echo", "data"]
jitter = "0s"
`)
	if _, stderr, code := e.run("daemon", "--once"); code != 0 || !strings.Contains(stderr, `reason="first run"`) {
		t.Fatalf("first start: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := e.run("daemon", "--once"); code != 0 || strings.Contains(stderr, "export starting") {
		t.Fatalf("second start ran a fresh source: exit %d\n%s", code, stderr)
	}
	if n := len(e.snapshots("daily")); n != 1 {
		t.Fatalf("%d snapshots after two starts", n)
	}
	e.shiftJournal(49 * time.Hour)
	_, stderr, code := e.run("daemon", "--once")
	if code != 0 || !strings.Contains(stderr, "catch-up: missed at") {
		t.Fatalf("start after two days: exit %d\n%s", code, stderr)
	}
	// The catch-up run's output was the same: no new file, a success.
	if n := len(e.snapshots("daily")); n != 1 {
		t.Errorf("%d snapshots after the catch-up, want still 1", n)
	}
	if entries := e.journal(); countOutcome(entries, "daily", journal.OK) != 1 || countOutcome(entries, "daily", journal.Unchanged) != 1 {
		t.Errorf("journal after the catch-up: %+v, want one ok and one unchanged run", entries)
	}
	out, _, _ := e.run("status", "--json")
	if !strings.Contains(out, `"state": "ok"`) || !strings.Contains(out, `"schedule": "@daily"`) || !strings.Contains(out, `"outcome": "unchanged"`) {
		t.Errorf("status after catch-up:\n%s", out)
	}
}

// status marks a source stale when its last success is older than twice
// its interval, and --check fails then.
func TestStatusStaleAndCheck(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[sources.daily]
exporter = "command"
command = ["echo", "data"]
`)
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatal(stderr)
	}
	if _, _, code := e.run("status", "--check"); code != 0 {
		t.Errorf("fresh source: status --check exit %d", code)
	}
	e.shiftJournal(49 * time.Hour)
	out, stderr, code := e.run("status", "--check")
	if code != 1 || !strings.Contains(out, "stale") || !strings.Contains(stderr, "daily (stale)") {
		t.Errorf("stale source: exit %d\n%s\n%s", code, out, stderr)
	}
}

// A hanging exporter does not block the other sources; on SIGTERM the
// daemon lets a run finish within the grace period, then interrupts the
// hanging one: its whole process group dies and no file is left.
func TestDaemonGracefulStop(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[daemon]
grace = "3s"
[sources.hang]
exporter = "command"
command = ["sh", "-c", "sleep 300 & echo $! > bgpid; echo partial; wait"]
[sources.quick]
exporter = "command"
command = ["sh", "-c", "echo data"]
schedule = "every 1s"
jitter = "0s"
keep_identical = true
[sources.slow]
exporter = "command"
keep_identical = true
command = ["sh", "-c", "if [ -e second ]; then touch started; while [ ! -e go ]; do sleep 0.02; done; fi; touch second; echo done"]
schedule = "every 1s"
jitter = "0s"
`)
	p := e.startDaemon()
	waitFile(t, filepath.Join(e.home, "bgpid"))
	waitFor(t, "quick to run three times beside the hanging source", func() bool { return len(e.snapshots("quick")) >= 3 })
	waitFile(t, filepath.Join(e.home, "started")) // slow's second run is under way
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.waitLog("letting running exports finish")
	os.WriteFile(filepath.Join(e.home, "go"), nil, 0o600)
	if code := p.wait(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit %d\n%s", code, p.stderr)
	}
	log := p.stderr.String()
	if !strings.Contains(log, "grace period over") {
		t.Errorf("hanging run not interrupted after the grace period:\n%s", log)
	}
	b, _ := os.ReadFile(filepath.Join(e.home, "bgpid"))
	var pid int
	fmt.Sscan(string(b), &pid)
	waitFor(t, fmt.Sprintf("grandchild %d to die", pid), func() bool { return syscall.Kill(pid, 0) != nil || isZombie(pid) })
	if n := len(e.snapshots("hang")); n != 0 {
		t.Errorf("interrupted source has %d snapshots", n)
	}
	if n := len(e.snapshots("slow")); n != 2 {
		t.Errorf("slow: %d snapshots, want 2 (its run within the grace period completed)", n)
	}
	entries := e.journal()
	if countOutcome(entries, "hang", journal.Interrupted) != 1 || countOutcome(entries, "slow", journal.Interrupted) != 0 {
		t.Errorf("journal: %+v", entries)
	}
	for _, n := range listNames(t, filepath.Join(e.home, "exports/hang")) {
		t.Errorf("interrupted run left %s", n)
	}
}

// A hanging exporter is killed at its timeout with its process group.
func TestDaemonTimeout(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[daemon]
retry = []
[sources.hang]
exporter = "command"
command = ["sh", "-c", "sleep 300 & echo $! > bgpid; wait"]
timeout = "1s"
`)
	_, stderr, code := e.run("daemon", "--once")
	if code != 1 || !strings.Contains(stderr, "export timeout") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(e.home, "bgpid"))
	var pid int
	fmt.Sscan(string(b), &pid)
	waitFor(t, "the grandchild to die", func() bool { return syscall.Kill(pid, 0) != nil || isZombie(pid) })
	if countOutcome(e.journal(), "hang", journal.TimedOut) != 1 {
		t.Errorf("journal %+v", e.journal())
	}
}

var metricsURL = regexp.MustCompile(`"url":"(http://[^"]+/metrics)"`)

// SIGHUP with a broken config keeps the old config running and says so;
// a fixed config is then picked up. Metrics count both reloads.
func TestDaemonSIGHUP(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	source := func(name string) string {
		return fmt.Sprintf("[sources.%s]\nexporter = \"command\"\ncommand = [\"echo\", %q]\nschedule = \"every 1h\"\n", name, name)
	}
	e.writeConfig(source("a"))
	p := e.startDaemon("--listen", "127.0.0.1:0", "--log-format", "json")
	waitFor(t, "a's first snapshot", func() bool { return len(e.snapshots("a")) == 1 })
	e.writeConfig(source("a") + "schedul = \"@daily\"\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog("CONFIG RELOAD FAILED")
	if log := p.stderr.String(); !strings.Contains(log, `hoard.toml:6: unknown key \"sources.a.schedul\"`) {
		t.Errorf("the failed reload does not name the line and key:\n%s", log)
	}
	_, stderr, code := e.run("daemon")
	if code != 3 || !strings.Contains(stderr, "a hoard daemon is already running") {
		t.Errorf("second daemon: exit %d, %s", code, stderr)
	}
	// An exporter mistake (a command placeholder without a secrets file)
	// is refused the same way.
	e.writeConfig(source("a") + "[sources.c]\nexporter = \"command\"\ncommand = [\"x\", \"{secrets}\"]\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the second failed reload", func() bool { return strings.Count(p.stderr.String(), "CONFIG RELOAD FAILED") == 2 })
	if !strings.Contains(p.stderr.String(), "uses {secrets}") {
		t.Errorf("exporter mistake not reported:\n%s", p.stderr)
	}
	e.writeConfig(source("a") + source("b"))
	p.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "b's first snapshot after the reload", func() bool { return len(e.snapshots("b")) == 1 })
	m := metricsURL.FindStringSubmatch(p.stderr.String())
	if m == nil {
		t.Fatalf("no metrics URL logged:\n%s", p.stderr)
	}
	wants := []string{
		`hoard_config_reloads_total{result="failed"} 2`,
		`hoard_config_reloads_total{result="ok"} 1`,
		`hoard_runs_total{source="b",outcome="ok"} 1`,
	}
	var body []byte
	waitFor(t, "the metrics to show the reloads and b's run", func() bool {
		resp, err := http.Get(m[1])
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ = io.ReadAll(resp.Body)
		for _, w := range wants {
			if !strings.Contains(string(body), w+"\n") {
				return false
			}
		}
		return true
	})
	if code := p.stop(syscall.SIGINT); code != 128+int(syscall.SIGINT) {
		t.Errorf("exit %d", code)
	}
	// Every log line is JSON.
	sc := bufio.NewScanner(strings.NewReader(p.stderr.String()))
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("not JSON: %s", sc.Text())
		}
	}
	if len(e.snapshots("a")) != 1 {
		t.Error("the reloads ran a again")
	}
}

// The notify hook gets exactly one message per change, across a restart:
// failing once, then recovered, not a message per failed run.
func TestDaemonNotifyOncePerChange(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	notes := filepath.Join(e.home, "notes")
	e.writeConfig(fmt.Sprintf(`notify = ["sh", "-c", "cat >> %s; echo \"$HOARD_EVENT $HOARD_SOURCE\" >> %s.env"]
[daemon]
failing_after = 2
retry = []
[sources.flaky]
exporter = "command"
command = ["sh", "-c", "if [ -e ok ]; then echo fine; else echo 'not yet' >&2; exit 1; fi"]
schedule = "every 1s"
jitter = "0s"
`, notes, notes))
	p := e.startDaemon()
	waitFor(t, "the failing notification", func() bool { b, _ := os.ReadFile(notes); return len(b) > 0 })
	p.stop(syscall.SIGTERM)
	before := countOutcome(e.journal(), "flaky", journal.Failed)
	p = e.startDaemon() // still failing: no new message
	waitFor(t, "two more failed runs after the restart", func() bool {
		return countOutcome(e.journal(), "flaky", journal.Failed) >= before+2
	})
	os.WriteFile(filepath.Join(e.home, "ok"), nil, 0o600)
	p.waitLog(`msg=notified source=flaky event=recovered`)
	p.stop(syscall.SIGTERM)
	b, _ := os.ReadFile(notes)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d messages, want 2:\n%s", len(lines), b)
	}
	for i, ev := range []string{"failing", "recovered"} {
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
			t.Fatal(err)
		}
		if m["event"] != ev || m["source"] != "flaky" {
			t.Errorf("message %d: %v", i, m)
		}
	}
	if env, _ := os.ReadFile(notes + ".env"); string(env) != "failing flaky\nrecovered flaky\n" {
		t.Errorf("env: %q", env)
	}
	if !strings.Contains(lines[0], "not yet") && !strings.Contains(lines[0], "exited with status 1") {
		t.Errorf("failing message lacks the error: %s", lines[0])
	}
}

// up from a script exits after one pass and says why; --once says nothing.
func TestUpWithoutTerminal(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig("[sources.a]\nexporter = \"command\"\ncommand = [\"echo\", \"x\"]\nkeep_identical = true\n")
	stdout, stderr, code := e.run("up")
	if code != 0 || !strings.Contains(stderr, "not a terminal") || !strings.Contains(stdout, "STATE") {
		t.Errorf("up: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, stderr, code := e.run("up", "--once"); code != 0 || strings.Contains(stderr, "not a terminal") {
		t.Errorf("up --once: exit %d\n%s", code, stderr)
	}
	if n := len(e.snapshots("a")); n != 2 {
		t.Errorf("%d snapshots", n)
	}
}

// schedule install/uninstall through the CLI: --print writes nothing;
// systemd units land in $XDG_CONFIG_HOME/systemd/user and go away again;
// the crontab (a fake crontab command on PATH) gets hoard's block and
// returns to what it was.
func TestScheduleInstallUninstall(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig("[sources.a]\nexporter = \"command\"\ncommand = [\"echo\", \"x\"]\nschedule = \"0 */6 * * *\"\n")
	units := filepath.Join(e.home, ".config/systemd/user")
	out, stderr, code := e.run("schedule", "install", "--systemd", "--print")
	if code != 0 || !strings.Contains(out, "OnCalendar=*-*-* 00,06,12,18:00:00") || !strings.Contains(out, hoardBin+" --config ") {
		t.Fatalf("--print: exit %d\n%s\n%s", code, out, stderr)
	}
	if names := listNames(t, units); len(names) != 0 {
		t.Fatalf("--print wrote %v", names)
	}
	if _, stderr, code := e.run("schedule", "install", "--systemd", "--no-enable"); code != 0 {
		t.Fatalf("install: exit %d\n%s", code, stderr)
	}
	if names := listNames(t, units); strings.Join(names, " ") != "hoard-a.service hoard-a.timer hoard-failed@.service" {
		t.Errorf("installed %v", names)
	}
	if _, stderr, code := e.run("schedule", "uninstall", "--no-enable"); code != 0 || !strings.Contains(stderr, "Removed") {
		t.Fatalf("uninstall: exit %d\n%s", code, stderr)
	}
	if names := listNames(t, units); len(names) != 0 {
		t.Errorf("left %v", names)
	}

	bin := filepath.Join(e.home, "bin")
	os.MkdirAll(bin, 0o755)
	tab := filepath.Join(e.home, "crontab.txt")
	os.WriteFile(filepath.Join(bin, "crontab"), []byte(`#!/bin/sh
case "$1" in
-l) [ -e "`+tab+`" ] || { echo "no crontab for $USER" >&2; exit 1; }; cat "`+tab+`";;
-) cat > "`+tab+`";;
esac
`), 0o755)
	os.WriteFile(tab, []byte("MAILTO=me\n"), 0o600)
	for i, v := range e.vars {
		if strings.HasPrefix(v, "PATH=") {
			e.vars[i] = "PATH=" + bin + ":" + strings.TrimPrefix(v, "PATH=")
		}
	}
	if _, stderr, code := e.run("schedule", "install", "--cron"); code != 0 {
		t.Fatalf("cron install: exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(tab)
	if !strings.HasPrefix(string(b), "MAILTO=me\n# BEGIN hoard") || !strings.Contains(string(b), "0 0,6,12,18 * * * '"+hoardBin+"'") {
		t.Errorf("crontab:\n%s", b)
	}
	if _, stderr, code := e.run("schedule", "uninstall"); code != 0 {
		t.Fatalf("cron uninstall: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(tab); string(b) != "MAILTO=me\n" {
		t.Errorf("crontab after uninstall: %q", b)
	}
	if _, stderr, code := e.run("schedule", "uninstall"); code == 0 || !strings.Contains(stderr, "nothing to uninstall") {
		t.Errorf("second uninstall: exit %d %s", code, stderr)
	}
}

// status --gaps marks a union source whose snapshots do not overlap in
// time at risk, as hoard doctor reports the gap.
func TestStatusGapsAtRisk(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[sources.notes]
exporter = "command"
command = ["echo", "[]"]
extension = "json"
key = "id"
time = "time"
schedule = "@yearly"
`)
	dir := filepath.Join(e.home, "exports/notes")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "20260101T000000Z.json"), []byte(`[{"id":1,"time":"2025-12-30T00:00:00Z"},{"id":2,"time":"2026-01-01T00:00:00Z"}]`), 0o644)
	os.WriteFile(filepath.Join(dir, "20260301T000000Z.json"), []byte(`[{"id":5,"time":"2026-02-20T00:00:00Z"}]`), 0o644)
	out, stderr, code := e.run("status", "--json")
	if code != 0 || strings.Contains(out, `"at_risk"`) {
		t.Errorf("without --gaps: exit %d, %s %s", code, out, stderr)
	}
	out, stderr, code = e.run("status", "--json", "--gaps", "--check")
	if code != 1 || !strings.Contains(out, `"at_risk": true`) || !strings.Contains(out, `"gaps": 1`) || !strings.Contains(stderr, "notes (at-risk)") {
		t.Errorf("with --gaps: exit %d\n%s\n%s", code, out, stderr)
	}
}

// The daemon's logs and the notify hook never see a secret's value: the
// exporter's stderr and errors are redacted before they are logged.
func TestDaemonNeverLogsSecrets(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	const value = "s3cr3t-T0KEN-value"
	secrets := filepath.Join(e.home, "secrets.toml")
	os.WriteFile(secrets, []byte("token = \""+value+"\"\n"), 0o600)
	notes := filepath.Join(e.home, "notes")
	e.writeConfig(fmt.Sprintf(`notify = ["sh", "-c", "cat > %s; env >> %s"]
[daemon]
failing_after = 1
[sources.api]
exporter = "command"
command = ["sh", "-c", "echo \"debug: token is $HOARD_SECRET_TOKEN\" >&2; echo \"fatal: bad token $HOARD_SECRET_TOKEN\" >&2; exit 1"]
secrets = %q
`, notes, notes, secrets))
	_, stderr, code := e.run("daemon", "--once", "--log-format", "json")
	if code != 1 || !strings.Contains(stderr, "token is [REDACTED]") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(notes)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr+string(b), value) {
		t.Errorf("secret leaked:\n%s\n%s", stderr, b)
	}
}
