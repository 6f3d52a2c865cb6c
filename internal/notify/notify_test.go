package notify

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A hook script that appends its stdin and two env vars to a file.
func hook(t *testing.T) ([]string, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "messages")
	script := filepath.Join(dir, "hook.sh")
	body := "#!/bin/sh\ncat >> " + out + "\necho \"env $HOARD_EVENT $HOARD_SOURCE $HOARD_PROBLEMS\" >> " + out + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{script}, out
}

func TestOneMessagePerChangeAcrossRestarts(t *testing.T) {
	argv, out := hook(t)
	state := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	type step struct {
		restart  bool
		problems []string
		event    string
	}
	seq := []step{
		{problems: nil},
		{problems: []string{"failing"}, event: "failing"},
		{problems: []string{"failing"}},
		{problems: []string{"failing", "stale"}, event: "stale"},
		{restart: true},
		{problems: []string{"failing", "stale"}},
		{problems: []string{"stale"}, event: "recovered"},
		{problems: nil, event: "recovered"},
		{problems: nil},
	}
	n := Open(filepath.Join(state, "notify-state.json"), log)
	var want []string
	for i, s := range seq {
		if s.restart {
			n.Close()
			n = Open(filepath.Join(state, "notify-state.json"), log)
			continue
		}
		msg, sent := n.Update(argv, Message{Source: "rtm", Problems: s.problems, Time: now, Failures: i})
		if sent != (s.event != "") || msg.Event != s.event {
			t.Errorf("step %d %v: sent %v event %q, want %q", i, s.problems, sent, msg.Event, s.event)
		}
		if sent {
			want = append(want, s.event)
		}
	}
	n.Close()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2*len(want) {
		t.Fatalf("hook output:\n%s", b)
	}
	for i, ev := range want {
		var m Message
		if err := json.Unmarshal([]byte(lines[2*i]), &m); err != nil {
			t.Fatalf("line %q: %v", lines[2*i], err)
		}
		if m.Event != ev || m.Source != "rtm" || m.Text == "" {
			t.Errorf("message %d = %+v, want event %s", i, m, ev)
		}
		if !strings.HasPrefix(lines[2*i+1], "env "+ev+" rtm") {
			t.Errorf("env line %q", lines[2*i+1])
		}
	}
}

func TestNoCommandTracksNothing(t *testing.T) {
	argv, out := hook(t)
	state := t.TempDir()
	n := Open(filepath.Join(state, "notify-state.json"), slog.New(slog.DiscardHandler))
	if _, sent := n.Update(nil, Message{Source: "a", Problems: []string{"failing"}}); sent {
		t.Error("sent without a command")
	}
	// Configured later: the existing problem is reported then.
	if m, sent := n.Update(argv, Message{Source: "a", Problems: []string{"failing"}}); !sent || m.Event != "failing" {
		t.Errorf("after configuring: %v %+v", sent, m)
	}
	n.Close()
	if b, _ := os.ReadFile(out); strings.Count(string(b), `"event":"failing"`) != 1 {
		t.Errorf("hook output %s", b)
	}
}

func TestDamagedStateIsReported(t *testing.T) {
	state := t.TempDir()
	os.WriteFile(filepath.Join(state, "notify-state.json"), []byte("{not json"), 0o600)
	var logged strings.Builder
	n := Open(filepath.Join(state, "notify-state.json"), slog.New(slog.NewTextHandler(&logged, nil)))
	n.Close()
	if !strings.Contains(logged.String(), "damaged notification state") {
		t.Errorf("log %q", logged.String())
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		prev, cur []string
		event     string
		text      string
	}{
		{nil, []string{"failing"}, "failing", "hoard: x is failing"},
		{[]string{"failing"}, nil, "recovered", "hoard: x recovered (was failing)"},
		{[]string{"failing", "at-risk"}, []string{"at-risk"}, "recovered", "hoard: x is no longer failing, still at-risk"},
		{[]string{"stale"}, []string{"failing", "stale"}, "failing", "hoard: x is failing and stale"},
	}
	for _, tt := range tests {
		ev, text := describe("x", tt.prev, tt.cur)
		if ev != tt.event || text != tt.text {
			t.Errorf("%v -> %v: %q %q", tt.prev, tt.cur, ev, text)
		}
	}
}

// A problem that could not be judged (gaps not checked yet after a
// restart) keeps its notified state instead of "recovering".
func TestUnknownKeepsState(t *testing.T) {
	argv, _ := hook(t)
	n := Open(filepath.Join(t.TempDir(), "notify-state.json"), slog.New(slog.DiscardHandler))
	defer n.Close()
	if m, sent := n.Update(argv, Message{Source: "a", Problems: []string{"at-risk"}}); !sent || m.Event != "at-risk" {
		t.Fatalf("at-risk: %v %+v", sent, m)
	}
	if m, sent := n.Update(argv, Message{Source: "a", Unknown: []string{"at-risk"}}); sent {
		t.Errorf("unknown gaps sent %+v", m)
	}
	if m, sent := n.Update(argv, Message{Source: "a", Problems: []string{"failing"}, Unknown: []string{"at-risk"}}); !sent || m.Event != "failing" || strings.Join(m.Problems, ",") != "failing,at-risk" {
		t.Errorf("failing while gaps unknown: %v %+v", sent, m)
	}
	if m, sent := n.Update(argv, Message{Source: "a"}); !sent || m.Event != "recovered" {
		t.Errorf("checked and clear: %v %+v", sent, m)
	}
}

// Two notifiers on one state directory (the daemon and `hoard run` under a
// timer) notify each change once between them, whichever sees it first,
// and neither loses the other's sources.
func TestNotifiersShareState(t *testing.T) {
	argv, out := hook(t)
	state := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	daemon, run := Open(filepath.Join(state, "notify-state.json"), log), Open(filepath.Join(state, "notify-state.json"), log)
	steps := []struct {
		n        *Notifier
		source   string
		problems []string
		sent     bool
	}{
		{run, "a", []string{"failing"}, true},
		{daemon, "a", []string{"failing"}, false}, // run already told
		{daemon, "b", []string{"stale"}, true},
		{run, "a", nil, true}, // recovered
		{daemon, "a", nil, false},
		{run, "b", []string{"stale"}, false}, // the daemon told
	}
	for i, s := range steps {
		_, sent := s.n.Update(argv, Message{Source: s.source, Problems: s.problems, Time: now})
		if sent != s.sent {
			t.Errorf("step %d (%s %v): sent %v, want %v", i, s.source, s.problems, sent, s.sent)
		}
	}
	daemon.Close()
	run.Close()
	b, _ := os.ReadFile(out)
	if got := strings.Count(string(b), "\nenv "); got != 3 {
		t.Errorf("%d messages, want 3:\n%s", got, b)
	}
	var disk map[string][]string
	if b, err := os.ReadFile(filepath.Join(state, "notify-state.json")); err != nil || json.Unmarshal(b, &disk) != nil {
		t.Fatalf("state: %v %s", err, b)
	}
	if len(disk) != 1 || len(disk["b"]) != 1 {
		t.Errorf("state %v, want only b stale", disk)
	}
}
