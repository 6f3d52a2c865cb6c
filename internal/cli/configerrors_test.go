package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var nameList = regexp.MustCompile(`\((decoders|exporters): [^)]*\)`)

// TestConfigErrorGolden: each testdata/configerrors/*.toml gives exactly
// the messages of its .golden file (one line per mistake, none caused by
// another) and exit status 2, and runs nothing.
func TestConfigErrorGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/configerrors/*.toml")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HOME", dir)
			t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
			t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
			os.WriteFile(filepath.Join(dir, "open.toml"), []byte("token = \"abcdefgh\"\n"), 0o600)
			os.Chmod(filepath.Join(dir, "open.toml"), 0o644)
			os.WriteFile(filepath.Join(dir, "lacking.toml"), []byte("username = \"me\"\n"), 0o600)
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(dir, "hoard.toml")
			os.WriteFile(cfg, bytes.ReplaceAll(text, []byte("DIR"), []byte(dir)), 0o600)
			var stdout, stderr bytes.Buffer
			g := &Globals{ConfigPath: cfg, Stdout: &stdout, Stderr: &stderr}
			code := exitCode(runRun(context.Background(), g, runOpts{}), &stderr)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if _, err := os.Stat(filepath.Join(dir, "exports")); err == nil {
				t.Error("something ran: the exports root exists")
			}
			got := strings.ReplaceAll(stderr.String(), dir, "DIR")
			// The lists of every decoder and exporter grow with each
			// source hoard gains: the goldens do not depend on them.
			got = nameList.ReplaceAllString(got, "($1: ...)")
			golden(t, filepath.Join("configerrors", name+".golden"), got)
			// One line per mistake: every line names the file and a line.
			for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if !strings.HasPrefix(strings.TrimPrefix(line, "hoard: "), "DIR/hoard.toml:") {
					t.Errorf("line without file:line: %q", line)
				}
			}
		})
	}
}
