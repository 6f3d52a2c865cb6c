package hypothesis

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/hypothesis"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

const secrets = "token = \"" + fake.Token + "\"\n"

func build(t *testing.T, h *sourcetest.H, srv *fake.Server) export.Exporter {
	t.Helper()
	ex, err := newExporter(export.Source{Params: &Params{BaseURL: srv.URL + "/api"}}, rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// The first run pages through every annotation (private ones too: the
// token is the owner's), 200 at a time; the second asks only for what
// changed since the bookmark (minus the lookback) and saves only the new
// and the edited ones; the merge has each annotation once, edited.
func TestIncremental(t *testing.T) {
	h := sourcetest.New(t, secrets)
	srv := fake.New(450)
	defer srv.Close()
	ex := build(t, h, srv)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["annotations"] != 450 || last["profile"] != 1 {
		t.Fatalf("first run: %s", sourcetest.Counts(last))
	}
	if calls := srv.SearchAfter(); len(calls) != 3 || calls[0] != "" {
		t.Fatalf("first run's search_after: %q, want 3 pages from the start", calls)
	}
	newest := fake.Base.Add(450 * time.Hour)
	srv.Add()
	srv.Add()
	srv.Touch(7, newest.Add(3*time.Hour))
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["annotations"] != 3 {
		t.Fatalf("second run saved %s, want the 2 new and the 1 edited annotation", sourcetest.Counts(last))
	}
	calls := srv.SearchAfter()
	if want := newest.Add(-Lookback).Format("2006-01-02T15:04:05Z"); calls[3] != want {
		t.Fatalf("second run started after %q, want the bookmark minus the lookback, %q", calls[3], want)
	}
	got := h.Read(Decoder)
	if len(got["annotations"]) != 452 || len(got["profile"]) != 1 {
		t.Fatalf("merged: %s", sourcetest.Counts(got))
	}
	sourcetest.Unique(t, got)
	a7 := got["annotations"][6]
	sourcetest.Item(t, a7, "Ann00007xyz", "2024-03-01T07:00:00Z", "Article 7")
	if a7.Text != "edited" || a7.URL != "https://example.com/article-7" {
		t.Errorf("annotation 7: %+v", a7)
	}
	sourcetest.Item(t, got["profile"][0], fake.User, "", fake.User)
	// a third run with nothing new saves nothing new
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["annotations"] != 0 {
		t.Fatalf("third run saved %s, want no annotation", sourcetest.Counts(last))
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults map[int]fakeapi.Fault
		loop   bool
		err    string
	}{
		{"429 Retry-After", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 429, RetryAfter: "5"}}, false, ""},
		{"500, 503", map[int]fakeapi.Fault{1: {Kind: fakeapi.Status, Status: 500, Body: `{"status":"failure","reason":"internal error"}`}, 3: {Kind: fakeapi.Status, Status: 503}}, false, ""},
		{"connection reset", map[int]fakeapi.Fault{3: {Kind: fakeapi.Reset}}, false, ""},
		{"truncated body", map[int]fakeapi.Fault{2: {Kind: fakeapi.Truncate}}, false, ""},
		{"invalid JSON", map[int]fakeapi.Fault{4: {Kind: fakeapi.InvalidJSON}}, false, ""},
		{"slower than the timeout", map[int]fakeapi.Fault{2: {Kind: fakeapi.Slow}}, false, ""},
		{"400", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 400, Body: `{"status":"failure","reason":"limit: 500 is greater than maximum value 200"}`}}, false, "greater than maximum value 200"},
		{"pagination that loops", nil, true, "looping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, secrets)
			srv := fake.New(450)
			defer srv.Close()
			srv.IgnoreSearchAfter = tc.loop
			for i, f := range tc.faults {
				srv.Faults.At(i, f)
			}
			ex := build(t, h, srv)
			if tc.name == "slower than the timeout" {
				p := restParams(&Params{BaseURL: srv.URL + "/api"})
				p.HTTP.Timeout.D = 200 * time.Millisecond
				var err error
				if ex, err = rest.NewWithHooks(p, rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }}); err != nil {
					t.Fatal(err)
				}
			}
			err := h.Run(ex, "jsonl")
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				got := h.Read(Decoder)
				if len(got["annotations"]) != 450 {
					t.Fatalf("recovered with %s", sourcetest.Counts(got))
				}
				sourcetest.Unique(t, got)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if len(h.Snapshots()) != 0 || h.State() != "" || strings.Contains(err.Error(), fake.Token) {
				t.Fatalf("a failed run left %d snapshots, state %q (or leaked the token)", len(h.Snapshots()), h.State())
			}
		})
	}
}

