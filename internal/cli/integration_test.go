package cli_test

// Integration tests: they build the real hoard binary and run it as a user
// would, with real child processes, signals and files.

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/s3test"
	"github.com/hoard-dev/hoard/snapshot"
	_ "modernc.org/sqlite"
)

var hoardBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hoard-bin-")
	if err != nil {
		panic(err)
	}
	hoardBin = filepath.Join(dir, "hoard")
	out, err := exec.Command("go", "build", "-o", hoardBin, "github.com/hoard-dev/hoard/cmd/hoard").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building hoard: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	s3test.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is an isolated user: its own HOME and XDG directories.
type env struct {
	t    *testing.T
	home string
	vars []string
}

func newEnv(t *testing.T) *env {
	home := t.TempDir()
	e := &env{t: t, home: home}
	e.vars = []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local/state"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local/share"),
	}
	return e
}

func (e *env) cmd(args ...string) *exec.Cmd {
	c := exec.Command(hoardBin, args...)
	c.Env = e.vars
	c.Dir = e.home
	return c
}

// run runs hoard to completion and returns stdout, stderr and exit code.
func (e *env) run(args ...string) (string, string, int) {
	e.t.Helper()
	c := e.cmd(args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func (e *env) writeConfig(body string) {
	e.t.Helper()
	p := filepath.Join(e.home, ".config/hoard/hoard.toml")
	os.MkdirAll(filepath.Dir(p), 0o700)
	text := fmt.Sprintf("root = %q\n%s", filepath.Join(e.home, "exports"), body)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) snapshots(source string) []snapshot.Snapshot {
	e.t.Helper()
	l, err := snapshot.ListDir(filepath.Join(e.home, "exports", source))
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	return l.Snapshots
}

func content(t *testing.T, path string) []byte {
	t.Helper()
	r, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// waitFile waits for a file a child creates to say it has started.
func waitFile(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

func listNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// SIGKILL of hoard at random moments of a large capture never leaves a
// partial or corrupt file under a final name, and the next run works.
func TestCaptureSurvivesSIGKILL(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	dir := filepath.Join(e.home, "out")
	const size = 30 << 20
	gen := fmt.Sprintf(`yes "0123456789 abcdefghij héllo wörld" | head -c %d`, size)
	args := []string{"capture", filepath.Join(dir, "{utcnow}.txt"), "-c", "zstd", "--", "sh", "-c", gen}

	start := time.Now()
	if _, stderr, code := e.run(args...); code != 0 {
		t.Fatalf("baseline capture: exit %d: %s", code, stderr)
	}
	full := time.Since(start)
	names := listNames(t, dir)
	if len(names) != 1 {
		t.Fatalf("baseline left %v", names)
	}
	want := sha256.Sum256(content(t, filepath.Join(dir, names[0])))

	for i := 0; i < 50; i++ {
		c := e.cmd(args...)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full) * 6 / 5)))
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
	}
	complete := 0
	for _, name := range listNames(t, dir) {
		if strings.HasPrefix(name, ".") {
			continue // temporary files of killed runs: never listed, cleaned next run
		}
		complete++
		if got := sha256.Sum256(content(t, filepath.Join(dir, name))); got != want {
			t.Errorf("%s: content differs from a complete capture", name)
		}
	}
	t.Logf("%d of 50 killed captures had completed; the rest were cut short", complete-1)
	if complete-1 >= 50 {
		t.Fatalf("no capture was killed mid-way; the test proves nothing")
	}
	if _, stderr, code := e.run(args...); code != 0 {
		t.Fatalf("capture after the kills: exit %d: %s", code, stderr)
	}
	for _, name := range listNames(t, dir) {
		if strings.HasPrefix(name, ".hoard-tmp-") {
			t.Errorf("stale temporary file %s not cleaned by the next run", name)
		}
	}
}

