// Package apitest runs the built-in API sources' exporters in tests: the
// real runner into a temporary exports root, with a state file, a secrets
// file and a fake clock (so retries and rate-limit waits take no time),
// and reads the snapshots back with the source's decoder. It also holds
// the transport and HTTP faults every API source is tested against.
package apitest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// Start is the fake clock's time at the start of every harness.
var Start = time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC)

// Harness runs one source's exports.
type Harness struct {
	T       testing.TB
	Root    string
	State   string // the state file
	Secrets string // the secrets file; "" if none
	Clock   *clock.Fake
	Stderr  bytes.Buffer
	// Tune changes the rest configuration of every run, e.g. a short
	// timeout for the slow-response fault.
	Tune func(*rest.Params)
}

// New returns a harness whose secrets file holds secrets ("" for none).
func New(t testing.TB, secrets string) *Harness {
	t.Helper()
	dir := t.TempDir()
	h := &Harness{T: t, Root: filepath.Join(dir, "exports"), State: filepath.Join(dir, "state.json"), Clock: clock.NewFake(Start)}
	if secrets != "" {
		h.Secrets = filepath.Join(dir, "secrets.toml")
		if err := os.WriteFile(h.Secrets, []byte(secrets), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// Run runs the source built by b once through the real runner, and
// returns the run's error.
func (h *Harness) Run(b apisource.Build) error {
	h.T.Helper()
	tuned := func(now time.Time, s secret.Secrets) (*rest.Params, error) {
		p, err := b(now, s)
		if err == nil && h.Tune != nil {
			h.Tune(p)
		}
		return p, err
	}
	ex, err := apisource.New(tuned, rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		h.T.Fatalf("building the exporter: %v", err)
	}
	var sec secret.Secrets
	if h.Secrets != "" {
		if sec, err = secret.Load(h.Secrets); err != nil {
			h.T.Fatal(err)
		}
	}
	r := &export.Runner{Stderr: &h.Stderr, Clock: h.Clock}
	res := r.Run(context.Background(), export.Job{
		Source: "src", Exporter: ex, Attempts: 1, Secrets: sec, SecretsPath: h.Secrets,
		Target: export.StoreTarget{Store: snapshot.New(h.Root), Source: "src", Ext: "jsonl"},
		State:  export.NewState(h.State),
	})
	return res.Err
}

// Snapshots returns the snapshot paths, oldest first.
func (h *Harness) Snapshots() []string {
	h.T.Helper()
	l, err := snapshot.New(h.Root).List("src")
	if err != nil {
		h.T.Fatal(err)
	}
	var out []string
	for _, s := range l.Snapshots {
		out = append(out, s.Path)
	}
	return out
}

// StateText is the committed state file ("" if none).
func (h *Harness) StateText() string {
	b, _ := os.ReadFile(h.State)
	return string(b)
}

// Envelopes returns the items of snapshot i (negative: from the end) as
// saved, duplicates skipped, by endpoint.
func (h *Harness) Envelopes(i int) map[string][]restfmt.Item {
	h.T.Helper()
	snaps := h.Snapshots()
	if i < 0 {
		i += len(snaps)
	}
	if i < 0 || i >= len(snaps) {
		h.T.Fatalf("no snapshot %d of %d", i, len(snaps))
	}
	f, err := snapshot.Open(snaps[i])
	if err != nil {
		h.T.Fatal(err)
	}
	defer f.Close()
	out := map[string][]restfmt.Item{}
	for it, err := range restfmt.Items(f) {
		if err != nil {
			h.T.Fatal(err)
		}
		out[it.Endpoint] = append(out[it.Endpoint], it)
	}
	return out
}

// Read merges every snapshot with the source's decoder and returns the
// items by kind; a read error fails the test.
func (h *Harness) Read(d *dal.Decoder) map[string][]dal.Item {
	h.T.Helper()
	out := map[string][]dal.Item{}
	for it, err := range dal.Dir(context.Background(), filepath.Join(h.Root, "src"), dal.Spec{Source: "src", Decoder: d}) {
		if err != nil {
			h.T.Fatal(err)
		}
		out[it.Kind] = append(out[it.Kind], it)
	}
	return out
}

// Gaps merges every snapshot with the source's decoder, with ranges, and
// returns the gaps dal.Gaps finds in kind: the stretches of a synthetic
// kind no snapshot covers. A read error fails the test.
func (h *Harness) Gaps(d *dal.Decoder, kind string) []dal.Gap {
	h.T.Helper()
	l, err := snapshot.ListDir(filepath.Join(h.Root, "src"))
	if err != nil {
		h.T.Fatal(err)
	}
	res, err := dal.Merge(context.Background(), dal.Spec{Source: "src", Decoder: d}, l.Snapshots, dal.Options{Ranges: true})
	if err != nil {
		h.T.Fatal(err)
	}
	var out []dal.Gap
	for _, g := range dal.Gaps(res.Files) {
		if g.Kind == kind {
			out = append(out, g)
		}
	}
	return out
}

// Fault is one scripted failure of the standard set, at the request At
// (from 1) of the fake, and whether a run recovers from it.
type Fault struct {
	Name    string
	Fault   fakeapi.Fault
	Recover bool
	Want    string // part of the error when it does not
}

// Faults are the transport and HTTP faults every API source is tested
// against, each once (a retry gets the normal answer): the run recovers.
func Faults() []Fault {
	return []Fault{
		{"429 with Retry-After", fakeapi.Fault{Kind: fakeapi.Status, Status: 429, RetryAfter: "7"}, true, ""},
		{"500", fakeapi.Fault{Kind: fakeapi.Status, Status: 500}, true, ""},
		{"502", fakeapi.Fault{Kind: fakeapi.Status, Status: 502}, true, ""},
		{"503", fakeapi.Fault{Kind: fakeapi.Status, Status: 503}, true, ""},
		{"connection reset", fakeapi.Fault{Kind: fakeapi.Reset}, true, ""},
		{"slower than the timeout", fakeapi.Fault{Kind: fakeapi.Slow}, true, ""},
		{"truncated body", fakeapi.Fault{Kind: fakeapi.Truncate}, true, ""},
		{"invalid JSON", fakeapi.Fault{Kind: fakeapi.InvalidJSON}, true, ""},
	}
}

// ShortTimeout is a Tune for the slow-response fault: attempts give up
// quickly (the fake clock does not govern network timeouts).
func ShortTimeout(p *rest.Params) { p.HTTP.Timeout = duration.Duration{D: 300 * time.Millisecond} }
