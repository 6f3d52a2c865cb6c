package github

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
	fake "github.com/hoard-dev/hoard/internal/fakeapi/github"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

const secrets = "token = \"" + fake.Token + "\"\n"

func hooksFor(h *sourcetest.H) rest.Hooks {
	return rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }}
}

func build(t *testing.T, h *sourcetest.H, baseURL string) export.Exporter {
	t.Helper()
	ex, err := newExporter(export.Source{Params: &Params{BaseURL: baseURL}}, hooksFor(h))
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

var counts = fake.Counts{Stars: 250, Repos: 7, Gists: 3, Followers: 2, Following: 1, Events: 320, Issues: 4, Pulls: 2}

// One run exports every kind with its documented limits: 300 of 320
// events, stars with starred_at, issues and pull requests apart; the rate
// limit is waited out, never run into.
func TestExport(t *testing.T) {
	for _, prefix := range []string{"", "/api/v3"} { // github.com, Enterprise
		t.Run("prefix="+prefix, func(t *testing.T) {
			h := sourcetest.New(t, secrets)
			srv := fake.New(h.Clock, prefix, counts)
			defer srv.Close()
			srv.Limit = 5 // the run needs 11 core requests (and 2 search): two pauses until the reset
			if err := h.Run(build(t, h, srv.URL+prefix), "jsonl"); err != nil {
				t.Fatal(err)
			}
			got := h.Read(Decoder)
			if c := sourcetest.Counts(got); c != "events=300 followers=2 following=1 gists=3 issues=4 profile=1 pulls=2 repos=7 starred=250" {
				t.Fatalf("kinds: %s", c)
			}
			sourcetest.Unique(t, got)
			sourcetest.Item(t, got["profile"][0], "1", "", fake.Login)
			sourcetest.Item(t, got["starred"][0], "1001", "2025-06-01T01:00:00Z", "someone/tool-1") // oldest star first
			sourcetest.Item(t, got["events"][299], "40000000320", "2025-06-01T05:20:00Z", "PushEvent")
			sourcetest.Item(t, got["issues"][0], "7001", "2025-06-01T00:01:00Z", "Bug 1: ünïcode breaks")
			sourcetest.Item(t, got["pulls"][1], "7006", "2025-06-01T00:06:00Z", "Bug 6: ünïcode breaks")
			if got["starred"][0].URL != "https://github.com/someone/tool-1" || got["starred"][0].Text != "A tool ✓ 第1" {
				t.Errorf("starred envelope %+v", got["starred"][0])
			}
			if srv.Forbidden != 0 || h.Clock.Slept() < 2*time.Hour {
				t.Errorf("%d 403 answers, paused %v: want no 403 and two pauses until the reset", srv.Forbidden, h.Clock.Slept())
			}
		})
	}
}

// A second run: the full kinds again, the events feed unchanged (GitHub
// answers 304, so no events are saved), then new events only once they
// happen; every item is read back once.
func TestSecondRunAndSynthetic(t *testing.T) {
	h := sourcetest.New(t, secrets)
	srv := fake.New(h.Clock, "", fake.Counts{Stars: 3, Repos: 1, Events: 5, Issues: 1})
	defer srv.Close()
	ex := build(t, h, srv.URL)
	for i := range 3 {
		if i == 2 {
			srv.AddEvent()
			srv.AddStar(5000, "someone/new")
		}
		if err := h.Run(ex, "jsonl"); err != nil {
			t.Fatal(err)
		}
		last := h.Last(Decoder)
		wantEvents := map[int]int{0: 5, 1: 0, 2: 6}[i]
		if last["events"] != wantEvents || last["starred"] != 3+i/2 || last["profile"] != 1 {
			t.Errorf("run %d exported %s; want %d events", i+1, sourcetest.Counts(last), wantEvents)
		}
	}
	if srv.NotModified != 1 {
		t.Errorf("%d 304 answers, want 1 (the second run)", srv.NotModified)
	}
	got := h.Read(Decoder)
	if len(got["events"]) != 6 || len(got["starred"]) != 4 {
		t.Errorf("merged: %s", sourcetest.Counts(got))
	}
	sourcetest.Unique(t, got)
}

// The issues of the fault harness: each either recovers with every item
// once, or fails with a clear error, no snapshot and no state.
func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults map[int]fakeapi.Fault
		loop   bool
		err    string // "" recovers
	}{
		{"429 Retry-After", map[int]fakeapi.Fault{3: {Kind: fakeapi.Status, Status: 429, RetryAfter: "30"}}, false, ""},
		{"secondary rate limit: 403 Retry-After", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 403, RetryAfter: "60", Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`}}, false, ""},
		{"500", map[int]fakeapi.Fault{1: {Kind: fakeapi.Status, Status: 500}}, false, ""},
		{"502, 503", map[int]fakeapi.Fault{4: {Kind: fakeapi.Status, Status: 502}, 5: {Kind: fakeapi.Status, Status: 503}}, false, ""},
		{"connection reset", map[int]fakeapi.Fault{2: {Kind: fakeapi.Reset}}, false, ""},
		{"truncated body", map[int]fakeapi.Fault{3: {Kind: fakeapi.Truncate}}, false, ""},
		{"invalid JSON", map[int]fakeapi.Fault{6: {Kind: fakeapi.InvalidJSON}}, false, ""},
		{"token revoked: 401 Bad credentials", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 401, Body: `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`}}, false, "unexpected status 401"},
		{"404", map[int]fakeapi.Fault{3: {Kind: fakeapi.Status, Status: 404, Body: `{"message":"Not Found"}`}}, false, "404"},
		{"repeated Link next", nil, true, "looping"},
		{"500 on every attempt", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 500}, 3: {Kind: fakeapi.Status, Status: 500}, 4: {Kind: fakeapi.Status, Status: 500}, 5: {Kind: fakeapi.Status, Status: 500}, 6: {Kind: fakeapi.Status, Status: 500}}, false, "giving up after 5 attempts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, secrets)
			srv := fake.New(h.Clock, "", fake.Counts{Stars: 250, Repos: 2, Events: 3, Issues: 1, Pulls: 1})
			defer srv.Close()
			srv.LoopStarred = tc.loop
			for i, f := range tc.faults {
				srv.Faults.At(i, f)
			}
			err := h.Run(build(t, h, srv.URL), "jsonl")
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c := sourcetest.Counts(h.Read(Decoder)); c != "events=3 issues=1 profile=1 pulls=1 repos=2 starred=250" {
					t.Fatalf("recovered with %s", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if strings.Contains(err.Error(), fake.Token) || strings.Contains(h.Stderr.String(), fake.Token) {
				t.Fatal("the token leaked into the error or stderr")
			}
			if len(h.Snapshots()) != 0 || h.State() != "" {
				t.Fatalf("a failed run left %d snapshots, state %q", len(h.Snapshots()), h.State())
			}
		})
	}
}

// A wrong token fails at once, permanently, saying so.
func TestBadToken(t *testing.T) {
	h := sourcetest.New(t, "token = \"ghp_wrong\"\n")
	srv := fake.New(h.Clock, "", counts)
	defer srv.Close()
	err := h.Run(build(t, h, srv.URL), "jsonl")
	if err == nil || !strings.Contains(err.Error(), "Bad credentials") || !export.IsPermanent(err) || strings.Contains(err.Error(), "ghp_wrong") {
		t.Fatalf("err = %v", err)
	}
}

// Every endpoint's key is its kind's read key, so that in-run dedupe and
// reading back agree, and every kind has a time or is a list of things
// without one.
func TestEndpointKeysAreKindKeys(t *testing.T) {
	sourcetest.EndpointKeys(t, restParams(&Params{}), Decoder)
}

const restSample = `{"endpoint":"profile","page":1,"url":"https://api.github.com/user","status":200,"fetched_at":"2026-01-02T03:04:05Z","style":"full","items":"","body":{"login":"octo-cat","id":1}}
{"endpoint":"starred","page":1,"url":"https://api.github.com/user/starred?per_page=100","status":200,"fetched_at":"2026-01-02T03:04:06Z","style":"full","items":"","key":"repo.id","body":[{"starred_at":"2025-06-01T01:00:00Z","repo":{"id":1001,"full_name":"someone/tool-1"}}]}
{"endpoint":"events","page":1,"url":"https://api.github.com/users/octo-cat/events?per_page=100","status":304,"fetched_at":"2026-01-02T03:04:07Z","style":"synthetic","items":"","key":"id","body":null}
{"endpoint":"issues","page":1,"url":"https://api.github.com/search/issues?q=author%3Aocto-cat+is%3Aissue","status":200,"fetched_at":"2026-01-02T03:04:08Z","style":"synthetic","items":"items","key":"id","body":{"total_count":1,"incomplete_results":false,"items":[{"id":7001,"title":"Bug","created_at":"2025-06-01T00:01:00Z"}]}}
`

func TestConformance(t *testing.T) {
	t.Run("rest snapshot", func(t *testing.T) {
		dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden-rest.txt",
			Sample: func(testing.TB) []byte { return []byte(restSample) }})
	})
	for _, f := range []string{"ghexport-2019-events", "ghexport-2023"} {
		t.Run(f, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "json", Golden: "testdata/golden-" + f + ".txt",
				Sample: dectest.File("testdata/" + f + ".json")})
		})
	}
}

// Years of ghexport archives and hoard's snapshots read as one history:
// a star, an event and a repository present in both are one item each,
// in hoard's newer version (the star gains its starred_at); what only the
// old archives hold is kept.
func TestGhexportMergesWithHoard(t *testing.T) {
	dir := t.TempDir()
	for i, f := range []string{"ghexport-2019-events.json", "ghexport-2023.json"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		dectest.WriteSnap(t, dir, i, "json", b)
	}
	h := sourcetest.New(t, secrets)
	srv := fake.New(h.Clock, "", fake.Counts{Stars: 3, Repos: 1, Events: 3, Gists: 1, Followers: 1})
	defer srv.Close()
	if err := h.Run(build(t, h, srv.URL), "jsonl"); err != nil {
		t.Fatal(err)
	}
	snap := h.Snapshots()[0]
	b := readAll(t, snap.Path)
	dectest.WriteSnap(t, dir, 2, "jsonl.zst", b)
	res := dectest.Merge(t, dir, dal.Spec{Source: "github", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	byKind := map[string]map[string]dal.Item{}
	for _, m := range res.Items {
		if byKind[m.Kind] == nil {
			byKind[m.Kind] = map[string]dal.Item{}
		}
		if _, dup := byKind[m.Kind][m.Key]; dup {
			t.Errorf("%s %s twice", m.Kind, m.Key)
		}
		byKind[m.Kind][m.Key] = m.Item
	}
	// stars: 1001-1003 from hoard (1003 also in ghexport), 999 only in ghexport
	if len(byKind["starred"]) != 4 {
		t.Errorf("starred: %d, want 4", len(byKind["starred"]))
	}
	if s := byKind["starred"]["1003"]; s.Time.IsZero() || s.FirstSeen != dectest.Day(1) {
		t.Errorf("star 1003: time %v first seen %v; want hoard's starred_at, first seen in the 2023 archive", s.Time, s.FirstSeen)
	}
	if s := byKind["starred"]["999"]; s.Title != "someone/old-love" || !s.LastSeen.Equal(dectest.Day(1)) {
		t.Errorf("star only in ghexport: %+v", s)
	}
	// events: 91-93 (2019), 40000000002-3 (2023, the latter again from hoard), 40000000001 (hoard)
	if len(byKind["events"]) != 6 || byKind["events"]["40000000003"].FirstSeen != dectest.Day(1) {
		t.Errorf("events: %d %+v", len(byKind["events"]), byKind["events"]["40000000003"])
	}
	if len(byKind["repos"]) != 1 || len(byKind["profile"]) != 1 || len(byKind["orgs"]) != 1 || len(byKind["received_events"]) != 1 {
		t.Errorf("repos %d profile %d orgs %d received_events %d", len(byKind["repos"]), len(byKind["profile"]), len(byKind["orgs"]), len(byKind["received_events"]))
	}
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The exporter passes the exporter conformance suite: output only to the
// writer, attempts independent (a new client each), a cancelled context
// fails, one snapshot through the runner.
func TestExporterConformance(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(h.Clock, "", fake.Counts{Stars: 2, Repos: 1, Events: 1})
	defer srv.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return build(t, h, srv.URL), secret.Secrets{"token": fake.Token}
		},
		Check: func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`{"endpoint":"profile"`)) || bytes.Count(out, []byte("\n")) < 9 {
				t.Errorf("output:\n%.2000s", out)
			}
		},
	})
}
