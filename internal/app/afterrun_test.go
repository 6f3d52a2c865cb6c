package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
)

// Triggers while the hook runs are gathered into one more run, told
// every source that saved meanwhile; runs never overlap.
func TestHookRunnerCoalesces(t *testing.T) {
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	log := filepath.Join(dir, "log")
	h := app.Hook{Argv: []string{"sh", "-c", fmt.Sprintf(`echo "start $HOARD_SOURCES" >> %s; while [ ! -e %s ]; do sleep 0.01; done; echo end >> %s`, log, gate, log)}, Root: dir}
	var mu sync.Mutex
	var results []error
	r := &app.HookRunner{Out: os.Stderr, Result: func(_ app.Hook, err error) { mu.Lock(); results = append(results, err); mu.Unlock() }}
	ctx := context.Background()
	r.Trigger(ctx, h, "a")
	for { // the first run has started
		if b, _ := os.ReadFile(log); len(b) > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.Trigger(ctx, h, "b")
	r.Trigger(ctx, h, "c")
	r.Trigger(ctx, h, "b")
	os.WriteFile(gate, nil, 0o600)
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(log)
	if string(b) != "start a\nend\nstart b,c\nend\n" {
		t.Errorf("runs:\n%s", b)
	}
	if len(results) != 2 {
		t.Errorf("%d results", len(results))
	}
}

// When hoard stops, the hook's whole process group gets SIGTERM.
func TestHookInterrupted(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	h := app.Hook{Argv: []string{"sh", "-c", fmt.Sprintf("sleep 300 & echo $! > %s; wait", pidFile)}}
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error)
	go func() { done <- h.Run(ctx, nil, os.Stderr) }()
	for {
		if b, _ := os.ReadFile(pidFile); len(b) > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel(fmt.Errorf("received terminated"))
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "interrupted (received terminated)") {
		t.Errorf("err %v", err)
	}
	b, _ := os.ReadFile(pidFile)
	var pid int
	fmt.Sscan(string(b), &pid)
	for i := 0; ; i++ {
		if syscall.Kill(pid, 0) != nil || isZombie(pid) {
			break
		}
		if i > 500 {
			t.Fatalf("the hook's child %d survived", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] == "Z"
}

// The after_run examples of docs/storage.md load, and expand as the page
// says ({{ and }} are literal braces: borg gets its own placeholders).
func TestAfterRunExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/storage.md")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "after_run = [") {
			continue
		}
		n++
		a, err := load(t, "root = \"/r\"\n"+line+"\n")
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		h, ok := a.AfterRun()
		if !ok || strings.Contains(strings.Join(h.Argv, " "), "{root}") {
			t.Errorf("%s: expanded to %q", line, h.Argv)
		}
		if strings.Contains(line, "borg") && !strings.Contains(strings.Join(h.Argv, " "), "'{hostname}-{now}'") {
			t.Errorf("borg example expands to %q", h.Argv)
		}
	}
	if n < 3 {
		t.Errorf("found %d after_run examples in docs/storage.md", n)
	}
}
