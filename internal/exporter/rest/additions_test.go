package rest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/klauspost/compress/zstd"
)

// recorder is a test server that records the query of every request.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	calls []string
}

func newRecorder(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.calls = append(rec.calls, r.URL.Path+"?"+r.URL.RawQuery)
		rec.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

// TestParamFormatUnix: an RFC 3339 bookmark is sent as Unix seconds
// (Strava's after=), after the lookback is applied.
func TestParamFormatUnix(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `[{"id":1,"start_date":"2024-05-01T10:00:00Z"},{"id":2,"start_date":"2024-05-02T10:00:00Z"}]`)
	})
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{
		Name: "activities", Path: "/activities", Key: "id", Style: "incremental",
		Incremental: IncrementalParams{CursorField: "start_date", Param: "after", Order: "ascending",
			ParamFormat: "unix", Lookback: duration.Duration{D: time.Hour}},
	}}}
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	calls := srv.take()
	// 2024-05-02T09:00:00Z (bookmark minus the hour) = 1714640400
	if len(calls) != 2 || strings.Contains(calls[0], "after=") || !strings.Contains(calls[1], "after=1714640400") {
		t.Errorf("calls %v", calls)
	}
	if got := h.cursors()["activities"]; got != "2024-05-02T10:00:00Z" {
		t.Errorf("bookmark %q", got)
	}
	p.Endpoints[0].Incremental.ParamFormat = "iso"
	if _, err := newExporter(p); err == nil || !strings.Contains(err.Error(), "param_format") {
		t.Errorf("bad format: %v", err)
	}
}