// A token the API does not accept makes it answer as to anyone: a
// profile without a userid. The run fails saying so, instead of saving an
// export without annotations.
func TestTokenNotAccepted(t *testing.T) {
	h := sourcetest.New(t, "token = \"6879-revoked\"\n")
	srv := fake.New(3)
	defer srv.Close()
	err := h.Run(build(t, h, srv), "jsonl")
	if err == nil || !strings.Contains(err.Error(), "no userid found") || !strings.Contains(err.Error(), "token") || !export.IsPermanent(err) {
		t.Fatalf("err = %v", err)
	}
	if len(h.Snapshots()) != 0 {
		t.Fatal("a snapshot was saved")
	}
}

func TestEndpointKeysAreKindKeys(t *testing.T) {
	sourcetest.EndpointKeys(t, restParams(&Params{}), Decoder)
}

const restSample = `{"endpoint":"profile","page":1,"url":"https://api.hypothes.is/api/profile","status":200,"fetched_at":"2026-01-02T03:04:05Z","style":"full","items":"","body":{"userid":"acct:alice@hypothes.is","authority":"hypothes.is"}}
{"endpoint":"annotations","parent":"acct:alice@hypothes.is","page":1,"url":"https://api.hypothes.is/api/search?limit=200&order=asc&sort=updated&user=acct%3Aalice%40hypothes.is","status":200,"fetched_at":"2026-01-02T03:04:06Z","style":"incremental","items":"rows","key":"id","dups":[0],"body":{"total":3,"rows":[{"id":"Ann00001xyz","updated":"2024-03-01T01:00:00.000000+00:00"},{"id":"Ann00002xyz","created":"2024-03-01T02:00:00.000000+00:00","text":"ünï"},{"id":"Ann00003xyz","created":"2024-03-01T03:00:00.000000+00:00"}]}}
`

func TestConformance(t *testing.T) {
	t.Run("rest snapshot", func(t *testing.T) {
		dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden-rest.txt",
			Sample: func(testing.TB) []byte { return []byte(restSample) }})
	})
	for _, f := range []string{"hypexport-2019", "hypexport-2023"} {
		t.Run(f, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "json", Golden: "testdata/golden-" + f + ".txt",
				Sample: func(t testing.TB) []byte { return fixture(t, f+".json") }})
		})
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	return dectest.ReadFile(t, "testdata/"+name)
}

// hypexport archives (both formats, and one of an empty account) and a
// hoard snapshot read as one history: each annotation once, in its
// newest version; the edit seen by hypexport is kept.
func TestHypexportMergesWithHoard(t *testing.T) {
	dir := t.TempDir()
	for i, f := range []string{"hypexport-2019.json", "hypexport-empty.json", "hypexport-2023.json"} {
		dectest.WriteSnap(t, dir, i, "json", fixture(t, f))
	}
	h := sourcetest.New(t, secrets)
	srv := fake.New(4)
	defer srv.Close()
	if err := h.Run(build(t, h, srv), "jsonl"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(h.Snapshots()[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	dectest.WriteSnap(t, dir, 3, "jsonl.zst", b)
	res := dectest.Merge(t, dir, dal.Spec{Source: "hypothesis", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	var anns []dal.Item
	for _, m := range res.Items {
		if m.Kind == "annotations" {
			anns = append(anns, m.Item)
		}
	}
	// 1-3, 98 and 99 from the archives (98 and 99 were deleted later), 1-4
	// from hoard
	byKey := map[string]dal.Item{}
	for _, a := range anns {
		byKey[a.Key] = a
	}
	if len(anns) != 6 || len(byKey) != 6 {
		t.Fatalf("%d annotations, %d keys", len(anns), len(byKey))
	}
	if a := byKey["Ann00001xyz"]; a.FirstSeen != dectest.Day(0) || a.LastSeen != dectest.Day(3) || !strings.Contains(a.Text, "note 1") {
		t.Errorf("annotation 1 (in every file): %+v", a)
	}
	if a := byKey["Ann00003xyz"]; a.FirstSeen != dectest.Day(2) || !strings.Contains(a.Text, "note 3") || a.Title != "Article 3" {
		t.Errorf("annotation 3 (2023 archive, then hoard's newer version): %+v", a)
	}
	if a := byKey["Ann00099xyz"]; a.Text != "deleted before hoard" || a.Title != "Gone" || a.LastSeen != dectest.Day(2) {
		t.Errorf("annotation 99 (only in the 2023 archive): %+v", a)
	}
	if a := byKey["Ann00098xyz"]; a.Time.Format(time.RFC3339) != "2019-01-03T19:46:09Z" {
		t.Errorf("annotation 98 (only in the 2019 archive): %+v", a)
	}
}

// The exporter passes the exporter conformance suite: output only to the
// writer, attempts independent (a new run each), a cancelled context
// fails, one snapshot through the runner.
func TestExporterConformance(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(3)
	defer srv.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return build(t, h, srv), secret.Secrets{"token": fake.Token}
		},
		Check: func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`{"endpoint":"profile"`)) || bytes.Count(out, []byte("\n")) < 2 {
				t.Errorf("output:\n%.2000s", out)
			}
		},
	})
}