// A command that fails twice and then succeeds is retried; only the
// successful attempt's output is kept.
func TestCaptureRetriesFlakyCommand(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	script := `n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "attempt $n"; [ $n -ge 3 ]`
	_, stderr, code := e.run("capture", "out/{utcnow}.txt", "-r", "3", "--", "sh", "-c", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := listNames(t, filepath.Join(e.home, "out"))
	if len(names) != 1 {
		t.Fatalf("files %v, want exactly one", names)
	}
	if got := string(content(t, filepath.Join(e.home, "out", names[0]))); got != "attempt 3\n" {
		t.Errorf("kept %q, want the third attempt's output", got)
	}
	if !strings.Contains(stderr, "attempt 1/3 failed") || !strings.Contains(stderr, "attempt 2/3 failed") {
		t.Errorf("stderr does not report the failed attempts: %s", stderr)
	}
}

// Every usage error is found before the command runs.
func TestCaptureUsageErrorsRunNothing(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	os.WriteFile(filepath.Join(e.home, "afile"), nil, 0o600)
	marker := filepath.Join(e.home, "ran")
	cases := [][]string{
		{"capture", "out/{nope}.txt", "--", "touch", marker},
		{"capture", "out/{utcnow}.txt", "-c", "lzma", "--", "touch", marker},
		{"capture", "afile/{utcnow}.txt", "--", "touch", marker},
		{"capture", "out/{utcnow}.txt", "-r", "0", "--", "touch", marker},
		{"capture", "out/{utcnow}.txt.gz", "-c", "zstd", "--", "touch", marker},
		{"capture", "out/{utcnow}.txt"},
	}
	for _, args := range cases {
		_, stderr, code := e.run(args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage); stderr %s", args, code, stderr)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("%v: the command ran", args)
		}
	}
}

func TestCaptureFailureReportsExitCode(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	_, stderr, code := e.run("capture", "out/{utcnow}.txt", "--", "sh", "-c", "echo partial; echo boom >&2; exit 7")
	if code != 1 || !strings.Contains(stderr, "status 7") || !strings.Contains(stderr, "boom") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if names := listNames(t, filepath.Join(e.home, "out")); len(names) != 0 {
		t.Errorf("failed capture left %v", names)
	}
}

// Bytes are bytes: invalid UTF-8 and NULs on stdout and stderr are kept.
func TestCaptureBinaryOutput(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	_, stderr, code := e.run("capture", "out/{utcnow}.bin", "-c", "gzip", "--", "sh", "-c", `printf '\377\376\000raw'; printf '\377bad\n' >&2`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := listNames(t, filepath.Join(e.home, "out"))
	if len(names) != 1 || !strings.HasSuffix(names[0], ".bin.gz") {
		t.Fatalf("files %v", names)
	}
	if got := content(t, filepath.Join(e.home, "out", names[0])); !bytes.Equal(got, []byte("\xff\xfe\x00raw")) {
		t.Errorf("content %q", got)
	}
	if !strings.Contains(stderr, "\xffbad") {
		t.Errorf("stderr %q was not passed through", stderr)
	}
}

func TestCaptureEmptyOutput(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	if _, stderr, code := e.run("capture", "out/{utcnow}.json", "-c", "zstd", "--", "true"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := listNames(t, filepath.Join(e.home, "out"))
	if len(names) != 1 || len(content(t, filepath.Join(e.home, "out", names[0]))) != 0 {
		t.Errorf("files %v", names)
	}
}

// SIGINT reaches the child's process group; nothing is saved.
func TestCaptureInterrupt(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			e := newEnv(t)
			script := fmt.Sprintf(`trap 'touch got-%d; exit 1' %d; echo partial; touch started; while :; do sleep 0.05; done`, sig, sig)
			c := e.cmd("capture", "out/{utcnow}.txt", "--", "sh", "-c", script)
			var errb bytes.Buffer
			c.Stderr = &errb
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			waitFile(t, filepath.Join(e.home, "started"))
			c.Process.Signal(sig)
			err := c.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit %v, want %d; stderr %s", err, 128+int(sig), errb.String())
			}
			waitFile(t, filepath.Join(e.home, fmt.Sprintf("got-%d", sig)))
			for _, n := range listNames(t, filepath.Join(e.home, "out")) {
				t.Errorf("interrupted capture left %s", n)
			}
		})
	}
}

