package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two machines share one exports root (Syncthing, a network drive), each
// with its own state: per_host = true keeps their snapshots apart
// (ROOT/zsh/laptop/, ROOT/zsh/desktop/), so they never write the same
// path, and reading on either machine merges both histories into one:
// each command once, first and last seen across hosts.
func TestPerHostShellHistory(t *testing.T) {
	t.Parallel() // real processes with their own environments
	root := t.TempDir()
	laptop, desktop := newEnv(t), newEnv(t)
	for _, m := range []struct {
		e       *env
		host    string
		history string
	}{
		{laptop, "laptop", ": 1700000000:0;git status\n: 1700000100:2;make test\n: 1700000300:0;echo both\n"},
		{desktop, "desktop", ": 1700000050:0;ls -la\n: 1700000300:0;echo both\n: 1700000400:1;vim notes\\\nwith a second line\n"},
	} {
		os.WriteFile(filepath.Join(m.e.home, ".zsh_history"), []byte(m.history), 0o600)
		cfg := filepath.Join(m.e.home, ".config/hoard/hoard.toml")
		os.MkdirAll(filepath.Dir(cfg), 0o700)
		os.WriteFile(cfg, []byte(fmt.Sprintf("root = %q\nhost = %q\n[sources.zsh]\nexporter = \"zsh\"\npath = \"~/.zsh_history\"\ncompression = \"zstd\"\nper_host = true\n", root, m.host)), 0o600)
		if _, stderr, code := m.e.run("run"); code != 0 {
			t.Fatalf("%s: run: %d %s", m.host, code, stderr)
		}
	}
	// The laptop runs again later (a second later: another stamp) with
	// one more command.
	time.Sleep(1100 * time.Millisecond)
	f, _ := os.OpenFile(filepath.Join(laptop.home, ".zsh_history"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(": 1700000500:0;git push\n")
	f.Close()
	if _, stderr, code := laptop.run("run"); code != 0 {
		t.Fatalf("laptop second run: %d %s", code, stderr)
	}
	for _, host := range []string{"laptop", "desktop"} {
		entries, _ := os.ReadDir(filepath.Join(root, "zsh", host))
		if want := map[string]int{"laptop": 2, "desktop": 1}[host]; len(entries) != want {
			t.Errorf("%s's directory holds %d files, want %d", host, len(entries), want)
		}
	}
	var outs []string
	for _, m := range []*env{laptop, desktop} {
		out, stderr, code := m.run("items", "zsh")
		if code != 0 {
			t.Fatalf("items: %d %s", code, stderr)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Errorf("the two machines read different histories:\n%s\n%s", outs[0], outs[1])
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimSpace(outs[0]), "\n") {
		var it struct {
			Text      string `json:"text"`
			FirstSeen string `json:"first_seen"`
			LastSeen  string `json:"last_seen"`
		}
		json.Unmarshal([]byte(line), &it)
		cmds = append(cmds, it.Text)
		if it.Text == "echo both" && it.FirstSeen == it.LastSeen {
			t.Errorf("a command on both machines: first %s last %s; want seen on both", it.FirstSeen, it.LastSeen)
		}
	}
	if got := strings.Join(cmds, "|"); got != "git status|ls -la|make test|echo both|vim notes\nwith a second line|git push" {
		t.Errorf("merged history %q", got)
	}
	out, _, _ := desktop.run("status", "--json")
	if !strings.Contains(out, `"snapshots": 3`) {
		t.Errorf("status counts every host's snapshots: %s", out)
	}
	// Without a config, --dir --per-host reads the same.
	out, stderr, code := desktop.run("items", "--dir", filepath.Join(root, "zsh"), "--decoder", "zsh", "--per-host", "--name", "zsh")
	if code != 0 || out != outs[0] {
		t.Errorf("items --dir --per-host: %d %s\n%s", code, stderr, out)
	}
}
