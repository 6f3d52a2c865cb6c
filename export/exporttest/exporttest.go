// Package exporttest is the conformance suite every exporter must pass.
//
// An exporter's test calls Run with a Case that builds the exporter against
// a local fixture (a file, a program, a fake HTTP server). The suite checks
// the exporter contract of package export: output goes to the writer only,
// attempts are independent, a cancelled context ends the export with an
// error, and through the runner exactly one snapshot appears.
package exporttest

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// Case describes one exporter under test.
type Case struct {
	// New returns a fresh exporter and the secrets it needs (may be nil).
	New func(t *testing.T) (export.Exporter, secret.Secrets)
	// Check verifies one export's output.
	Check func(t *testing.T, out []byte)
	// Slow, if set, returns an exporter that writes some output and then
	// keeps going until its context is done, to check cancellation.
	Slow func(t *testing.T) export.Exporter
}

// Env returns an Env like the runner's, for direct calls.
func Env(secrets secret.Secrets, stderr io.Writer) *export.Env {
	red := &secret.Redactor{}
	red.AddSecrets(secrets)
	return &export.Env{
		Source: "test", Secrets: secrets, Redactor: red, Stderr: stderr,
		Log: slog.New(slog.DiscardHandler), State: export.NewState(""), Progress: export.NopProgress{},
	}
}

// Run runs the suite.
func Run(t *testing.T, c Case) {
	t.Run("output", func(t *testing.T) {
		e, s := c.New(t)
		c.Check(t, export1(t, e, s))
	})
	t.Run("attempts are independent", func(t *testing.T) {
		e, s := c.New(t)
		c.Check(t, export1(t, e, s))
		c.Check(t, export1(t, e, s))
	})
	t.Run("cancelled context fails", func(t *testing.T) {
		e, s := c.New(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := e.Export(ctx, io.Discard, Env(s, io.Discard)); err == nil {
			t.Error("Export with a cancelled context returned nil")
		}
	})
	if c.Slow != nil {
		t.Run("cancel mid-way fails", func(t *testing.T) { cancelMidway(t, c.Slow(t)) })
	}
	t.Run("through the runner", func(t *testing.T) {
		e, s := c.New(t)
		root := t.TempDir()
		res := (&export.Runner{}).Run(context.Background(), export.Job{
			Source: "test", Exporter: e, Attempts: 1, Secrets: s,
			Target: export.StoreTarget{Store: snapshot.New(root), Source: "test", Ext: "out", Codec: snapshot.Zstd},
		})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		files := allFiles(t, root)
		if len(files) != 1 || files[0] != res.Snapshot.Path {
			t.Fatalf("root holds %v, want only %s", files, res.Snapshot.Path)
		}
		r, err := snapshot.Open(res.Snapshot.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		c.Check(t, out)
	})
}

func export1(t *testing.T, e export.Exporter, s secret.Secrets) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := e.Export(context.Background(), &out, Env(s, io.Discard)); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return out.Bytes()
}

// cancelMidway cancels once the exporter has written something.
func cancelMidway(t *testing.T, e export.Exporter) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &signalWriter{started: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- e.Export(ctx, w, Env(nil, io.Discard)) }()
	select {
	case <-w.started:
	case err := <-done:
		t.Fatalf("the slow exporter returned before writing anything: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Export returned nil after its context was cancelled")
		}
	case <-time.After(time.Minute): // a hang, not a timing check
		t.Fatal("Export did not return within a minute of cancellation")
	}
}

type signalWriter struct {
	started chan struct{}
	closed  bool
}

func (w *signalWriter) Write(p []byte) (int, error) {
	if !w.closed && len(p) > 0 {
		w.closed = true
		close(w.started)
	}
	return len(p), nil
}

func allFiles(t *testing.T, root string) []string {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}
