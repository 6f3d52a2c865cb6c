package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/source"
)

// isolated gives a test its own home and XDG directories, and a config
// with body; it returns the Globals and their output buffers.
func isolated(t *testing.T, body string) (*Globals, *bytes.Buffer, *bytes.Buffer, string) {
	t.Helper()
	home := t.TempDir()
	for k, v := range map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME": filepath.Join(home, ".local/state"), "XDG_CACHE_HOME": filepath.Join(home, ".cache")} {
		t.Setenv(k, v)
	}
	cfg := filepath.Join(home, "hoard.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("root = %q\n%s", filepath.Join(home, "exports"), body)), 0o600)
	var out, errb bytes.Buffer
	return &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}, &out, &errb, home
}

// A retry inside an HTTP export is one plain line, not a log record;
// with -v every request is a plain line too.
func TestRetriesArePlainLines(t *testing.T) {
	srv := fakeapi.New(fakeapi.Link, 3, 5, "")
	defer srv.Close()
	srv.At(1, fakeapi.Fault{Kind: fakeapi.Status, Status: 503, RetryAfter: "0"})
	g, _, errb, _ := isolated(t, fmt.Sprintf(`
[sources.feed]
exporter = "rest"
base_url = %q
[[sources.feed.endpoints]]
name = "things"
path = "/items"
items = "items"
[sources.feed.endpoints.pagination]
type = "link"
`, srv.URL))
	g.Verbose = true
	if err := runRun(context.Background(), g, runOpts{}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	out := errb.String()
	retry := regexp.MustCompile(`(?m)^feed: http: retrying \(url http://[^ ]+/items, attempt 1, reason .*503.*, wait [0-9.]+m?s\)$`)
	if !retry.MatchString(out) {
		t.Errorf("no plain retry line:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^feed: http \(method GET, url http://\S+, status 200`).MatchString(out) {
		t.Errorf("-v: no plain request line:\n%s", out)
	}
	if strings.Contains(out, "level=") || strings.Contains(out, "time=") {
		t.Errorf("log records in human output:\n%s", out)
	}
	// --log-format json: one JSON object per log line, the plain lines
	// of progress apart.
	errb.Reset()
	g.Verbose = false
	srv.At(srv.Requests()+1, fakeapi.Fault{Kind: fakeapi.Status, Status: 503, RetryAfter: "0"})
	if err := runRun(context.Background(), g, runOpts{LogFormat: "json"}); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "http: retrying" {
			break
		}
		rec = nil
	}
	if rec == nil || rec["source"] != "feed" {
		t.Errorf("--log-format json: no retry record:\n%s", errb)
	}
	// Every line is a record then, the run's end too.
	for _, line := range strings.Split(strings.TrimSpace(errb.String()), "\n") {
		if !strings.HasPrefix(line, "{") {
			t.Errorf("--log-format json: a line that is not a record: %q", line)
		}
	}
	if !strings.Contains(errb.String(), `"msg":"export saved","source":"feed"`) {
		t.Errorf("--log-format json: no record of the saved export:\n%s", errb)
	}
}

func TestHumanHandler(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(&humanHandler{rep: &reporter{w: &out}, level: slog.LevelInfo}).With("source", "github")
	log.Warn("http: retrying", "attempt", 2, "wait", 2345*time.Millisecond, "bytes", int64(5<<20))
	log.Error("export failed", "error", "403 Forbidden")
	log.Debug("hidden at info level")
	slog.New(&humanHandler{rep: &reporter{w: &out}, level: slog.LevelInfo, skip: []string{"export saved"}}).Info("export saved")
	slog.New(&humanHandler{rep: &reporter{w: &out}, level: slog.LevelInfo}).Warn("wall clock jumped", "jump", 3*time.Hour)
	want := "github: http: retrying (attempt 2, wait 2.3s, bytes 5.0 MiB)\ngithub: export failed: 403 Forbidden\nhoard: wall clock jumped (jump 3h0m0s)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// -q leaves failures only; --dry-run checks and says what would run,
// running nothing.
func TestQuietAndDryRun(t *testing.T) {
	g, out, errb, home := isolated(t, `
[sources.ok]
exporter = "command"
command = ["echo", "hi"]
compression = "zstd"
schedule = "every 6h"
[sources.bad]
exporter = "command"
command = ["sh", "-c", "echo oops >&2; exit 3"]
`)
	if err := runRun(context.Background(), g, runOpts{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^ok +command +\S+/exports/ok/<YYYYMMDDTHHMMSSZ>\.zst +1 +1h0m0s +-$`).MatchString(out.String()) || !strings.Contains(errb.String(), "nothing was run") {
		t.Errorf("dry run:\n%s\n%s", out, errb)
	}
	if _, err := os.Stat(filepath.Join(home, "exports")); err == nil {
		t.Error("a dry run exported")
	}
	out.Reset()
	errb.Reset()
	g.Quiet = true
	err := runRun(context.Background(), g, runOpts{})
	if exitCodeOf(err) != ExitFailure {
		t.Fatalf("exit %v", err)
	}
	if strings.Contains(errb.String(), "saved") || strings.Contains(errb.String(), "exporting") || !strings.Contains(errb.String(), "bad: failed:") {
		t.Errorf("-q:\n%s", errb)
	}
}

// With notify set, hoard run notifies a source that starts failing and
// that recovers, once each, as the daemon does.
func TestRunNotifies(t *testing.T) {
	dir := t.TempDir()
	hook := filepath.Join(dir, "hook.sh")
	msgs := filepath.Join(dir, "messages")
	os.WriteFile(hook, []byte("#!/bin/sh\necho \"$HOARD_EVENT $HOARD_SOURCE\" >> "+msgs+"\n"), 0o755)
	flag := filepath.Join(dir, "fail")
	os.WriteFile(flag, nil, 0o600)
	g, _, errb, _ := isolated(t, fmt.Sprintf(`
notify = [%q]
[daemon]
failing_after = 2
[sources.flaky]
exporter = "command"
command = ["sh", "-c", "if [ -e %s ]; then exit 1; fi; echo ok"]
[sources.fine]
exporter = "command"
command = ["echo", "fine"]
`, hook, flag))
	run := func() {
		errb.Reset()
		runRun(context.Background(), g, runOpts{})
	}
	run() // one failure: not failing yet
	run() // two: failing
	run() // still failing: no new message
	os.Remove(flag)
	run() // recovered
	b, _ := os.ReadFile(msgs)
	if got := string(b); got != "failing flaky\nrecovered flaky\n" {
		t.Errorf("messages:\n%s\nlast stderr:\n%s", got, errb)
	}
}

// 'hoard schedule failed', run by systemd's OnFailure=, records a run
// that died without hoard recording it, and leaves alone one that hoard
// reported itself.
func TestScheduleFailed(t *testing.T) {
	dir := t.TempDir()
	hook := filepath.Join(dir, "hook.sh")
	msgs := filepath.Join(dir, "messages")
	os.WriteFile(hook, []byte("#!/bin/sh\necho \"$HOARD_EVENT $HOARD_SOURCE $HOARD_LAST_ERROR\" >> "+msgs+"\n"), 0o755)
	g, _, _, _ := isolated(t, fmt.Sprintf("notify = [%q]\n[daemon]\nfailing_after = 1\n[sources.s]\nexporter = \"command\"\ncommand = [\"true\"]\n", hook))
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	ctx := context.Background()
	if err := runScheduleFailed(ctx, g, "s", env(map[string]string{"MONITOR_SERVICE_RESULT": "exit-code", "MONITOR_EXIT_CODE": "exited", "MONITOR_EXIT_STATUS": "1"})); err != nil {
		t.Fatal(err)
	}
	a, err := g.loadApp()
	if err != nil {
		t.Fatal(err)
	}
	entries, _, _ := (&journal.Journal{Path: a.Layout.Journal()}).ReadAll()
	if len(entries) != 0 {
		t.Fatalf("a run that reported itself was recorded again: %+v", entries)
	}
	if err := runScheduleFailed(ctx, g, "s", env(map[string]string{"MONITOR_SERVICE_RESULT": "signal", "MONITOR_EXIT_CODE": "killed", "MONITOR_EXIT_STATUS": "KILL", "MONITOR_UNIT": "hoard-s.service"})); err != nil {
		t.Fatal(err)
	}
	entries, _, _ = (&journal.Journal{Path: a.Layout.Journal()}).ReadAll()
	if len(entries) != 1 || entries[0].Outcome != journal.Failed || !strings.Contains(entries[0].Error, "killed by signal KILL") || !strings.Contains(entries[0].Error, "journalctl --user -u hoard-s.service") {
		t.Fatalf("journal %+v", entries)
	}
	b, _ := os.ReadFile(msgs)
	if !strings.HasPrefix(string(b), "failing s the scheduled run (hoard-s.service) was killed by signal KILL") {
		t.Errorf("notification %q", b)
	}
	// A config that no longer loads: still recorded, still notified
	// (with the notify command read leniently).
	os.WriteFile(g.ConfigPath, []byte(fmt.Sprintf("root = \"/x\"\nnotify = [%q]\n[sources.t]\nexporter = \"comand\"\n", hook)), 0o600)
	if err := runScheduleFailed(ctx, g, "t", env(map[string]string{"MONITOR_SERVICE_RESULT": "exit-code", "MONITOR_EXIT_CODE": "exited", "MONITOR_EXIT_STATUS": "2"})); err != nil {
		t.Fatal(err)
	}
	entries, _, _ = (&journal.Journal{Path: a.Layout.Journal()}).ReadAll()
	if len(entries) != 2 || !strings.Contains(entries[1].Error, "configuration error") {
		t.Errorf("journal %+v", entries)
	}
}

// The starter config is valid, and so is each of its commented examples
// once uncommented.
func TestStarterExamplesAreValid(t *testing.T) {
	text := app.StarterConfig("~/exports", nil)
	var blocks []string
	var cur []string
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "# [sources."):
			if len(cur) > 0 {
				blocks = append(blocks, strings.Join(cur, "\n"))
			}
			cur = []string{strings.TrimPrefix(line, "# ")}
		case len(cur) > 0 && strings.HasPrefix(line, "# ") && (strings.Contains(line, " = ") || strings.HasPrefix(line, "# [[")):
			cur = append(cur, strings.TrimPrefix(line, "# "))
		case len(cur) > 0 && (line == "#" || line == ""):
			blocks = append(blocks, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	if len(blocks) < 3 {
		t.Fatalf("%d examples in the starter config, want file, command and an API source:\n%s", len(blocks), text)
	}
	kinds := map[string]bool{}
	for _, b := range blocks {
		cfg, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n"+b), app.Exporters.Params)
		if err == nil {
			_, err = app.New(cfg, paths.Layout{})
		}
		if err != nil {
			t.Errorf("example does not load: %v\n%s", err, b)
			continue
		}
		for _, s := range cfg.Sources {
			kinds[s.Exporter] = true
		}
	}
	for _, k := range []string{"file", "command"} {
		if !kinds[k] {
			t.Errorf("no %s example in the starter config (examples: %v)", k, kinds)
		}
	}
	// the web API example: a built-in API source when there is one, else rest
	api := kinds["rest"]
	for k := range kinds {
		if s := app.Sources.Lookup(k); s != nil && (s.Category == source.PublicAPI || s.Category == source.PrivateAPI) {
			api = true
		}
	}
	if !api {
		t.Errorf("no web API example in the starter config (examples: %v)", kinds)
	}
}
