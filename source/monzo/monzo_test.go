package monzo

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/monzo"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/apisource"
	"github.com/hoard-dev/hoard/source/internal/apisource/apitest"
)

const (
	acc     = "acc_00009237aqC8c5umZmrRdh"
	secrets = "client_id = \"oauth2client_00009abc\"\nclient_secret = \"mnzconf.secret.0123456789\"\nrefresh_token = \"rt-0-first\"\n"
)

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

// setup: 400 transactions, one every 12 hours, the newest an hour ago.
func setup(t *testing.T, extra string) (*apitest.Harness, *fake.Server, apisource.Build) {
	h := apitest.New(t, secrets+extra)
	s := fake.New(h.Clock, "oauth2client_00009abc", "mnzconf.secret.0123456789")
	t.Cleanup(s.Close)
	s.OAuth.SetRefreshToken("rt-0-first")
	s.Balance[acc] = 5000
	addEvery12h(s, 400, apitest.Start.Add(-time.Hour))
	b, err := build(&Params{BaseURL: s.URL, TokenURL: s.URL + "/oauth2/token"})
	if err != nil {
		t.Fatal(err)
	}
	return h, s, b
}

func addEvery12h(s *fake.Server, n int, last time.Time) {
	for i := n - 1; i >= 0; i-- {
		s.Add(acc, 1, last.Add(-time.Duration(i)*12*time.Hour))
	}
}

// TestLast89Days: a run reads the last 89 days (2 pages of 100, oldest
// first, the next page after the last id), the accounts and the balance.
func TestLast89Days(t *testing.T) {
	h, s, b := setup(t, "")
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	got := h.Read(Decoder)
	if len(got["transactions"]) != 178 || len(got["accounts"]) != 1 || len(got["balance"]) != 1 {
		t.Fatalf("%d transactions, %d accounts, %d balances", len(got["transactions"]), len(got["accounts"]), len(got["balance"]))
	}
	tx := got["transactions"][177]
	if tx.Key != "tx_00000000000000000400" || !tx.Time.Equal(apitest.Start.Add(-time.Hour)) || tx.Title != "PRET A MANGER 400  LONDON  GBR" {
		t.Errorf("newest transaction %+v", tx)
	}
	bal := got["balance"][0]
	if !strings.HasPrefix(string(bal.Raw), `{"account_id":"`+acc+`","fetched_at":"2024-03-02T10:00:`) || bal.Time.IsZero() || bal.Title != "GBP" ||
		!strings.HasPrefix(bal.Key, `["`+acc+`","2024-03-02T10:00:`) {
		t.Errorf("balance %+v %s", bal, bal.Raw)
	}
	if a := got["accounts"][0]; a.Key != acc || a.Text != "uk_retail" {
		t.Errorf("account %+v", a)
	}
	s.Mu.Lock()
	c := s.Calls
	s.Mu.Unlock()
	since := apitest.Start.Add(-89 * 24 * time.Hour).Format(time.RFC3339)
	if len(c) != 4 || !strings.Contains(c[1], "since="+strings.ReplaceAll(since, ":", "%3A")) || !strings.Contains(c[1], "limit=100") ||
		!strings.Contains(c[2], "since=tx_") {
		t.Errorf("requests %v", c)
	}
	if s.Forbidden > 0 {
		t.Errorf("%d 403s", s.Forbidden)
	}
}

// TestWindowGaps: runs 30 days apart overlap and merge; a run 100 days
// after the last leaves a gap the gap report finds (those transactions
// are gone for good); balances are a time series, one per run.
func TestWindowGaps(t *testing.T) {
	h, s, b := setup(t, "")
	run := func(after time.Duration) {
		t.Helper()
		h.Clock.Advance(after)
		addEvery12h(s, int(after/(12*time.Hour)), h.Clock.Now().Add(-time.Hour))
		if err := h.Run(b); err != nil {
			t.Fatal(err)
		}
	}
	run(0)
	run(30 * 24 * time.Hour)
	if g := h.Gaps(Decoder, "transactions"); len(g) != 0 {
		t.Errorf("gaps after runs 30 days apart: %v", g)
	}
	run(100 * 24 * time.Hour)
	g := h.Gaps(Decoder, "transactions")
	if len(g) != 1 || g[0].To.Sub(g[0].From) < 10*24*time.Hour {
		t.Errorf("gaps %v, want one of more than 10 days", g)
	}
	if n := len(h.Read(Decoder)["balance"]); n != 3 {
		t.Errorf("%d balances, want one per run", n)
	}
}

