package command

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/testfs"
	"github.com/hoard-dev/hoard/snapshot"
)

// within fails the test when f has not returned after a generous bound: a
// liveness check for code that used to hang, not a timing assertion.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s: still running after 60s (hung)", what)
	}
}

// A command whose output cannot be saved (the exports root is full) fails
// at once with the write error: the child is stopped instead of being
// left blocked on a full pipe while hoard waits for it (forever with
// capture, for the whole timeout with run).
func TestCommandFullDisk(t *testing.T) {
	root := testfs.Tmpfs(t, 5<<20)
	for _, c := range []struct{ name, script string }{
		{"exits on SIGPIPE", "head -c 50000000 /dev/zero"},
		// ignores SIGPIPE and SIGTERM, and writes again after EPIPE: only
		// the group's SIGKILL stops it
		{"stubborn", `trap "" PIPE TERM; while :; do head -c 50000000 /dev/zero; done`},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := KillGrace
			KillGrace = 500 * time.Millisecond
			t.Cleanup(func() { KillGrace = old })
			r := &export.Runner{}
			var res export.Result
			within(t, "export to a full disk", func() {
				res = r.Run(context.Background(), export.Job{
					Source: "s", Attempts: 1, Timeout: time.Hour,
					Exporter: &Command{Args: []string{"sh", "-c", c.script}},
					Target:   export.StoreTarget{Store: snapshot.New(root), Source: "s", Ext: "txt"},
				})
			})
			if res.Err == nil || !errors.Is(res.Err, syscall.ENOSPC) || !strings.Contains(res.Err.Error(), "no space left on device") {
				t.Fatalf("error %v, want no space left on device", res.Err)
			}
			if errors.Is(res.Err, export.ErrTimeout) {
				t.Errorf("reported as a timeout: %v", res.Err)
			}
			if l, _ := snapshot.New(root).List("s"); len(l.Snapshots) != 0 {
				t.Errorf("snapshots left: %v", l.Snapshots)
			}
		})
	}
}

// failingWriter accepts n bytes, then fails every write.
type failingWriter struct{ n int }

var errInjected = errors.New("injected write failure")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	k := w.n
	w.n = 0
	return k, errInjected
}

// The same without a mount: a writer that fails after 1 MB.
func TestCommandWriteErrorStopsChild(t *testing.T) {
	var err error
	within(t, "export into a failing writer", func() {
		c := &Command{Args: []string{"sh", "-c", "head -c 50000000 /dev/zero"}}
		err = c.Export(context.Background(), &failingWriter{n: 1 << 20}, testEnv(io.Discard))
	})
	if !errors.Is(err, errInjected) {
		t.Fatalf("error %v, want the write failure", err)
	}
}
