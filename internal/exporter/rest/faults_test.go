package rest

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/secret"
)

const (
	nItems   = 23
	pageSize = 5
)

// styleParams is a rest source for the fake API in one pagination style.
func styleParams(srv *fakeapi.Server, style fakeapi.Style) *Params {
	ep := EndpointParams{Name: "items", Path: "/items", Items: "items", Key: "id"}
	switch style {
	case fakeapi.Link:
		ep.Pagination = PaginationParams{Type: "link"}
	case fakeapi.NextURL:
		ep.Pagination = PaginationParams{Type: "next_url", NextURL: "next"}
	case fakeapi.Cursor:
		ep.Pagination = PaginationParams{Type: "cursor", Cursor: "next_cursor", Param: "cursor"}
	case fakeapi.Offset:
		ep.Pagination = PaginationParams{Type: "offset", Limit: pageSize, Total: "total"}
	case fakeapi.Page:
		ep.Pagination = PaginationParams{Type: "page", Limit: pageSize, LimitParam: "per_page", Total: "total"}
	case fakeapi.Keyset:
		ep.Pagination = PaginationParams{Type: "keyset", Field: "updated", Param: "search_after", Limit: pageSize, LimitParam: "limit", StopOnShortPage: true}
		ep.Style = "incremental"
		ep.Incremental = IncrementalParams{CursorField: "updated", Param: "search_after", Order: "ascending"}
	}
	return &Params{
		BaseURL:   srv.URL,
		Auth:      AuthParams{Type: "oauth2", TokenURL: srv.URL + "/token"},
		HTTP:      HTTPParams{Timeout: duration.Duration{D: 100 * time.Millisecond}, MaxWait: duration.Duration{D: time.Hour}},
		Endpoints: []EndpointParams{ep},
	}
}

const oauthSecrets = "client_id = \"cid\"\nclient_secret = \"csecret\"\nrefresh_token = \"refresh-0\"\naccess_token = \"live\"\n"

var allStyles = []fakeapi.Style{fakeapi.Link, fakeapi.NextURL, fakeapi.Cursor, fakeapi.Offset, fakeapi.Page, fakeapi.Keyset}
var pointerStyles = []fakeapi.Style{fakeapi.Link, fakeapi.NextURL, fakeapi.Cursor}
var counterStyles = []fakeapi.Style{fakeapi.Offset, fakeapi.Page}

type faultCase struct {
	name    string
	styles  []fakeapi.Style
	faults  map[int]fakeapi.Fault
	recover bool
	errText string // for failures: part of the error message
}

func repeat(f fakeapi.Fault, from, to int) map[int]fakeapi.Fault {
	m := map[int]fakeapi.Fault{}
	for i := from; i <= to; i++ {
		m[i] = f
	}
	return m
}

func one(i int, f fakeapi.Fault) map[int]fakeapi.Fault { return map[int]fakeapi.Fault{i: f} }

var faultCases = []faultCase{
	{"429 Retry-After", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Status, Status: 429, RetryAfter: "3"}), true, ""},
	{"500", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Status, Status: 500}), true, ""},
	{"502", allStyles, one(3, fakeapi.Fault{Kind: fakeapi.Status, Status: 502}), true, ""},
	{"503", allStyles, one(1, fakeapi.Fault{Kind: fakeapi.Status, Status: 503}), true, ""},
	{"connection reset", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Reset}), true, ""},
	{"slower than the timeout", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Slow}), true, ""},
	{"truncated body", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Truncate}), true, ""},
	{"invalid JSON", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.InvalidJSON}), true, ""},
	{"200 with an error body, once", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.ErrorBody, Body: `{"error":29,"message":"Rate Limit Exceeded"}`}), true, ""},
	{"expired token", allStyles, one(3, fakeapi.Fault{Kind: fakeapi.ExpireToken}), true, ""},
	{"item added between pages", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.AddItem}), true, ""},
	{"empty page that points ahead", pointerStyles, one(2, fakeapi.Fault{Kind: fakeapi.EmptyPage}), true, ""},

	{"500 every time", allStyles, repeat(fakeapi.Fault{Kind: fakeapi.Status, Status: 500}, 2, 20), false, "giving up after 5 attempts"},
	{"Retry-After beyond max_wait", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Status, Status: 429, RetryAfter: "86400"}), false, "max_wait"},
	{"404", allStyles, one(2, fakeapi.Fault{Kind: fakeapi.Status, Status: 404}), false, "unexpected status 404"},
	{"200 with an error body, always", allStyles, repeat(fakeapi.Fault{Kind: fakeapi.ErrorBody, Body: `{"error":10,"message":"Invalid API key"}`}, 2, 20), false, "error = 10 Invalid API key"},
	{"invalid JSON always", allStyles, repeat(fakeapi.Fault{Kind: fakeapi.InvalidJSON}, 2, 20), false, "invalid JSON"},
	{"repeated cursor", pointerStyles, one(2, fakeapi.Fault{Kind: fakeapi.RepeatCursor}), false, "looping"},
	{"empty page mid-list", counterStyles, one(2, fakeapi.Fault{Kind: fakeapi.EmptyPage}), false, "server reports 23 items"},
}

// errorBodyParams sets error_path so that 200 error bodies are detected.
func errorBodyParams(p *Params) {
	p.ErrorPath, p.ErrorMessagePath = "error", "message"
}

