package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// newFakeClock returns a clock that advances only when slept on.
func newFakeClock() *clock.Fake { return clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// harness runs a rest exporter through the real runner into a temporary
// exports root, with a state file and a secrets file.
type harness struct {
	t           *testing.T
	root        string
	statePath   string
	secretsPath string
	clock       *clock.Fake
	stderr      bytes.Buffer
}

func newHarness(t *testing.T, secrets string) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, root: filepath.Join(dir, "exports"), statePath: filepath.Join(dir, "state.json"), clock: newFakeClock()}
	if secrets != "" {
		h.secretsPath = filepath.Join(dir, "secrets.toml")
		if err := os.WriteFile(h.secretsPath, []byte(secrets), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// run builds the exporter from p and runs it once; it returns the run's
// error (nil on success).
func (h *harness) run(p *Params) error {
	h.t.Helper()
	ex, err := newExporter(p)
	if err != nil {
		h.t.Fatalf("config: %v", err)
	}
	ex.clock, ex.rand = h.clock, func() float64 { return 0.5 }
	return h.runExporter(ex)
}

func (h *harness) runExporter(ex *Exporter) error {
	var sec secret.Secrets
	if h.secretsPath != "" {
		var err error
		if sec, err = secret.Load(h.secretsPath); err != nil {
			h.t.Fatal(err)
		}
	}
	r := &export.Runner{Stderr: &h.stderr, Clock: clock.NewFake(time.Now())}
	res := r.Run(context.Background(), export.Job{
		Source: "src", Exporter: ex, Attempts: 1, Secrets: sec, SecretsPath: h.secretsPath,
		Target: export.StoreTarget{Store: snapshot.New(h.root), Source: "src", Ext: "jsonl"},
		State:  export.NewState(h.statePath),
	})
	return res.Err
}

// snapshots returns the snapshot paths, oldest first.
func (h *harness) snapshots() []string {
	h.t.Helper()
	l, err := snapshot.New(h.root).List("src")
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, s := range l.Snapshots {
		out = append(out, s.Path)
	}
	return out
}

// items reads back every item of the latest snapshot.
func (h *harness) items() []Item {
	h.t.Helper()
	snaps := h.snapshots()
	if len(snaps) == 0 {
		h.t.Fatal("no snapshot")
	}
	return readItems(h.t, snaps[len(snaps)-1])
}

func readItems(t *testing.T, path string) []Item {
	t.Helper()
	f, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Item
	for it, err := range Items(f) {
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		out = append(out, it)
	}
	return out
}

// state returns the committed state file's content ("" if none).
func (h *harness) state() string {
	b, err := os.ReadFile(h.statePath)
	if err != nil {
		return ""
	}
	return string(b)
}

func (h *harness) cursors() map[string]string {
	var st savedState
	json.Unmarshal([]byte(h.state()), &st)
	return st.Cursors
}

// ids returns the "id" field of items, in order.
func ids(t *testing.T, items []Item) []int {
	t.Helper()
	var out []int
	for _, it := range items {
		var v struct {
			ID int `json:"id"`
		}
		if err := json.Unmarshal(it.Raw, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v.ID)
	}
	return out
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// snapshotText returns the latest snapshot's content.
func (h *harness) snapshotText() string {
	h.t.Helper()
	snaps := h.snapshots()
	b, err := os.ReadFile(snaps[len(snaps)-1])
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}
