package cli_test

// Integration tests of hoard serve and of the web app hoard up serves:
// the real binary on a real port, compared with the real hoard items.

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// requireTool returns the path of a program a test needs. Where it is
// missing the test is skipped, saying so, except in CI (HOARD_CI set by
// .ci/run, which installs it), where that is a failure.
func requireTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("HOARD_CI") != "" {
		t.Fatalf("%s is required in CI (.ci/run installs it)", names[0])
	}
	t.Skipf("%s is not installed: skipping (apt-get install %s)", names[0], names[0])
	return ""
}

// serveFixture is a config with a JSON source of two snapshots, run for
// real.
func serveFixture(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	data := filepath.Join(e.home, "notes.json")
	e.writeConfig(fmt.Sprintf(`
[sources.notes]
exporter = "file"
path = %q
extension = "json"
items = ["notes"]
key = "id"
time = "at"

[sources.other]
exporter = "command"
command = ["printf", "[{{\"id\": 1, \"title\": \"café sqlite\", \"at\": 1762000000}}, {{\"id\": 2, \"title\": \"no time\"}}]"]
extension = "json"
key = "id"
time = "at"
`, data))
	write := func(body string) {
		if err := os.WriteFile(data, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"notes": [{"id": "a", "at": "2026-11-01T10:00:00Z", "title": "Zürich <b>café</b>", "url": "javascript:alert(1)"},
		{"id": "b", "at": "2026-11-02T10:00:00Z", "title": "sqlite WAL", "body": "line one\nline two"}]}`)
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	write(`{"notes": [{"id": "b", "at": "2026-11-02T10:00:00Z", "title": "sqlite WAL (edited)"},
		{"id": "c", "at": "2026-11-03T10:00:00Z", "title": "third 🎉", "score": 1e3}]}`)
	if _, stderr, code := e.run("run", "notes"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	return e
}

var servingRE = regexp.MustCompile(`Serving the web app \(read-only\) at (http://[^ ;\n]+)`)

// startServe starts `hoard serve` on a free port and returns it with its
// base URL.
func (e *env) startServe(args ...string) (*daemonProc, string) {
	e.t.Helper()
	p := e.startProc(append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	p.waitLog("Serving the web app")
	return p, servingRE.FindStringSubmatch(p.stderr.String())[1]
}

func httpGet(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestServeAPIMatchesItems: GET /api/items streams exactly the bytes of
// `hoard items --format jsonl` and `hoard query --format jsonl` for the
// same selection.
func TestServeAPIMatchesItems(t *testing.T) {
	t.Parallel()
	e := serveFixture(t)
	p, base := e.startServe()
	for _, tc := range []struct{ cli, api string }{
		{"items notes", "source=notes"},
		{"items other", "source=other"},
		{"query", ""},
		{"query --reverse --limit 2", "reverse=true&limit=2"},
		{"query --search sqlite", "q=sqlite"},
		{"query notes other --after 2026-11-02 --before 2026-11-03T12:00", "source=notes,other&after=2026-11-02&before=2026-11-03T12:00"},
		{"items notes --within 100y", "source=notes&within=100y"},
	} {
		want, stderr, code := e.run(append(strings.Fields(tc.cli), "--format", "jsonl")...)
		if code != 0 || want == "" {
			t.Fatalf("hoard %s: %d %s", tc.cli, code, stderr)
		}
		code, got := httpGet(t, base+"/api/items?"+tc.api)
		if code != 200 || got != want {
			t.Errorf("/api/items?%s (%d):\n got %q\nwant %q", tc.api, code, got, want)
		}
	}
	if code := p.stop(syscall.SIGTERM); code != 143 && code != 0 {
		t.Errorf("serve stopped with %d\n%s", code, p.stderr)
	}
}

// TestServeOpenAddressNeedsToken: an address other machines can reach is
// refused without a token; with --token-file (created 0600) every
// request needs it, and the one-time login link is printed.
func TestServeOpenAddressNeedsToken(t *testing.T) {
	t.Parallel()
	e := serveFixture(t)
	_, stderr, code := e.run("serve", "--listen", "0.0.0.0:0")
	if code != 2 || !strings.Contains(stderr, "--token-file") {
		t.Fatalf("0.0.0.0 without a token: exit %d\n%s", code, stderr)
	}
	tokenFile := filepath.Join(e.home, "web-token")
	p, base := e.startServe("--listen", "0.0.0.0:0", "--token-file", tokenFile)
	info, err := os.Stat(tokenFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", info, err)
	}
	b, _ := os.ReadFile(tokenFile)
	token := strings.TrimSpace(string(b))
	p.waitLog("Log in once with")
	log := p.stderr.String()
	if !strings.Contains(log, "Wrote a new random token to "+tokenFile) || !strings.Contains(log, base+"/login?code=") || strings.Contains(log, token) {
		t.Errorf("start-up messages:\n%s", log)
	}
	if code, body := httpGet(t, base+"/api/items"); code != 401 || strings.Contains(body, "Zürich") {
		t.Errorf("without the token: %d %s", code, body)
	}
	if code, body := httpGet(t, base+"/api/items?source=notes", "Authorization", "Bearer "+token); code != 200 || !strings.Contains(body, "Zürich") {
		t.Errorf("with the token: %d %s", code, body)
	}
	login := regexp.MustCompile(`(http://\S+/login\?code=\S+)`).FindString(log)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(login)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Errorf("login link: %d %v", resp.StatusCode, resp.Cookies())
	}
	// A token file others can read is refused.
	os.Chmod(tokenFile, 0o644)
	if _, stderr, code := e.run("serve", "--listen", "127.0.0.1:0", "--token-file", tokenFile); code != 2 || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("a readable token file: exit %d %s", code, stderr)
	}
}

// TestUpServesTheWebApp: hoard up, kept running (standard input a
// terminal), serves the web app and prints where.
func TestUpServesTheWebApp(t *testing.T) {
	t.Parallel()
	e := serveFixture(t)
	master, slave := openPty(t)
	defer master.Close()
	p := &daemonProc{t: t, cmd: e.cmd("up", "--web", "127.0.0.1:0"), stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.exited
		}
	})
	p.waitLog("Serving the web app")
	base := servingRE.FindStringSubmatch(p.stderr.String())[1]
	if code, body := httpGet(t, base+"/"); code != 200 || !strings.Contains(body, "notes") {
		t.Errorf("dashboard: %d", code)
	}
	p.waitLog("The web app is at " + base)
	if code := p.stop(syscall.SIGINT); code != 0 && code != 130 {
		t.Errorf("up stopped with %d\n%s", code, p.stderr)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the web app still answers after up stopped")
	}
}

// openPty opens a pseudo-terminal pair (Linux).
func openPty(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// TestPythonClient runs docs/hoard_client.py with Debian's python3
// against a real server: what it reads is what `hoard query` prints.
func TestPythonClient(t *testing.T) {
	t.Parallel()
	python := requireTool(t, "python3")
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		python = "/usr/bin/python3" // Debian's, as CI has it
	}
	e := serveFixture(t)
	_, base := e.startServe()
	docs, _ := filepath.Abs(filepath.Join("..", "..", "docs"))
	script := `
import datetime, json, sys
sys.path.insert(0, sys.argv[1])
from hoard_client import Hoard, HoardError, parse_time
h = Hoard(sys.argv[2])
items = list(h.items())
print(len(items))
for it in items:
    print(it["source"], it["kind"], it["key"], it.get("time"), json.dumps(it["raw"], sort_keys=True, ensure_ascii=False))
newest = list(h.items("notes", reverse=True, limit=1))[0]
print("newest", newest["key"], parse_time(newest["time"]).isoformat())
print("search", [it["key"] for it in h.items(q="sqlite")])
print("after", [it["key"] for it in h.items(source=["notes", "other"], after=datetime.datetime(2026, 11, 2, tzinfo=datetime.timezone.utc))])
print("sources", sorted((s["source"], s["doctor"]["items"]) for s in h.sources()))
try:
    list(h.items("nope"))
except HoardError as e:
    print("error", e)
`
	cmd := exec.Command(python, "-c", script, docs, base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	jsonl, _, _ := e.run("query", "--format", "jsonl")
	var want []string
	lines := strings.Split(strings.TrimSpace(jsonl), "\n")
	want = append(want, fmt.Sprint(len(lines)))
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if got[0] != want[0] || len(got) < len(lines)+6 {
		t.Fatalf("python read %s items, hoard query prints %s:\n%s", got[0], want[0], out)
	}
	for i, l := range lines {
		for _, key := range []string{`"source":"notes"`, `"source":"other"`} {
			if strings.Contains(l, key) && !strings.HasPrefix(got[i+1], strings.Split(key, `"`)[3]+" ") {
				t.Errorf("line %d: python %q, hoard %q", i, got[i+1], l)
			}
		}
	}
	rest := strings.Join(got[len(lines)+1:], "\n")
	for _, w := range []string{
		"newest c 2026-11-03T10:00:00+00:00",
		"search ['1', 'b']",
		"after ['b', 'c']",
		"sources [('notes', 3), ('other', 2)]",
		`error 404 /api/items: no source "nope" in`,
	} {
		if !strings.Contains(rest, w) {
			t.Errorf("python output lacks %q:\n%s", w, rest)
		}
	}
}
