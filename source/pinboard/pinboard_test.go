package pinboard

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/pinboard"
	"github.com/hoard-dev/hoard/source/internal/apisource"
	"github.com/hoard-dev/hoard/source/internal/apisource/apitest"
)

const token = "maciej:0123456789ABCDEF0123"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

func setup(t *testing.T) (*apitest.Harness, *fake.Server, apisource.Build) {
	h := apitest.New(t, "token = \""+token+"\"\n")
	s := fake.New(h.Clock, token)
	t.Cleanup(s.Close)
	s.Add(fake.Bookmark{URL: "https://www.sqlite.org/wal.html", Title: "Write-Ahead Logging", Notes: "checkpoints", Tags: "sqlite", At: apitest.Start.Add(-time.Hour)})
	s.Add(fake.Bookmark{URL: "https://ja.wikipedia.org/wiki/俳句", Title: "俳句 — Wikipedia", At: apitest.Start.Add(-48 * time.Hour)})
	b, err := build(&Params{BaseURL: s.Base()})
	if err != nil {
		t.Fatal(err)
	}
	return h, s, b
}

func (c calls) String() string { return strings.Join(c, " ") }

type calls []string

func takeCalls(s *fake.Server) calls {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	c := s.Calls
	s.Calls = nil
	return c
}

// TestUpdateFirst: posts/all only when posts/update moved, calls paced
// four seconds apart, never a 429.
func TestUpdateFirst(t *testing.T) {
	h, s, b := setup(t)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if c := takeCalls(s).String(); c != "/v1/posts/update /v1/posts/all" {
		t.Errorf("first run: %s", c)
	}
	got := h.Read(Decoder)["bookmarks"]
	if len(got) != 2 || got[1].Title != "Write-Ahead Logging" || got[1].URL != "https://www.sqlite.org/wal.html" ||
		got[1].Key != "https://www.sqlite.org/wal.html" || got[1].Text != "checkpoints" || !got[1].Time.Equal(apitest.Start.Add(-time.Hour)) {
		t.Fatalf("bookmarks %+v", got)
	}
	// Nothing changed: one call.
	h.Clock.Advance(time.Hour)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if c := takeCalls(s).String(); c != "/v1/posts/update" {
		t.Errorf("unchanged run: %s", c)
	}
	if env := h.Envelopes(-1); len(env["bookmarks"]) != 0 || len(env["update"]) != 1 {
		t.Errorf("unchanged run saved %v", env)
	}
	// A new bookmark: posts/all again, and both runs' bookmarks read back.
	h.Clock.Advance(time.Hour)
	s.Add(fake.Bookmark{URL: "https://example.org/new", Title: "New", At: h.Clock.Now()})
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if c := takeCalls(s).String(); c != "/v1/posts/update /v1/posts/all" {
		t.Errorf("changed run: %s", c)
	}
	if n := len(h.Read(Decoder)["bookmarks"]); n != 3 {
		t.Errorf("%d bookmarks read back, want 3", n)
	}
	if s.TooMany > 0 {
		t.Errorf("%d 429 answers: pacing broke Pinboard's limits", s.TooMany)
	}
}

// TestFaults: every standard fault, on posts/update and on posts/all.
func TestFaults(t *testing.T) {
	for _, f := range apitest.Faults() {
		for _, at := range []int{1, 2} {
			t.Run(f.Name+"/"+map[int]string{1: "update", 2: "all"}[at], func(t *testing.T) {
				h, s, b := setup(t)
				h.Tune = apitest.ShortTimeout
				s.Faults.At(at, f.Fault)
				if err := h.Run(b); err != nil {
					t.Fatal(err)
				}
				if n := len(h.Read(Decoder)["bookmarks"]); n != 2 {
					t.Errorf("%d bookmarks", n)
				}
				if n := s.Faults.Requests(); n != 3 {
					t.Errorf("%d requests, want 3", n)
				}
				if s.TooMany > 0 {
					t.Errorf("%d 429 answers", s.TooMany)
				}
			})
		}
	}
}

// TestTooSoon: posts/all called again within five minutes (another
// program used the token) is a 429 without Retry-After; retries back off
// and the run either recovers or fails cleanly, leaving the state as it
// was so that the next run fetches the list.
func TestTooSoon(t *testing.T) {
	h, s, b := setup(t)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	takeCalls(s)
	h.Clock.Advance(time.Minute)
	s.Add(fake.Bookmark{URL: "https://example.org/soon", Title: "Soon", At: h.Clock.Now()})
	before := h.StateText()
	err := h.Run(b)
	if err == nil {
		t.Fatal("posts/all within five minutes succeeded")
	}
	if !strings.Contains(err.Error(), "429") || export.IsPermanent(err) {
		t.Errorf("err = %v, want a temporary 429 failure", err)
	}
	if h.StateText() != before || len(h.Snapshots()) != 1 {
		t.Errorf("the failed run changed the state or left a snapshot")
	}
	h.Clock.Advance(5 * time.Minute)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if n := len(h.Read(Decoder)["bookmarks"]); n != 3 {
		t.Errorf("%d bookmarks after the retry run", n)
	}
}

func TestBadToken(t *testing.T) {
	h, s, _ := setup(t)
	b, _ := build(&Params{BaseURL: s.Base()})
	os.WriteFile(h.Secrets, []byte("token = \"maciej:WRONGWRONGWRONG\"\n"), 0o600)
	err := h.Run(b)
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "WRONGWRONG") {
		t.Fatalf("err = %v", err)
	}
}