// TestFullHistoryRightAfterAuth: within 5 minutes of the authorisation
// hoard auth recorded, a run reads every transaction; later, 89 days.
func TestFullHistoryRightAfterAuth(t *testing.T) {
	h, s, b := setup(t, "authorized_at = \""+apitest.Start.Add(-2*time.Minute).Format(time.RFC3339)+"\"\n")
	s.ApprovedAt = apitest.Start.Add(-time.Minute)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if n := len(h.Read(Decoder)["transactions"]); n != 400 {
		t.Errorf("%d transactions right after auth, want all 400", n)
	}
	h.Clock.Advance(10 * time.Minute)
	s.Mu.Lock()
	s.Calls = nil
	s.Mu.Unlock()
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if s.Forbidden > 0 {
		t.Errorf("%d 403s", s.Forbidden)
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !strings.Contains(s.Calls[1], "since=2023-12-") {
		t.Errorf("later run: %s", s.Calls[1])
	}
}

// TestSCAErrors: Monzo's 403s are reported, not retried: before the user
// approves in the app, and when the whole history is asked for too late.
func TestSCAErrors(t *testing.T) {
	h, s, b := setup(t, "")
	s.Approved = false
	err := h.Run(b)
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "insufficient_permissions") {
		t.Errorf("not approved: %v", err)
	}
	// authorized_at says 'just now' but Monzo's 5 minutes have passed.
	h2, s2, b2 := setup(t, "authorized_at = \""+apitest.Start.Format(time.RFC3339)+"\"\n")
	s2.ApprovedAt = apitest.Start.Add(-time.Hour)
	err = h2.Run(b2)
	if err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "verification_required") {
		t.Errorf("full history too late: %v", err)
	}
	if len(h2.Snapshots()) != 0 {
		t.Error("snapshot left")
	}
}

// TestFaults: every standard fault, and an access token expiring
// mid-run: Monzo's refresh tokens are one-time, the new one saved.
func TestFaults(t *testing.T) {
	for _, f := range apitest.Faults() {
		for _, at := range []int{2, 4} {
			t.Run(fmt.Sprintf("%s/request %d", f.Name, at), func(t *testing.T) {
				h, s, b := setup(t, "")
				h.Tune = apitest.ShortTimeout
				s.Faults.At(at, f.Fault)
				if err := h.Run(b); err != nil {
					t.Fatal(err)
				}
				if n := len(h.Read(Decoder)["transactions"]); n != 178 {
					t.Errorf("%d transactions", n)
				}
			})
		}
	}
	t.Run("expired token", func(t *testing.T) {
		h, s, b := setup(t, "")
		s.OAuth.ExpireAt(2)
		if err := h.Run(b); err != nil {
			t.Fatal(err)
		}
		sec, _ := secret.Load(h.Secrets)
		if r, _ := s.OAuth.Counts(); r != 2 || sec["refresh_token"] != s.OAuth.RefreshToken() {
			t.Errorf("%d refreshes; secrets file %q, server %q", r, sec["refresh_token"], s.OAuth.RefreshToken())
		}
		if n := len(h.Read(Decoder)["transactions"]); n != 178 {
			t.Errorf("%d transactions", n)
		}
	})
}

func TestConfig(t *testing.T) {
	if _, err := build(&Params{Days: 90}); err == nil || !strings.Contains(err.Error(), "days = 90") {
		t.Errorf("days 90: %v", err)
	}
	b, _ := build(&Params{})
	if _, err := b(apitest.Start, secret.Secrets{"authorized_at": "yesterday"}); err == nil || !strings.Contains(err.Error(), "authorized_at") {
		t.Errorf("bad authorized_at: %v", err)
	}
}

// TestRepeatedPage: a server that ignores the since of the next page
// serves the first one again; the run stops as a loop.
func TestRepeatedPage(t *testing.T) {
	h, _, b := setup(t, "")
	h.Tune = func(p *rest.Params) { p.Endpoints[1].Pagination.Param = "since_id" }
	err := h.Run(b)
	if err == nil || !strings.Contains(err.Error(), "looping") {
		t.Fatalf("err = %v", err)
	}
}
