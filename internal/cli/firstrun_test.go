package cli_test

// The first run, as a new user meets it (a fresh home each time), and the
// conventions of a CLI that behaves like the tools people trust: human
// output on a terminal and no control sequences elsewhere, suggestions,
// man pages, completion, --version.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/testtool"
)

// nextSteps are the commands 'hoard up' shows a newcomer.
var nextSteps = []string{"hoard query --within 1w", "hoard sources", "hoard init --add NAME"}

// An empty home: up writes a starter config that finds nothing, says so,
// shows what to do next, and exits 0 (nothing failed, nothing is wrong
// with the config).
func TestFirstRunEmptyHome(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	stdout, stderr, code := e.run("up")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range append([]string{"Wrote ", "with 0 source(s)", "no shell history, browser profile or git repository", "Nothing to export yet"}, nextSteps...) {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	cfg, err := os.ReadFile(filepath.Join(e.home, ".config/hoard/hoard.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://github.com/hoard-dev/hoard/blob/main/docs/guide.md", `# exporter = "file"`, `# exporter = "command"`, `# A web API`} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("starter config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(string(cfg), "see docs/") {
		t.Errorf("the starter config names a local path:\n%s", cfg)
	}
}

// history, two browser profiles and a git repository: up finds all of
// them, exports them, and the commits read back.
func TestFirstRunFindsYourData(t *testing.T) {
	t.Parallel() // a real process with its own environment
	testtool.Need(t, "up finds and exports the commits of a real repository", "git")
	e := newEnv(t)
	os.WriteFile(filepath.Join(e.home, ".bash_history"), []byte("ls\ncd /tmp\n"), 0o600)
	for _, p := range []string{".config/BraveSoftware/Brave-Browser/Default/History", ".mozilla/firefox/a1.default-release/places.sqlite"} {
		makeSQLite(t, filepath.Join(e.home, p))
	}
	os.WriteFile(filepath.Join(e.home, ".gitconfig"), []byte("[user]\n\tname = Me\n\temail = me@example.org\n[init]\n\tdefaultBranch = main\n"), 0o600)
	e.vars = append(e.vars, "GIT_CONFIG_NOSYSTEM=1")
	repo := filepath.Join(e.home, "src", "project")
	os.MkdirAll(repo, 0o755)
	for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "Hello from the test"}} {
		c := exec.Command("git", append([]string{"-C", repo}, args...)...)
		c.Env = e.vars
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	stdout, stderr, code := e.run("up")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, name := range []string{"bash", "brave", "firefox", "git"} {
		if n := len(e.snapshots(name)); n != 1 {
			t.Errorf("%s: %d snapshots\n%s", name, n, stderr)
		}
	}
	for _, want := range nextSteps {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if items, stderr, code := e.run("items", "git"); code != 0 || !strings.Contains(items, `"title":"Hello from the test"`) {
		t.Errorf("items git: exit %d, %s %s", code, items, stderr)
	}
}

// ptyRun runs hoard on a pseudo-terminal (util-linux script) with TERM
// set, until it exits or until stop returns true for the output so far
// (then it gets SIGTERM). It returns everything hoard wrote.
func (e *env) ptyRun(term string, stop func(string) bool, args ...string) string {
	e.t.Helper()
	testtool.Need(e.t, "hoard's output on a terminal is checked through a pseudo-terminal", "script")
	pidFile := filepath.Join(e.home, "hoard.pid")
	inner := "echo $$ > " + shellQuote(pidFile) + "; exec " + shellQuote(hoardBin)
	for _, a := range args {
		inner += " " + shellQuote(a)
	}
	cmd := exec.Command("script", "-qefc", "sh -c "+shellQuote(inner), "/dev/null")
	cmd.Env = append(append([]string{}, e.vars...), "TERM="+term)
	cmd.Dir = e.home
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case <-done:
			return out.String()
		case <-deadline:
			cmd.Process.Kill()
			e.t.Fatalf("hoard %v on a terminal did not finish:\n%q", args, out.String())
		case <-time.After(20 * time.Millisecond):
			if stop != nil && stop(out.String()) {
				b, _ := os.ReadFile(pidFile)
				var pid int
				if _, err := fmt.Sscan(string(b), &pid); err == nil && pid > 0 {
					syscall.Kill(pid, syscall.SIGTERM)
				}
				stop = nil
			}
		}
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var logLine = regexp.MustCompile(`(?m)(^|\s)(time=|level=(INFO|WARN|ERROR))`)

// On a terminal, hoard up keeps running as the daemon does, and shows
// what 'hoard run' shows, not log lines: the friendly "saved" line of
// each source, the status table, what to do next.
func TestUpOnTerminalIsFriendly(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	os.WriteFile(filepath.Join(e.home, ".bash_history"), []byte("ls\n"), 0o600)
	makeSQLite(t, filepath.Join(e.home, ".config/chromium/Default/History"))
	out := e.ptyRun("xterm", func(s string) bool { return strings.Contains(s, "hoard keeps running") }, "up")
	if logLine.MatchString(out) {
		t.Errorf("log lines on a terminal:\n%s", out)
	}
	for _, want := range append([]string{"bash: saved ", "chromium: saved ", "SOURCE", "hoard keeps running"}, nextSteps...) {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "bash: saved ") != 1 || strings.Contains(out, "export saved") {
		t.Errorf("each export is reported once, as hoard run does:\n%s", out)
	}
	// The same up with its output to a file logs, for the record.
	e.writeConfig("[sources.bash]\nexporter = \"bash\"\npath = \"" + filepath.Join(e.home, ".bash_history") + "\"\n")
	logs := e.ptyRun("xterm", func(s string) bool { return strings.Contains(s, "export saved") }, "up", "--log-format", "text")
	if !logLine.MatchString(logs) {
		t.Errorf("--log-format text gave no log lines:\n%s", logs)
	}
}

var controlSeq = regexp.MustCompile("\x1b|\r[^\n]")

// TERM=dumb and output that is not a terminal get no control sequence;
// a real terminal gets the live progress line (so the check can fail).
func TestNoControlSequencesForDumbTerminals(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig("[sources.slow]\nexporter = \"command\"\ncommand = [\"sh\", \"-c\", \"echo start; sleep 1.5; echo end\"]\n")
	for _, term := range []string{"dumb", "xterm"} {
		out := strings.ReplaceAll(e.ptyRun(term, nil, "run", "slow"), "\r\n", "\n")
		if !strings.Contains(out, "slow: saved ") {
			t.Errorf("TERM=%s: %q", term, out)
		}
		if got := controlSeq.MatchString(out); got != (term == "xterm") {
			t.Errorf("TERM=%s: control sequences %v, want %v:\n%q", term, got, term == "xterm", out)
		}
	}
	_, stderr, code := e.run("run", "slow")
	if code != 0 || controlSeq.MatchString(stderr) || !strings.Contains(stderr, "slow: exporting\n") {
		t.Errorf("not a terminal: exit %d, %q", code, stderr)
	}
}

// capture refuses a template without {utcnow} (its files could not be
// dated) before running anything, unless --allow-undated.
func TestCaptureNeedsAStamp(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	marker := filepath.Join(e.home, "ran")
	_, stderr, code := e.run("capture", filepath.Join(e.home, "out.json"), "--", "touch", marker)
	if code != 2 || !strings.Contains(stderr, "{utcnow}") || !strings.Contains(stderr, "out-{utcnow}.json") || !strings.Contains(stderr, "--allow-undated") {
		t.Errorf("exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran")
	}
	if _, stderr, code := e.run("capture", filepath.Join(e.home, "out.json"), "--allow-undated", "--", "touch", marker); code != 0 {
		t.Errorf("--allow-undated: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(e.home, "out.json")); err != nil {
		t.Error(err)
	}
}

// Subcommands are suggested or aliased; run suggests source names.
func TestSuggestionsAndAliases(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig("[sources.github]\nexporter = \"command\"\ncommand = [\"echo\"]\n")
	if _, stderr, code := e.run("run", "githb"); code != 2 || !strings.Contains(stderr, `did you mean "github"?`) {
		t.Errorf("run githb: exit %d, %s", code, stderr)
	}
	if _, stderr, code := e.run("stauts"); code != 2 || !strings.Contains(stderr, `did you mean "status"?`) {
		t.Errorf("stauts: exit %d, %s", code, stderr)
	}
	if _, stderr, code := e.run("schedule", "remove", "--no-enable"); !strings.Contains(stderr, "nothing to uninstall") || strings.Contains(stderr, "Usage:") {
		t.Errorf("schedule remove: exit %d, %s", code, stderr)
	}
}

// -v is --verbose (as in restic and rclone); --version names the commit
// the binary was built from.
func TestVersionAndVerbose(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	out, _, code := e.run("--version")
	if code != 0 || !regexp.MustCompile(`^hoard version \S+ \((commit [0-9a-f]{12}( of \S+)?(, modified)?|no commit recorded); go1\.\d+`).MatchString(out) {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	// The commit is the one Go recorded in the binary (go version -m), when
	// it recorded one: a build in a git checkout does, by default; a build
	// in a git worktree or with -buildvcs=false does not.
	info, err := exec.Command("go", "version", "-m", hoardBin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`vcs\.revision=([0-9a-f]{12})`).FindSubmatch(info); m != nil {
		if !strings.Contains(out, "commit "+string(m[1])) {
			t.Errorf("--version %q does not name the recorded commit %s", out, m[1])
		}
	} else if !strings.Contains(out, "no commit recorded") {
		t.Errorf("--version %q names a commit the binary does not record", out)
	}
	e.writeConfig("[sources.a]\nexporter = \"command\"\ncommand = [\"echo\"]\n")
	if _, stderr, code := e.run("-v", "run", "--dry-run"); code != 0 || strings.Contains(stderr, "unknown shorthand") {
		t.Errorf("-v: exit %d, %s", code, stderr)
	}
}

// hoard man writes pages that groff reads without a warning.
func TestManPages(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	dir := filepath.Join(e.home, "man")
	if _, stderr, code := e.run("man", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	names := strings.Join(pages, " ")
	for _, want := range []string{"hoard.1", "hoard-run.1", "hoard-schedule-install.1", "hoard-export-sqlite.1"} {
		if !strings.Contains(names, want) {
			t.Errorf("no %s in %s", want, names)
		}
	}
	if strings.Contains(names, "hoard-schedule-failed.1") {
		t.Error("a page for a hidden command")
	}
	groff := testtool.Need(t, "the man pages are checked by groff", "groff")[0]
	for _, p := range pages {
		cmd := exec.Command(groff, "-man", "-ww", "-z", "-Tutf8", p)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("%s: %v\n%s", filepath.Base(p), err, out)
		}
	}
	text, err := exec.Command(groff, "-man", "-Tutf8", "-P-cbu", filepath.Join(dir, "hoard-run.1")).Output()
	if err != nil || !strings.Contains(string(text), "--dry-run") || !strings.Contains(string(text), "EXAMPLES") {
		t.Errorf("hoard-run.1 rendered: %v\n%s", err, text)
	}
}

// Completion offers the config's sources, the decoders and the formats.
func TestCompletion(t *testing.T) {
	t.Parallel() // a real process with its own environment
	e := newEnv(t)
	e.writeConfig("[sources.github]\nexporter = \"command\"\ncommand = [\"echo\"]\n[sources.firefox]\nexporter = \"file\"\npath = \"/x\"\n")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", ""}, []string{"github", "firefox"}},
		{[]string{"run", "github", ""}, []string{"firefox"}},
		{[]string{"items", "--dir", "x", "--decoder", "js"}, []string{"json", "jsonl"}},
		{[]string{"query", "--format", ""}, []string{"jsonl", "csv", "table"}},
		{[]string{"init", "--add", "f"}, []string{"fish", "firefox"}},
		{[]string{"up", "--log-format", ""}, []string{"auto", "human", "text", "json"}},
	} {
		out, stderr, code := e.run(append([]string{"__complete"}, c.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", c.args, code, stderr)
		}
		var got []string
		for _, line := range strings.Split(out, "\n") {
			if line != "" && !strings.HasPrefix(line, ":") {
				name, _, _ := strings.Cut(line, "\t")
				got = append(got, name)
			}
		}
		for _, w := range c.want {
			if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+w+" ") {
				t.Errorf("%v: completions %v lack %q", c.args, got, w)
			}
		}
		if c.args[0] == "run" && len(c.args) == 3 && strings.Contains(strings.Join(got, " "), "github") {
			t.Errorf("%v: offers a source already given: %v", c.args, got)
		}
	}
}