// TestAllowMissing: an item without the cursor field (Last.fm's
// now-playing track) is saved but does not move the bookmark; without
// allow_missing it fails the run.
func TestAllowMissing(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"track":[{"name":"now","@attr":{"nowplaying":"true"}},{"name":"a","date":{"uts":"1700000100"}},{"name":"b","date":{"uts":"1700000000"}}]}`)
	})
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{
		Name: "tracks", Path: "/", Items: "track", Style: "incremental",
		Incremental: IncrementalParams{CursorField: "date.uts", Param: "from", Order: "descending"},
	}}}
	if err := newHarness(t, "").run(p); err == nil || !strings.Contains(err.Error(), "date.uts") {
		t.Fatalf("without allow_missing: %v", err)
	}
	p.Endpoints[0].Incremental.AllowMissing = true
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if n := len(h.items()); n != 3 {
		t.Errorf("%d items saved, want 3 (the now-playing one too)", n)
	}
	if got := h.cursors()["tracks"]; got != "1700000100" {
		t.Errorf("bookmark %q", got)
	}
}

// TestErrorRetry: error bodies listed in error_retry are retried; others
// fail at once, permanently, with the service's message.
func TestErrorRetry(t *testing.T) {
	var n int
	var mu sync.Mutex
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		switch {
		case r.URL.Query().Get("key") == "bad":
			fmt.Fprint(w, `{"error":10,"message":"Invalid API key - You must be granted a valid key by last.fm"}`)
		case k == 1:
			fmt.Fprint(w, `{"error":29,"message":"Rate Limit Exceeded"}`)
		default:
			fmt.Fprint(w, `{"items":[{"id":1}]}`)
		}
	})
	p := &Params{BaseURL: srv.URL, ErrorPath: "error", ErrorMessagePath: "message", ErrorRetry: []string{"8", "11", "16", "29"},
		Endpoints: []EndpointParams{{Name: "x", Path: "/", Items: "items", Params: map[string]string{"key": "good"}}}}
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if calls := srv.take(); len(calls) != 2 {
		t.Errorf("calls %v, want the rate-limited one retried", calls)
	}
	p.Endpoints[0].Params["key"] = "bad"
	err := newHarness(t, "").run(p)
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "Invalid API key") {
		t.Fatalf("err = %v, want a permanent error with the message", err)
	}
	if calls := srv.take(); len(calls) != 1 {
		t.Errorf("calls %v, want one: error 10 is not retried", calls)
	}
	if _, err := newExporter(&Params{BaseURL: srv.URL, ErrorRetry: []string{"1"}, Endpoints: p.Endpoints}); err == nil || !strings.Contains(err.Error(), "error_path") {
		t.Errorf("error_retry without error_path: %v", err)
	}
}

// TestOnlyIfChanged: Pinboard's rule (posts/all only when posts/update
// moved) and a per-parent rule (a playlist's items only when its
// snapshot_id changed).
func TestOnlyIfChanged(t *testing.T) {
	var mu sync.Mutex
	update := "2024-01-01T00:00:00Z"
	snaps := map[string]string{"p1": "s1", "p2": "s1"}
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.URL.Path == "/update":
			fmt.Fprintf(w, `{"update_time":%q}`, update)
		case r.URL.Path == "/all":
			fmt.Fprint(w, `[{"href":"https://a.example/"},{"href":"https://b.example/"}]`)
		case r.URL.Path == "/playlists":
			fmt.Fprintf(w, `{"items":[{"id":"p1","snapshot_id":%q},{"id":"p2","snapshot_id":%q}]}`, snaps["p1"], snaps["p2"])
		default:
			fmt.Fprintf(w, `{"items":[{"entry":%q}]}`, r.URL.Path)
		}
	})
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{
		{Name: "update", Path: "/update"},
		{Name: "posts", Path: "/all", Key: "href", Style: "synthetic", OnlyIfChanged: ChangedParams{Endpoint: "update", Field: "update_time"}},
		{Name: "playlists", Path: "/playlists", Items: "items", Key: "id"},
		{Name: "entries", Path: "/playlists/{id}/items", Items: "items", Style: "synthetic",
			ForEach: ForEachParams{Endpoint: "playlists", Field: "id"}, OnlyIfChanged: ChangedParams{Endpoint: "playlists", Field: "snapshot_id"}},
	}}
	h := newHarness(t, "")
	run := func(want ...string) {
		t.Helper()
		if err := h.run(p); err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, c := range srv.take() {
			paths = append(paths, strings.TrimSuffix(c, "?"))
		}
		if strings.Join(paths, " ") != strings.Join(want, " ") {
			t.Errorf("requests %v, want %v", paths, want)
		}
	}
	run("/update", "/all", "/playlists", "/playlists/p1/items", "/playlists/p2/items")
	run("/update", "/playlists")
	if txt := h.snapshotText(); !strings.Contains(txt, `"endpoint":"posts","page":1,"url":"`+srv.URL+`/all","status":304`) ||
		!strings.Contains(txt, `"endpoint":"entries","parent":"p2","page":1,"url":"`+srv.URL+`/playlists/p2/items","status":304`) {
		t.Errorf("skipped endpoints are not recorded as 304:\n%s", txt)
	}
	mu.Lock()
	update, snaps["p2"] = "2024-02-01T00:00:00Z", "s2"
	mu.Unlock()
	run("/update", "/all", "/playlists", "/playlists/p2/items")
	// A failed run does not count: the next one fetches again.
	mu.Lock()
	update = "2024-03-01T00:00:00Z"
	mu.Unlock()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/playlists" {
			http.Error(w, "down", http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, `{"update_time":%q}`, "2024-03-01T00:00:00Z")
	})
	if err := h.run(p); err == nil {
		t.Fatal("the failing run succeeded")
	}
	if st := h.state(); !strings.Contains(st, `"posts":"2024-02-01T00:00:00Z"`) {
		t.Errorf("a failed run moved the marks: %s", st)
	}

	full := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{Name: "update", Path: "/u"},
		{Name: "x", Path: "/x", OnlyIfChanged: ChangedParams{Endpoint: "update", Field: "t"}}}}
	if _, err := newExporter(full); err == nil || !strings.Contains(err.Error(), "synthetic") {
		t.Errorf("full style: %v", err)
	}
	bad := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{Name: "x", Path: "/x", Style: "synthetic", OnlyIfChanged: ChangedParams{Endpoint: "later", Field: "t"}}}}
	if _, err := newExporter(bad); err == nil || !strings.Contains(err.Error(), `only_if_changed.endpoint = "later"`) {
		t.Errorf("unknown endpoint: %v", err)
	}
}

// TestUsageRateLimit: Strava-style per-window usage headers pause the
// client until the window ends: the 15-minute one at the next quarter
// hour, the daily one (beyond max_wait) stops the run cleanly.
func TestUsageRateLimit(t *testing.T) {
	var mu sync.Mutex
	usage := "99,500"
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		w.Header().Set("X-RateLimit-Limit", "100,1000")
		w.Header().Set("X-RateLimit-Usage", usage)
		mu.Unlock()
		fmt.Fprintf(w, `{"items":[{"id":%q}],"next":%q}`, r.URL.Query().Get("p"), map[string]string{"": "?p=2", "2": ""}[r.URL.Query().Get("p")])
	})
	p := &Params{BaseURL: srv.URL, HTTP: HTTPParams{RateLimitUsage: []UsageParams{{LimitHeader: "X-RateLimit-Limit", UsageHeader: "X-RateLimit-Usage",
		Windows: []duration.Duration{{D: 15 * time.Minute}, {D: 24 * time.Hour}}}}},
		Endpoints: []EndpointParams{{Name: "x", Path: "/", Items: "items", Pagination: PaginationParams{Type: "next_url", NextURL: "next"}}}}
	h := newHarness(t, "")
	start := h.clock.Now() // 2026-01-02T03:04:05Z
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.take()); n != 2 {
		t.Fatalf("%d requests", n)
	}
	// usage 99 of 100 is not spent; make it 100 of 100.
	mu.Lock()
	usage = "100,500"
	mu.Unlock()
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	srv.take()
	if got := h.clock.Now(); got.Before(start.Truncate(15 * time.Minute).Add(15 * time.Minute)) {
		t.Errorf("clock at %v: the second page did not wait for the quarter hour", got)
	}
	mu.Lock()
	usage = "10,1000"
	mu.Unlock()
	err := h.run(p)
	if err == nil || !strings.Contains(err.Error(), "max_wait") || !export.IsPermanent(err) {
		t.Fatalf("daily limit spent: %v", err)
	}
	if _, err := newExporter(&Params{BaseURL: srv.URL, HTTP: HTTPParams{RateLimitUsage: []UsageParams{{LimitHeader: "L"}}}, Endpoints: p.Endpoints}); err == nil || !strings.Contains(err.Error(), "ratelimit_usage[0]") {
		t.Errorf("incomplete ratelimit_usage: %v", err)
	}
}

// TestBrowserCookie: the session cookie is read from a real Chromium
// cookie database (the fixture Chromium 156 wrote), sent as the Cookie
// header, and redacted wherever it could appear.
func TestBrowserCookie(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	profile := filepath.Join(home, ".config", "chromium", "Default")
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "source", "chromium", "testdata", "Cookies.sqlite.zst"))
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := zstd.NewReader(nil)
	db, err := dec.DecodeAll(data, nil)
	dec.Close()
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(profile, 0o700)
	os.WriteFile(filepath.Join(profile, "Cookies"), db, 0o600)
	os.WriteFile(filepath.Join(profile, "History"), []byte("x"), 0o600)
	var got string
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Cookie")
		if r.URL.Path == "/echo" {
			http.Error(w, "your cookie "+got+" is not welcome", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, `[{"id":1}]`)
	})
	p := &Params{BaseURL: srv.URL, Auth: AuthParams{Type: "browser_cookie", Browser: "chromium", Domain: "127.0.0.1", Cookies: []string{"hoard_session"}},
		Endpoints: []EndpointParams{{Name: "x", Path: "/"}}}
	h := newHarness(t, "")
	// The fixture's persistent cookies expire on 2026-12-04; the session
	// cookie never does, so the run's date does not matter.
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if got != "hoard_session=abc123" {
		t.Errorf("Cookie %q", got)
	}
	p.Endpoints[0].Path = "/echo"
	err = h.run(p)
	if err == nil || strings.Contains(err.Error(), "abc123") || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("error %v: the cookie must be redacted", err)
	}
	p.Auth.Cookies = []string{"sessionid"}
	if err := h.run(p); err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), `"sessionid"`) {
		t.Errorf("missing cookie: %v", err)
	}
	for _, c := range []struct {
		auth AuthParams
		want string
	}{
		{AuthParams{Type: "browser_cookie", Browser: "netscape", Domain: "x"}, `auth.browser = "netscape"`},
		{AuthParams{Type: "browser_cookie", Browser: "firefox"}, "auth.domain"},
		{AuthParams{Type: "browser_cookie", Browser: "firefox", Domain: "https://x"}, "not a URL"},
	} {
		if _, err := newExporter(&Params{BaseURL: srv.URL, Auth: c.auth, Endpoints: p.Endpoints}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.auth, err, c.want)
		}
	}
	if _, err := newExporter(&Params{BaseURL: "http://example.com", Auth: AuthParams{Type: "browser_cookie", Browser: "firefox", Domain: "example.com"}, Endpoints: p.Endpoints}); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http: %v", err)
	}
}

// TestKeys: several key paths identify an item together: two scrobbles
// in the same second are two items, the same one on two pages is one.
func TestKeys(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			fmt.Fprint(w, `[{"t":1,"name":"b"},{"t":0,"name":"c"}]`)
			return
		}
		fmt.Fprint(w, `[{"t":1,"name":"a"},{"t":1,"name":"b"}]`)
	})
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{Name: "x", Path: "/", Keys: []string{"t", "name"},
		Pagination: PaginationParams{Type: "page", Limit: 2, LimitParam: "limit", StopOnShortPage: true}, MaxPages: 2}}}
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if n := len(h.items()); n != 3 {
		t.Errorf("%d items, want 3 (a, b, c: b on page 2 is a duplicate)", n)
	}
	if !strings.Contains(h.snapshotText(), `"key":"t,name","dups":[0]`) {
		t.Errorf("snapshot:\n%s", h.snapshotText())
	}
	if got := p.KindKeyPaths()["x"]; strings.Join(got, " ") != "t name" {
		t.Errorf("KindKeyPaths %v", got)
	}
	p.Endpoints[0].Key = "t"
	if _, err := newExporter(p); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("key and keys: %v", err)
	}
}

// TestPageRepeated: a server that ignores the page parameter serves the
// same page forever; the run stops at the second one, keyed or not.
func TestPageRepeated(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `[{"id":1},{"id":2}]`)
	})
	for _, key := range []string{"id", ""} {
		p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{Name: "x", Path: "/", Key: key,
			Pagination: PaginationParams{Type: "page", Limit: 2, LimitParam: "limit"}}}}
		err := newHarness(t, "").run(p)
		if err == nil || !strings.Contains(err.Error(), "page 2 holds only items already seen") || !export.IsPermanent(err) {
			t.Errorf("key %q: %v", key, err)
		}
		if n := len(srv.take()); n != 2 {
			t.Errorf("key %q: %d requests, want 2", key, n)
		}
	}
}
