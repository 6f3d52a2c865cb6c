package mastodon

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/mastodon"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

const secrets = "token = \"" + fake.Token + "\"\n"

func build(t *testing.T, h *sourcetest.H, url string) export.Exporter {
	t.Helper()
	ex, err := newExporter(export.Source{Params: &Params{BaseURL: url}}, rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// The first run pages through everything, 40 at a time, waiting out the
// rate limit; later runs fetch statuses only down to the newest one
// already saved (ids compared as integers: the 2016 ids are short), and
// favourites and bookmarks in full.
func TestIncrementalStatuses(t *testing.T) {
	h := sourcetest.New(t, secrets)
	srv := fake.New(h.Clock, 100, 45, 3)
	defer srv.Close()
	srv.Limit = 4 // the first run needs 7 requests
	ex := build(t, h, srv.URL)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); sourcetest.Counts(last) != "bookmarks=3 favourites=45 profile=1 statuses=100" {
		t.Fatalf("first run: %s", sourcetest.Counts(last))
	}
	if srv.TooMany != 0 || h.Clock.Slept() == 0 {
		t.Errorf("%d 429s, paused %v: want the limit waited out, not hit", srv.TooMany, h.Clock.Slept())
	}
	srv.Post()
	srv.Post()
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["statuses"] != 2 || last["favourites"] != 45 {
		t.Fatalf("second run saved %s, want the 2 new statuses and every favourite", sourcetest.Counts(last))
	}
	got := h.Read(Decoder)
	if len(got["statuses"]) != 102 {
		t.Fatalf("merged %s", sourcetest.Counts(got))
	}
	sourcetest.Unique(t, got)
	st := got["statuses"]
	sourcetest.Item(t, st[0], "98001", "2016-11-02T09:00:00Z", "")
	sourcetest.Item(t, st[4], "109348765432427680", "2016-11-06T09:00:00Z", "cw: food")
	if !strings.Contains(st[0].Text, "toot 1 — ünïcode &amp;") || st[0].URL != "https://masto.example/@alice/98001" {
		t.Errorf("status 1: %+v", st[0])
	}
	sourcetest.Item(t, got["profile"][0], fake.AccountID, "", "alice")
}

// A first run with nothing yet: an account without statuses is a valid
// export (the profile), and the next run still finds the first post.
func TestEmptyAccount(t *testing.T) {
	h := sourcetest.New(t, secrets)
	srv := fake.New(h.Clock, 0, 0, 0)
	defer srv.Close()
	ex := build(t, h, srv.URL)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	srv.Post()
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if got := h.Read(Decoder); len(got["statuses"]) != 1 || len(got["profile"]) != 1 {
		t.Fatalf("%s", sourcetest.Counts(got))
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults map[int]fakeapi.Fault
		loop   bool
		err    string
	}{
		{"429 Retry-After", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 429, RetryAfter: "10", Body: `{"error":"Too many requests"}`}}, false, ""},
		{"500, 502, 503", map[int]fakeapi.Fault{1: {Kind: fakeapi.Status, Status: 500}, 3: {Kind: fakeapi.Status, Status: 502}, 5: {Kind: fakeapi.Status, Status: 503}}, false, ""},
		{"connection reset", map[int]fakeapi.Fault{4: {Kind: fakeapi.Reset}}, false, ""},
		{"truncated body", map[int]fakeapi.Fault{2: {Kind: fakeapi.Truncate}}, false, ""},
		{"invalid JSON", map[int]fakeapi.Fault{3: {Kind: fakeapi.InvalidJSON}}, false, ""},
		{"token revoked: 401", map[int]fakeapi.Fault{3: {Kind: fakeapi.Status, Status: 401, Body: `{"error":"The access token was revoked"}`}}, false, "The access token was revoked"},
		{"Link next to the same page", nil, true, "looping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, secrets)
			srv := fake.New(h.Clock, 100, 5, 1)
			defer srv.Close()
			srv.LoopStatuses = tc.loop
			for i, f := range tc.faults {
				srv.Faults.At(i, f)
			}
			err := h.Run(build(t, h, srv.URL), "jsonl")
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c := sourcetest.Counts(h.Read(Decoder)); c != "bookmarks=1 favourites=5 profile=1 statuses=100" {
					t.Fatalf("recovered with %s", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), fake.Token) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if len(h.Snapshots()) != 0 || h.State() != "" {
				t.Fatalf("a failed run left %d snapshots, state %q", len(h.Snapshots()), h.State())
			}
		})
	}
}

func TestBaseURLRequired(t *testing.T) {
	if _, err := Kind.New(export.Source{Params: &Params{}}); err == nil || !strings.Contains(err.Error(), "base_url") {
		t.Fatalf("err = %v", err)
	}
}

func TestEndpointKeysAreKindKeys(t *testing.T) {
	sourcetest.EndpointKeys(t, restParams(&Params{BaseURL: "https://x"}), Decoder)
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden-rest.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

// The exporter passes the exporter conformance suite: output only to the
// writer, attempts independent (a new run each), a cancelled context
// fails, one snapshot through the runner.
func TestExporterConformance(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(h.Clock, 3, 1, 1)
	defer srv.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return build(t, h, srv.URL), secret.Secrets{"token": fake.Token}
		},
		Check: func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`{"endpoint":"profile"`)) || bytes.Count(out, []byte("\n")) < 4 {
				t.Errorf("output:\n%.2000s", out)
			}
		},
	})
}
