package strava

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/strava"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/apisource"
	"github.com/hoard-dev/hoard/source/internal/apisource/apitest"
)

const secrets = "client_id = \"12345\"\nclient_secret = \"cs-0123456789abcdef\"\nrefresh_token = \"rt-0-first\"\n"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

func setup(t *testing.T, activities int) (*apitest.Harness, *fake.Server, apisource.Build) {
	h := apitest.New(t, secrets)
	s := fake.New(h.Clock, "12345", "cs-0123456789abcdef")
	t.Cleanup(s.Close)
	s.OAuth.SetRefreshToken("rt-0-first")
	s.Add(activities, apitest.Start.Add(-2*time.Hour))
	b, err := build(&Params{BaseURL: s.Base(), TokenURL: s.URL + "/oauth/token"})
	if err != nil {
		t.Fatal(err)
	}
	return h, s, b
}

func calls(s *fake.Server) []string {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	c := s.Calls
	s.Calls = nil
	return c
}

// TestIncremental: the first run reads everything; the next asks
// after= the newest start minus 30 days (epoch seconds), saves the new
// activity and the last 30 days again, and a rename within them is read
// back in its newest version.
func TestIncremental(t *testing.T) {
	h, s, b := setup(t, 250)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	got := h.Read(Decoder)
	if len(got["activities"]) != 250 || len(got["athlete"]) != 1 {
		t.Fatalf("%d activities, %d athlete", len(got["activities"]), len(got["athlete"]))
	}
	last := got["activities"][249]
	if last.Key != "10000000250" || !last.Time.Equal(apitest.Start.Add(-2*time.Hour)) || last.Title != "Morning Run №250 ☀" || last.Text != "Ride" {
		t.Errorf("newest activity %+v", last)
	}
	if a := got["athlete"][0]; a.Key != "134815" || a.Title != "marianne_t" {
		t.Errorf("athlete %+v", a)
	}
	calls(s)
	h.Clock.Advance(24 * time.Hour)
	s.Add(1, apitest.Start.Add(20*time.Hour))
	s.Mu.Lock()
	s.Activities[245].Name = "Renamed after upload"
	s.Mu.Unlock()
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	c := calls(s)
	want := "after=" + itoa(apitest.Start.Add(-2*time.Hour).Add(-Lookback).Unix())
	if len(c) != 2 || !strings.Contains(c[1], want) {
		t.Errorf("second run requests %v, want one with %s", c, want)
	}
	if n := len(h.Envelopes(-1)["activities"]); n != 31 {
		t.Errorf("second run saved %d activities, want 30 again + 1 new", n)
	}
	got = h.Read(Decoder)
	if len(got["activities"]) != 251 {
		t.Errorf("%d activities read back", len(got["activities"]))
	}
	for _, a := range got["activities"] {
		if a.Key == "10000000246" && a.Title != "Renamed after upload" {
			t.Errorf("renamed activity reads %q", a.Title)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRateLimitWindows: a spent 15-minute window (per the usage headers)
// is waited out until the next quarter hour, never hitting a 429; a
// spent day stops the run cleanly, leaving no snapshot and the state as
// it was.
func TestRateLimitWindows(t *testing.T) {
	h, s, b := setup(t, 900) // athlete + 5 pages
	s.ReadLimit = 2
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if s.TooMany > 0 {
		t.Errorf("%d 429 answers: the client did not pause at a spent window", s.TooMany)
	}
	// 6 requests, 2 a window: three windows, so at least 30 minutes later.
	if el := h.Clock.Now().Sub(apitest.Start); el < 30*time.Minute {
		t.Errorf("the run took %v of fake time, want at least 30m", el)
	}

	h2, s2, b2 := setup(t, 900)
	s2.ReadDaily = 3
	before := h2.StateText()
	err := h2.Run(b2)
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "max_wait") {
		t.Fatalf("daily limit: %v", err)
	}
	if len(h2.Snapshots()) != 0 || h2.StateText() != before {
		t.Errorf("a stopped run left a snapshot or changed the state")
	}
}

// TestFaults: every standard fault, and an access token that expires
// mid-run: refreshed once, the rotated refresh token saved into the
// secrets file before it is used, the run completes.
func TestFaults(t *testing.T) {
	for _, f := range apitest.Faults() {
		for _, at := range []int{1, 3} {
			t.Run(f.Name+"/request "+itoa(int64(at)), func(t *testing.T) {
				h, s, b := setup(t, 450)
				h.Tune = apitest.ShortTimeout
				s.Faults.At(at+1, f.Fault) // request 1 is the token refresh
				if err := h.Run(b); err != nil {
					t.Fatal(err)
				}
				if n := len(h.Read(Decoder)["activities"]); n != 450 {
					t.Errorf("%d activities", n)
				}
			})
		}
	}
	t.Run("expired token", func(t *testing.T) {
		h, s, b := setup(t, 450)
		s.OAuth.ExpireAt(3)
		if err := h.Run(b); err != nil {
			t.Fatal(err)
		}
		if n := len(h.Read(Decoder)["activities"]); n != 450 {
			t.Errorf("%d activities", n)
		}
		if r, _ := s.OAuth.Counts(); r != 2 {
			t.Errorf("%d refreshes, want 2 (no access token at first, then the expiry)", r)
		}
		sec, err := secret.Load(h.Secrets)
		if err != nil {
			t.Fatal(err)
		}
		if sec["refresh_token"] != s.OAuth.RefreshToken() || sec["client_secret"] != "cs-0123456789abcdef" {
			t.Errorf("secrets file holds refresh token %q, the server's is %q", sec["refresh_token"], s.OAuth.RefreshToken())
		}
	})
	t.Run("revoked refresh token", func(t *testing.T) {
		h, s, b := setup(t, 10)
		s.OAuth.SetRefreshToken("something-else")
		err := h.Run(b)
		if err == nil || !strings.Contains(err.Error(), "authorise again") || strings.Contains(err.Error(), "rt-0-first") || strings.Contains(err.Error(), "cs-0123") {
			t.Fatalf("err = %v", err)
		}
		if len(h.Snapshots()) != 0 {
			t.Error("snapshot left")
		}
	})
}

// TestRepeatedPage: a server that ignores page= keeps serving the first
// page; the run stops at the second as a loop.
func TestRepeatedPage(t *testing.T) {
	h, _, b := setup(t, 450)
	h.Tune = func(p *rest.Params) { p.Endpoints[1].Pagination.Param = "pg" }
	err := h.Run(b)
	if err == nil || !strings.Contains(err.Error(), "looping") {
		t.Fatalf("err = %v", err)
	}
}

// TestNotAuthorised: without a refresh token the run says to run hoard
// auth, and sends nothing.
func TestNotAuthorised(t *testing.T) {
	h, s, b := setup(t, 1)
	os.WriteFile(h.Secrets, []byte("client_id = \"12345\"\nclient_secret = \"cs-0123456789abcdef\"\n"), 0o600)
	err := h.Run(b)
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "run 'hoard auth src' first") {
		t.Fatalf("err = %v", err)
	}
	if n := s.Faults.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
