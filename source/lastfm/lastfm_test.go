package lastfm

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/lastfm"
	"github.com/hoard-dev/hoard/source/internal/apisource"
	"github.com/hoard-dev/hoard/source/internal/apisource/apitest"
)

const key = "0123456789abcdef0123456789abcdef"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

// newFake serves rj's scrobbles and loved tracks; the last scrobble is a
// minute before the harness's start.
func newFake(t testing.TB, h *apitest.Harness, scrobbles int) *fake.Server {
	s := fake.New(h.Clock, "rj", key)
	t.Cleanup(s.Close)
	s.Scrobble(scrobbles, apitest.Start.Add(-time.Minute))
	s.Loved = []fake.Loved{{Artist: "Björk", Track: "Jóga", At: apitest.Start.Add(-48 * time.Hour)}}
	return s
}

func buildFor(t testing.TB, s *fake.Server) apisource.Build {
	t.Helper()
	b, err := build(&Params{User: "rj", BaseURL: s.Base()})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestScrobblesIncremental: the first run reads every page; the second
// asks from the bookmark minus 14 days and saves only the new scrobbles
// (and one submitted late, timestamped before the bookmark); the
// now-playing entry is saved but not read back as a scrobble.
func TestScrobblesIncremental(t *testing.T) {
	h := apitest.New(t, "api_key = \""+key+"\"\n")
	s := newFake(t, h, 450)
	s.NowPlaying = &fake.Scrobble{Artist: "Sigur Rós", Track: "Hoppípolla"}
	s.NowPlayingEveryPage = true
	if err := h.Run(buildFor(t, s)); err != nil {
		t.Fatal(err)
	}
	env := h.Envelopes(-1)
	// 3 pages, each led by the now-playing entry: saved once, its repeats
	// marked as duplicates.
	if n := len(env["scrobbles"]); n != 450+1 {
		t.Errorf("first run saved %d scrobble entries, want 451", n)
	}
	got := h.Read(Decoder)
	if len(got["scrobbles"]) != 450 || len(got["loved"]) != 1 {
		t.Fatalf("read back %d scrobbles, %d loved", len(got["scrobbles"]), len(got["loved"]))
	}
	last := got["scrobbles"][449]
	if last.Time != apitest.Start.Add(-time.Minute) || last.Title != "Track №450 “live”" || last.Text != "Artist 2" ||
		last.Key != `["`+itoa(apitest.Start.Add(-time.Minute).Unix())+`","Artist 2","Track №450 “live”"]` ||
		!strings.HasPrefix(last.URL, "https://www.last.fm/music/Artist%202/_/") {
		t.Errorf("last scrobble %+v", last)
	}
	if l := got["loved"][0]; l.Title != "Jóga" || l.Text != "Björk" || l.Time != apitest.Start.Add(-48*time.Hour) {
		t.Errorf("loved %+v", l)
	}
	if s.Limited > 0 {
		t.Errorf("%d requests over Last.fm's 5 a second", s.Limited)
	}

	// Ten new scrobbles, and one from yesterday submitted late.
	h.Clock.Advance(time.Hour)
	s.Scrobble(10, apitest.Start.Add(30*time.Minute))
	s.Mu.Lock()
	s.Scrobbles = append(s.Scrobbles, fake.Scrobble{Artist: "Late", Track: "Offline play", At: apitest.Start.Add(-24 * time.Hour).Add(30 * time.Second)})
	s.Calls = nil
	s.Mu.Unlock()
	if err := h.Run(buildFor(t, s)); err != nil {
		t.Fatal(err)
	}
	from := s.Calls[0].Get("from")
	if want := itoa(apitest.Start.Add(-time.Minute).Add(-Lookback).Unix()); from != want {
		t.Errorf("second run from=%s, want the bookmark minus 14 days (%s)", from, want)
	}
	var fresh []string
	for _, it := range h.Envelopes(-1)["scrobbles"] {
		if !strings.Contains(string(it.Raw), "nowplaying") {
			fresh = append(fresh, string(it.Raw))
		}
	}
	if len(fresh) != 11 || !strings.Contains(strings.Join(fresh, ""), "Offline play") {
		t.Errorf("second run saved %d new scrobbles, want 10 + the late one", len(fresh))
	}
	if got := h.Read(Decoder)["scrobbles"]; len(got) != 461 {
		t.Errorf("read back %d scrobbles after two runs, want 461", len(got))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFaults: every standard fault, on the first and on a later page,
// is retried and the run saves every scrobble exactly once.
func TestFaults(t *testing.T) {
	for _, f := range apitest.Faults() {
		for _, at := range []int{1, 3} {
			t.Run(f.Name+"/request "+itoa(int64(at)), func(t *testing.T) {
				h := apitest.New(t, "api_key = \""+key+"\"\n")
				h.Tune = apitest.ShortTimeout
				s := newFake(t, h, 450)
				s.Faults.At(at, f.Fault)
				if err := h.Run(buildFor(t, s)); err != nil {
					t.Fatal(err)
				}
				if got := h.Read(Decoder); len(got["scrobbles"]) != 450 || len(got["loved"]) != 1 {
					t.Errorf("%d scrobbles, %d loved", len(got["scrobbles"]), len(got["loved"]))
				}
				if n := s.Faults.Requests(); n != 3+1+1 { // 3 pages of scrobbles, 1 of loved tracks, 1 retry
					t.Errorf("%d requests, want 5", n)
				}
			})
		}
	}
}

// TestErrorBodies: Last.fm's errors in a 200 body. Rate limits and
// backend failures are retried; a bad key fails at once, with Last.fm's
// message, no snapshot and no state.
func TestErrorBodies(t *testing.T) {
	h := apitest.New(t, "api_key = \""+key+"\"\n")
	s := newFake(t, h, 10)
	s.Faults.At(1, fakeapi.Fault{Kind: fakeapi.ErrorBody, Body: `{"error":29,"message":"Rate Limit Exceeded"}`})
	s.Faults.At(2, fakeapi.Fault{Kind: fakeapi.ErrorBody, Body: `{"error":8,"message":"Operation failed - Most likely the backend service failed. Please try again."}`})
	if err := h.Run(buildFor(t, s)); err != nil {
		t.Fatal(err)
	}
	if n := len(h.Read(Decoder)["scrobbles"]); n != 10 {
		t.Errorf("%d scrobbles", n)
	}

	bad := apitest.New(t, "api_key = \"not-the-key\"\n")
	s2 := newFake(t, bad, 10)
	err := bad.Run(buildFor(t, s2))
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "Invalid API key") || strings.Contains(err.Error(), "not-the-key") {
		t.Fatalf("bad key: %v", err)
	}
	if len(bad.Snapshots()) != 0 || bad.StateText() != "" {
		t.Errorf("a failed run left a snapshot or state")
	}
	if n := s2.Faults.Requests(); n != 1 {
		t.Errorf("%d requests with a bad key, want 1", n)
	}

	// An error code not known to be temporary, in a 200 body: not retried.
	h3 := apitest.New(t, "api_key = \""+key+"\"\n")
	s3 := newFake(t, h3, 10)
	s3.Faults.At(1, fakeapi.Fault{Kind: fakeapi.ErrorBody, Body: `{"error":17,"message":"Login: User required to be logged in"}`})
	if err := h3.Run(buildFor(t, s3)); err == nil || !strings.Contains(err.Error(), "User required to be logged in") {
		t.Errorf("error 17: %v", err)
	}
}

// TestRepeatedPage: a server that keeps answering the same page (it
// ignores page=) fails the run as a loop instead of fetching forever.
func TestRepeatedPage(t *testing.T) {
	h := apitest.New(t, "api_key = \""+key+"\"\n")
	s := newFake(t, h, 450)
	b := buildFor(t, s)
	h.Tune = func(p *rest.Params) { p.Endpoints[0].Params["page"] = "1"; p.Endpoints[0].Pagination.Param = "pg" }
	err := h.Run(b)
	if err == nil || !strings.Contains(err.Error(), "looping") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfig(t *testing.T) {
	if _, err := build(&Params{}); err == nil || !strings.Contains(err.Error(), `"user"`) {
		t.Errorf("no user: %v", err)
	}
	if _, err := build(&Params{User: "rj", BaseURL: "ftp://x"}); err == nil || !strings.Contains(err.Error(), "base_url") {
		t.Errorf("bad base_url: %v", err)
	}
	h := apitest.New(t, "")
	s := newFake(t, h, 1)
	if err := h.Run(buildFor(t, s)); err == nil || !strings.Contains(err.Error(), `"api_key"`) {
		t.Errorf("no secrets: %v", err)
	}
}
