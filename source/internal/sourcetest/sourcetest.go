// Package sourcetest runs a built-in source's exporter the way hoard
// does (through export.Runner, with a secrets file and a state file, into
// an exports root) against a local fake of its service, and reads the
// snapshots back with the source's decoder, for the sources' tests.
package sourcetest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// Source is the name the harness runs sources under.
const Source = "src"

// H is one user's exports root, state and secrets.
type H struct {
	T           testing.TB
	Root        string
	StatePath   string
	SecretsPath string // "" when the source has no secrets
	// Clock is the exporter's clock: it advances only when slept on, so
	// retries and rate-limit pauses cost no time. Build the exporter
	// with it.
	Clock  *clock.Fake
	Stderr bytes.Buffer
}

// New returns a harness; secrets, if not "", is the secrets file's text.
func New(t testing.TB, secrets string) *H {
	t.Helper()
	dir := t.TempDir()
	h := &H{T: t, Root: filepath.Join(dir, "exports"), StatePath: filepath.Join(dir, "state.json"),
		Clock: clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}
	if secrets != "" {
		h.SecretsPath = filepath.Join(dir, "secrets.toml")
		if err := os.WriteFile(h.SecretsPath, []byte(secrets), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// Run runs ex once (one attempt) and returns the run's error.
func (h *H) Run(ex export.Exporter, ext string) error {
	h.T.Helper()
	var sec secret.Secrets
	if h.SecretsPath != "" {
		var err error
		if sec, err = secret.Load(h.SecretsPath); err != nil {
			h.T.Fatal(err)
		}
	}
	r := &export.Runner{Stderr: &h.Stderr, Clock: clock.NewFake(time.Now())}
	res := r.Run(context.Background(), export.Job{
		Source: Source, Exporter: ex, Attempts: 1, Secrets: sec, SecretsPath: h.SecretsPath,
		Target: export.StoreTarget{Store: snapshot.New(h.Root), Source: Source, Ext: ext, Codec: snapshot.Zstd},
		State:  export.NewState(h.StatePath),
	})
	return res.Err
}

// Snapshots returns the snapshots made so far, oldest first.
func (h *H) Snapshots() []snapshot.Snapshot {
	h.T.Helper()
	l, err := snapshot.New(h.Root).List(Source)
	if err != nil && !os.IsNotExist(err) {
		h.T.Fatal(err)
	}
	return l.Snapshots
}

// State returns the committed state file ("" if none).
func (h *H) State() string {
	b, _ := os.ReadFile(h.StatePath)
	return string(b)
}

// Read merges every snapshot with dec's read defaults and returns the
// items by kind; a read error fails the test.
func (h *H) Read(dec *dal.Decoder) map[string][]dal.Item {
	h.T.Helper()
	res, err := dal.Merge(context.Background(), dal.Spec{Source: Source, Decoder: dec}, h.Snapshots(), dal.Options{})
	if err != nil {
		h.T.Fatal(err)
	}
	if errs := res.Errors(); len(errs) > 0 {
		h.T.Fatalf("reading back: %v", errs)
	}
	out := map[string][]dal.Item{}
	for _, m := range res.Items {
		out[m.Kind] = append(out[m.Kind], m.Item)
	}
	return out
}

// Last returns how many records of each kind the newest snapshot holds:
// what the last run exported.
func (h *H) Last(dec *dal.Decoder) map[string]int {
	h.T.Helper()
	snaps := h.Snapshots()
	if len(snaps) == 0 {
		h.T.Fatal("no snapshot")
	}
	out := map[string]int{}
	for rec, err := range dec.Records(context.Background(), snaps[len(snaps)-1].Path, &dal.Spec{Decoder: dec}) {
		if err != nil {
			h.T.Fatal(err)
		}
		out[rec.Kind]++
	}
	return out
}

// Counts renders per-kind counts as "kind=n ..." sorted, for messages and
// comparisons.
func Counts[T int | []dal.Item](m map[string]T) string {
	var parts []string
	for k, v := range m {
		n := 0
		switch v := any(v).(type) {
		case int:
			n = v
		case []dal.Item:
			n = len(v)
		}
		parts = append(parts, k+"="+strconv.Itoa(n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// Item asserts one item's envelope: key, time (RFC 3339, "" for none),
// title.
func Item(t testing.TB, it dal.Item, key, when, title string) {
	t.Helper()
	got := ""
	if !it.Time.IsZero() {
		got = it.Time.UTC().Format(time.RFC3339)
	}
	if it.Key != key || got != when || it.Title != title {
		t.Errorf("%s item: key %q time %q title %q; want %q %q %q", it.Kind, it.Key, got, it.Title, key, when, title)
	}
}

// Unique fails when a kind holds one key twice (the merge's job, so this
// checks the decoder gives each item one key).
func Unique(t testing.TB, items map[string][]dal.Item) {
	t.Helper()
	for kind, list := range items {
		seen := map[string]bool{}
		for _, it := range list {
			if seen[it.Key] {
				t.Errorf("%s: key %s twice", kind, it.Key)
			}
			seen[it.Key] = true
		}
	}
}

// EndpointKeys checks that every endpoint of p has read defaults in dec,
// and that an endpoint's key is its kind's one key, so that in-run dedupe
// and reading back agree.
func EndpointKeys(t testing.TB, p *rest.Params, dec *dal.Decoder) {
	t.Helper()
	for _, ep := range p.Endpoints {
		k, ok := dec.Kinds[ep.Name]
		if !ok {
			t.Errorf("endpoint %s has no read defaults", ep.Name)
			continue
		}
		if ep.Key != "" && (len(k.Key) != 1 || k.Key[0] != ep.Key) {
			t.Errorf("endpoint %s: key %q, kind key %v", ep.Name, ep.Key, k.Key)
		}
	}
}