// Two runs of one source at once: one snapshot, one clear refusal; with
// --wait the second waits its turn.
func TestRunLockedSource(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[sources.slow]
exporter = "command"
command = ["sh", "-c", "touch started; while [ ! -e go ]; do sleep 0.02; done; rm go started; echo data"]
keep_identical = true
`)
	first := e.cmd("run", "slow")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFile(t, filepath.Join(e.home, "started"))
	_, stderr, code := e.run("run", "slow")
	if code != 3 || !strings.Contains(stderr, "another hoard run") {
		t.Errorf("second run: exit %d, stderr %q; want exit 3 and a refusal", code, stderr)
	}
	waiter := e.cmd("run", "slow", "--wait")
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(e.home, "go"), nil, 0o600)
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	waitFile(t, filepath.Join(e.home, "started")) // the waiter's exporter runs now
	os.WriteFile(filepath.Join(e.home, "go"), nil, 0o600)
	if err := waiter.Wait(); err != nil {
		t.Fatalf("waiting run: %v", err)
	}
	if n := len(e.snapshots("slow")); n != 2 {
		t.Errorf("%d snapshots, want 2 (first and waiting run)", n)
	}
	out, _, _ := e.run("status", "--json")
	if !strings.Contains(out, `"outcome": "ok"`) {
		t.Errorf("status: %s", out)
	}
}

// A secret's value never appears in the child's argv, in hoard's output or
// in the journal, but reaches the child through the environment.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	const value = "s3cr3t-T0KEN-value"
	secrets := filepath.Join(e.home, "secrets.toml")
	os.WriteFile(secrets, []byte("token = \""+value+"\"\n"), 0o600)
	script := `tr '\0' ' ' < /proc/$$/cmdline; echo; echo "env=$HOARD_SECRET_TOKEN"; echo "debug: token is $HOARD_SECRET_TOKEN" >&2; exit $FAIL`
	e.writeConfig(fmt.Sprintf(`
[sources.api]
exporter = "command"
command = ["sh", "-c", %q, "sh", "--secrets", "{secrets}"]
secrets = %q
`, script, secrets))
	e.vars = append(e.vars, "FAIL=0")
	stdout, stderr, code := e.run("run", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	snaps := e.snapshots("api")
	if len(snaps) != 1 {
		t.Fatalf("%d snapshots", len(snaps))
	}
	got := string(content(t, snaps[0].Path))
	argv, envLine, _ := strings.Cut(got, "\n")
	if strings.Contains(argv, value) || !strings.Contains(argv, "--secrets "+secrets) {
		t.Errorf("child argv %q: must hold the secrets path and not the value", argv)
	}
	if !strings.Contains(envLine, "env="+value) {
		t.Errorf("child did not get HOARD_SECRET_TOKEN: %q", envLine)
	}
	if strings.Contains(stdout+stderr, value) || !strings.Contains(stderr, "token is [REDACTED]") {
		t.Errorf("hoard output leaks or lost the stderr line: %q %q", stdout, stderr)
	}
	e.vars = append(e.vars, "FAIL=5")
	stdout, stderr, code = e.run("run", "--json")
	if code != 1 || strings.Contains(stdout+stderr, value) {
		t.Errorf("failing run: exit %d, output %q %q", code, stdout, stderr)
	}
	journal, err := os.ReadFile(filepath.Join(e.home, ".local/state/hoard/journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(journal), value) || !strings.Contains(string(journal), "[REDACTED]") {
		t.Errorf("journal: %s", journal)
	}
}

func TestRunRefusesOpenSecretsFile(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	secrets := filepath.Join(e.home, "secrets.toml")
	os.WriteFile(secrets, []byte("token = \"x\"\n"), 0o644)
	os.Chmod(secrets, 0o644)
	e.writeConfig(fmt.Sprintf("[sources.api]\nexporter = \"command\"\ncommand = [\"echo\", \"{secrets}\"]\nsecrets = %q\n", secrets))
	_, stderr, code := e.run("run")
	if code != 2 || !strings.Contains(stderr, "chmod 600 "+secrets) { // a configuration error
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if n := len(e.snapshots("api")); n != 0 {
		t.Errorf("%d snapshots", n)
	}
}

// A timeout kills the exporter's whole process group, grandchildren too.
func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig(`
[sources.hang]
exporter = "command"
command = ["sh", "-c", "sleep 300 & echo $! > bgpid; echo partial; wait"]
timeout = "1s"
`)
	stdout, stderr, code := e.run("run", "--json")
	if code != 1 || !strings.Contains(stdout, `"outcome":"timeout"`) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(e.home, "bgpid"))
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	fmt.Sscan(string(b), &pid)
	alive := true
	for i := 0; i < 500 && alive; i++ {
		alive = syscall.Kill(pid, 0) == nil && !isZombie(pid)
		time.Sleep(10 * time.Millisecond)
	}
	if alive {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("grandchild %d survived the timeout", pid)
	}
	if n := len(e.snapshots("hang")); n != 0 {
		t.Errorf("%d snapshots after a timeout", n)
	}
}

func isZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] == "Z"
}

// With no config, commands say what to do next.
func TestNoConfigSaysWhatToDo(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	for _, args := range [][]string{{"run"}, {"status"}} {
		_, stderr, code := e.run(args...)
		if code != 2 || !strings.Contains(stderr, "hoard init") || !strings.Contains(stderr, "hoard up") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestMalformedConfigNamesLine(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig("\n[sources.a]\nexporter = \"file\"\npath = \"/etc/hostname\"\nretires = 3\n")
	_, stderr, code := e.run("run")
	if code != 2 || !strings.Contains(stderr, "hoard.toml:6") || !strings.Contains(stderr, "retires") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// status on an arctee-made root with no config and no journal reports from
// the files, mixed compression included.
func TestStatusOnArcteeRoot(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	root := filepath.Join(e.home, "old-exports")
	dst := filepath.Join(root, "rtm")
	os.MkdirAll(dst, 0o755)
	src, _ := filepath.Abs("../../snapshot/testdata/arctee")
	entries, _ := os.ReadDir(src)
	for _, ent := range entries {
		b, _ := os.ReadFile(filepath.Join(src, ent.Name()))
		os.WriteFile(filepath.Join(dst, ent.Name()), b, 0o644)
	}
	stdout, stderr, code := e.run("status", "--root", root, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["source"] != "rtm" || rows[0]["snapshots"] != float64(6) || rows[0]["newest_snapshot"] != "2020-01-07T17:00:15Z" {
		t.Errorf("rows %v", rows)
	}
	if u, _ := rows[0]["undatable_files"].([]any); len(u) != 1 {
		t.Errorf("README.txt not reported as undatable: %v", rows[0])
	}
	table, _, _ := e.run("status", "--root", root)
	if !strings.Contains(table, "rtm (not configured)") || !strings.Contains(table, "without a date") {
		t.Errorf("table:\n%s", table)
	}
}

// hoard up on a fresh machine: writes the starter config with the local
// sources it finds, runs them, prints status.
func TestUpOnFreshHome(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	os.WriteFile(filepath.Join(e.home, ".bash_history"), []byte("ls\ncd /tmp\n"), 0o600)
	os.WriteFile(filepath.Join(e.home, ".zsh_history"), []byte(": 1600000000:0;ls\n"), 0o600)
	fish := filepath.Join(e.home, ".local/share/fish/fish_history")
	os.MkdirAll(filepath.Dir(fish), 0o700)
	os.WriteFile(fish, []byte("- cmd: ls\n  when: 1600000000\n"), 0o600)
	for _, p := range []string{".mozilla/firefox/a1.default/places.sqlite", ".config/chromium/Default/History", ".config/chromium/Profile 1/History"} {
		makeSQLite(t, filepath.Join(e.home, p))
	}
	stdout, stderr, code := e.run("up", "--once")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, name := range []string{"bash", "zsh", "fish", "firefox", "chromium", "chromium-2"} {
		if n := len(e.snapshots(name)); n != 1 {
			t.Errorf("%s: %d snapshots", name, n)
		}
		if !strings.Contains(stdout, name) {
			t.Errorf("status table lacks %s:\n%s", name, stdout)
		}
	}
	info, err := os.Stat(filepath.Join(e.home, ".config/hoard/hoard.toml"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("config: %v %v", info, err)
	}
	if !strings.Contains(stderr, "Wrote ") {
		t.Errorf("up did not say where it wrote the config: %s", stderr)
	}
	// The sources it configured read back with no further settings.
	items, stderr, code := e.run("items", "bash")
	if code != 0 || strings.Count(items, "\n") != 2 || !strings.Contains(items, `"cd /tmp"`) {
		t.Errorf("items bash: exit %d, %q, %s", code, items, stderr)
	}
	// A second up uses the existing config.
	if _, stderr, code := e.run("up", "--once"); code != 0 || strings.Contains(stderr, "Wrote ") {
		t.Errorf("second up: exit %d, %s", code, stderr)
	}
}

func makeSQLite(t *testing.T, path string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o700)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"PRAGMA journal_mode=WAL", "CREATE TABLE t(x)", "INSERT INTO t VALUES (1)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	if out, _, code := e.run("--version"); code != 0 || !strings.Contains(out, "hoard version") {
		t.Errorf("--version: %d %q", code, out)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if out, _, code := e.run("completion", sh); code != 0 || !strings.Contains(out, "hoard") {
			t.Errorf("completion %s: exit %d", sh, code)
		}
	}
	if _, _, code := e.run("frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

// hoard sources lists every built-in source, for people and as JSON.
func TestSources(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	table, _, code := e.run("sources")
	if code != 0 || !strings.Contains(table, "NAME") || !strings.Contains(table, "init --add") {
		t.Fatalf("exit %d:\n%s", code, table)
	}
	out, _, code := e.run("sources", "--json")
	var infos []struct {
		Name, Category, Docs string
		Kinds                map[string]struct{ Key []string }
	}
	if err := json.Unmarshal([]byte(out), &infos); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	names := map[string]bool{}
	for _, in := range infos {
		names[in.Name] = true
		if in.Category == "" || !strings.HasSuffix(in.Docs, "docs/sources/"+in.Name+".md") || len(in.Kinds) == 0 {
			t.Errorf("%+v", in)
		}
		if !strings.Contains(table, in.Name) {
			t.Errorf("the table lacks %s", in.Name)
		}
	}
	for _, n := range []string{"bash", "zsh", "fish", "firefox", "chromium"} {
		if !names[n] {
			t.Errorf("%s missing from hoard sources --json", n)
		}
	}
}

// hoard init --add appends a built-in source's stanza: a profile found on
// this machine when there is one, else the example to edit; a second add
// takes the next free name; an unknown name is a usage error with a
// suggestion.
func TestInitAdd(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	makeSQLite(t, filepath.Join(e.home, ".mozilla/firefox/x1.default/places.sqlite"))
	if _, stderr, code := e.run("init", "--add", "firefox"); code != 0 || !strings.Contains(stderr, "already has [sources.firefox], found on this machine") {
		t.Fatalf("first add (no config yet): exit %d\n%s", code, stderr)
	}
	_, stderr, code := e.run("init", "--add", "firefox")
	if code != 0 || !strings.Contains(stderr, "Added [sources.firefox-2]") || !strings.Contains(stderr, "edit its path") {
		t.Fatalf("second add: exit %d\n%s", code, stderr)
	}
	cfg, _ := os.ReadFile(filepath.Join(e.home, ".config/hoard/hoard.toml"))
	if strings.Count(string(cfg), "x1.default/places.sqlite") != 1 || !strings.Contains(string(cfg), "PROFILE/places.sqlite") {
		t.Errorf("config:\n%s", cfg)
	}
	if out, stderr, code := e.run("run", "firefox"); code != 0 {
		t.Errorf("run the added source: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := e.run("init", "--add", "firefx"); code != 2 || !strings.Contains(stderr, `did you mean "firefox"?`) {
		t.Errorf("unknown source: exit %d\n%s", code, stderr)
	}
}