func TestFaults(t *testing.T) {
	for _, fc := range faultCases {
		for _, style := range fc.styles {
			t.Run(fc.name+"/"+string(style), func(t *testing.T) {
				srv := fakeapi.New(style, nItems, pageSize, "live")
				defer srv.Close()
				for i, f := range fc.faults {
					srv.At(i, f)
				}
				h := newHarness(t, oauthSecrets)
				p := styleParams(srv, style)
				errorBodyParams(p)
				const prior = `{"cursors":{"items":"2024-12-31T00:00:00Z"}}`
				if err := os.WriteFile(h.statePath, []byte(prior), 0o600); err != nil {
					t.Fatal(err)
				}
				err := h.run(p)
				if fc.recover {
					checkRecovered(t, h, srv, style, err)
				} else {
					checkFailedCleanly(t, h, err, fc.errText, prior)
				}
			})
		}
	}
}

func checkRecovered(t *testing.T, h *harness, srv *fakeapi.Server, style fakeapi.Style, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("run failed: %v\nstderr: %s", err, h.stderr.String())
	}
	got := ids(t, h.items())
	counts := map[int]int{}
	for _, id := range got {
		counts[id]++
	}
	for id := 1; id <= nItems; id++ {
		if counts[id] != 1 {
			t.Fatalf("item %d read %d times; all ids: %v", id, counts[id], got)
		}
	}
	for id, n := range counts {
		if n != 1 || id > len(srv.Items()) {
			t.Fatalf("item %d read %d times; all ids: %v", id, n, got)
		}
	}
	if style == fakeapi.Keyset {
		all := srv.Items()
		if c := h.cursors()["items"]; c != all[len(all)-1].Updated {
			t.Fatalf("bookmark %q, want the newest item's %q", c, all[len(all)-1].Updated)
		}
	}
}

func checkFailedCleanly(t *testing.T, h *harness, err error, want, prior string) {
	t.Helper()
	if err == nil {
		t.Fatal("run succeeded, want a failure")
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
	if snaps := h.snapshots(); len(snaps) != 0 {
		t.Fatalf("a failed run left snapshots: %v", snaps)
	}
	if got := h.state(); got != prior {
		t.Fatalf("a failed run changed the state:\n got %s\nwant %s", got, prior)
	}
}

func TestExpiredTokenRotatesAndSavesRefreshToken(t *testing.T) {
	srv := fakeapi.New(fakeapi.Cursor, nItems, pageSize, "live").At(2, fakeapi.Fault{Kind: fakeapi.ExpireToken})
	defer srv.Close()
	h := newHarness(t, oauthSecrets)
	if err := h.run(styleParams(srv, fakeapi.Cursor)); err != nil {
		t.Fatal(err)
	}
	if srv.Refreshes() != 1 {
		t.Fatalf("%d refreshes, want 1", srv.Refreshes())
	}
	data, _ := os.ReadFile(h.secretsPath)
	if !strings.Contains(string(data), `refresh_token = "refresh-1"`) || !strings.Contains(string(data), `client_id = "cid"`) {
		t.Fatalf("secrets file after rotation:\n%s", data)
	}
	snap, _ := os.ReadFile(h.snapshots()[0])
	for _, leak := range []string{"access-1", "refresh-1", "csecret"} {
		if strings.Contains(string(snap), leak) || strings.Contains(h.stderr.String(), leak) {
			t.Fatalf("%s leaked into the snapshot or stderr", leak)
		}
	}
}

func TestPermanentErrorsStopTheRunner(t *testing.T) {
	srv := fakeapi.New(fakeapi.Link, nItems, pageSize, "live").At(1, fakeapi.Fault{Kind: fakeapi.Status, Status: 403})
	defer srv.Close()
	h := newHarness(t, oauthSecrets)
	ex, err := newExporter(styleParams(srv, fakeapi.Link))
	if err != nil {
		t.Fatal(err)
	}
	ex.clock = h.clock
	err = ex.Export(t.Context(), &strings.Builder{}, &export.Env{
		Redactor: &secret.Redactor{}, Secrets: map[string]string{"client_id": "c", "refresh_token": "r", "access_token": "live"},
		Stderr: &strings.Builder{}, Log: discardLog(), State: export.NewState(""), Progress: export.NopProgress{},
	})
	var se *httpx.StatusError
	if !export.IsPermanent(err) || !errors.As(err, &se) || se.Status != 403 {
		t.Fatalf("err = %v, want a permanent 403", err)
	}
	if !slices.Contains([]int{1}, srv.Requests()) {
		t.Fatalf("%d requests, want 1", srv.Requests())
	}
}

// TestItemAddedBetweenPagesIsMarked checks the mechanism behind the
// "item added between pages" case: on offset pagination the shifted item
// comes again on the next page and is listed in dups.
func TestItemAddedBetweenPagesIsMarked(t *testing.T) {
	srv := fakeapi.New(fakeapi.Offset, nItems, pageSize, "").At(2, fakeapi.Fault{Kind: fakeapi.AddItem})
	defer srv.Close()
	p := styleParams(srv, fakeapi.Offset)
	p.Auth = AuthParams{}
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	snap, _ := os.ReadFile(h.snapshots()[0])
	if !strings.Contains(string(snap), `"page":2,`) || !strings.Contains(string(snap), `"dups":[0]`) {
		t.Fatalf("page 2 should list its first item (shifted from page 1) in dups:\n%s", snap)
	}
}
