package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/secret"
)

// newFakeClock returns a clock that advances only when slept on, and
// records every sleep.
func newFakeClock() *clock.Fake { return clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// script serves the i-th request with the i-th handler (the last one
// repeats) and counts requests.
type script struct {
	n        atomic.Int32
	handlers []http.HandlerFunc
	mu       sync.Mutex
	reqs     []*http.Request
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	s.mu.Lock()
	s.reqs = append(s.reqs, r.Clone(context.Background()))
	s.mu.Unlock()
	s.handlers[min(i, len(s.handlers)-1)](w, r)
}

func serve(t *testing.T, hs ...http.HandlerFunc) (*httptest.Server, *script) {
	t.Helper()
	s := &script{handlers: hs}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, s
}

func status(code int, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"status":%d}`, code)
	}
}

func ok(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"ok":true}`) }

func resetConn(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

func truncated(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "100")
	w.Write([]byte(`{"partial":`))
}

func newClient(clk *clock.Fake, o Options) *Client {
	o.Clock = clk
	o.Rand = func() float64 { return 0.5 }
	return New(o)
}

func get(t *testing.T, c *Client, url string, check Check) (*Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req, check)
}

func TestRetriesTransientFailures(t *testing.T) {
	cases := []struct {
		name  string
		fault http.HandlerFunc
	}{
		{"500", status(500)},
		{"502", status(502)},
		{"503", status(503)},
		{"504", status(504)},
		{"408", status(408)},
		{"connection reset", resetConn},
		{"truncated body", truncated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, s := serve(t, tc.fault, tc.fault, ok)
			clk := newFakeClock()
			resp, err := get(t, newClient(clk, Options{}), srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 || resp.Attempts != 3 || s.n.Load() != 3 {
				t.Fatalf("status %d after %d attempts (%d requests), want 200 after 3", resp.Status, resp.Attempts, s.n.Load())
			}
			// equal jitter with rand=0.5: 1s -> 0.75s, 2s -> 1.5s
			want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond}
			if fmt.Sprint(clk.Sleeps()) != fmt.Sprint(want) {
				t.Fatalf("sleeps %v, want %v", clk.Sleeps(), want)
			}
		})
	}
}

func TestNotRetried(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 410, 422, 501} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv, s := serve(t, status(code), ok)
			resp, err := get(t, newClient(newFakeClock(), Options{}), srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != code || s.n.Load() != 1 {
				t.Fatalf("got %d after %d requests, want %d after 1", resp.Status, s.n.Load(), code)
			}
		})
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	srv, s := serve(t, status(503))
	_, err := get(t, newClient(newFakeClock(), Options{MaxAttempts: 3}), srv.URL, nil)
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 3 || s.n.Load() != 3 {
		t.Fatalf("err = %v after %d requests, want RetryError after 3", err, s.n.Load())
	}
	if !strings.Contains(err.Error(), "503 Service Unavailable") {
		t.Fatalf("error does not name the last failure: %v", err)
	}
}

func TestServerRequestedWaits(t *testing.T) {
	clk0 := newFakeClock()
	date := clk0.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	reset := strconv.FormatInt(clk0.Now().Add(120*time.Second).Unix(), 10)
	cases := []struct {
		name  string
		fault http.HandlerFunc
		want  time.Duration // the server's wait; jitter adds at most MinBackoff
	}{
		{"429 Retry-After seconds", status(429, "Retry-After", "7"), 7 * time.Second},
		{"429 Retry-After date", status(429, "Retry-After", date), 90 * time.Second},
		{"503 Retry-After", status(503, "Retry-After", "30"), 30 * time.Second},
		{"GitHub 403 remaining 0", status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset), 120 * time.Second},
		{"GitHub secondary 403 Retry-After", status(403, "Retry-After", "60"), 60 * time.Second},
		{"429 without hints uses backoff", status(429), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, s := serve(t, tc.fault, ok)
			clk := newFakeClock()
			resp, err := get(t, newClient(clk, Options{}), srv.URL, nil)
			if err != nil || resp.Status != 200 || s.n.Load() != 2 {
				t.Fatalf("resp %v err %v after %d requests", resp, err, s.n.Load())
			}
			got := clk.Slept()
			if tc.want == 0 {
				tc.want = 500 * time.Millisecond // backoff floor for attempt 1
			}
			if got < tc.want || got > tc.want+DefaultMinBackoff {
				t.Fatalf("waited %v, want %v plus at most %v of jitter", got, tc.want, DefaultMinBackoff)
			}
		})
	}
}

func TestWaitLongerThanMaxStops(t *testing.T) {
	srv, s := serve(t, status(429, "Retry-After", "7200"), ok)
	clk := newFakeClock()
	_, err := get(t, newClient(clk, Options{MaxWait: 10 * time.Minute}), srv.URL, nil)
	var we *WaitError
	if !errors.As(err, &we) || we.Wait != 2*time.Hour {
		t.Fatalf("err = %v, want WaitError of 2h", err)
	}
	if s.n.Load() != 1 || clk.Slept() != 0 {
		t.Fatalf("%d requests, slept %v: want 1 request and no sleep", s.n.Load(), clk.Slept())
	}
	if !strings.Contains(err.Error(), "max_wait") {
		t.Fatalf("error does not explain: %v", err)
	}
}

func TestPausesBeforeLimitIsHit(t *testing.T) {
	clk := newFakeClock()
	cases := []struct {
		name   string
		rl     RateLimit
		header []string
	}{
		{"epoch", RateLimit{}, []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(clk.Now().Add(time.Minute).Unix(), 10)}},
		{"delta", RateLimit{ResetFormat: "delta"}, []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "60"}},
		{"iso date (Mastodon)", RateLimit{}, []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", clk.Now().Add(time.Minute).Format("2006-01-02T15:04:05.000000Z")}},
		{"custom names and reserve", RateLimit{Remaining: "RateLimit-Remaining", Reset: "RateLimit-Reset", Reserve: 2}, []string{"RateLimit-Remaining", "2", "RateLimit-Reset", "60"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, s := serve(t, status(200, tc.header...), ok)
			c := newClient(newFakeClock(), Options{RateLimit: tc.rl})
			c.o.Clock = clock.NewFake(clk.Now())
			for range 2 {
				if _, err := get(t, c, srv.URL, nil); err != nil {
					t.Fatal(err)
				}
			}
			if got := c.o.Clock.(*clock.Fake).Slept(); got != time.Minute || s.n.Load() != 2 {
				t.Fatalf("paused %v, want 1m before the second request", got)
			}
		})
	}
}

func TestRateLimitPauseLongerThanMaxWait(t *testing.T) {
	srv, s := serve(t, status(200, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "3600"), ok)
	c := newClient(newFakeClock(), Options{MaxWait: time.Minute})
	if _, err := get(t, c, srv.URL, nil); err != nil {
		t.Fatal(err)
	}
	_, err := get(t, c, srv.URL, nil)
	var we *WaitError
	if !errors.As(err, &we) || s.n.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want WaitError before the second request", err, s.n.Load())
	}
}

func TestParseReset(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		v, format string
		want      time.Time
		ok        bool
	}{
		{"1767323105", "auto", time.Unix(1767323105, 0), true},
		{"1767323105", "epoch", time.Unix(1767323105, 0), true},
		{"30", "auto", now.Add(30 * time.Second), true},
		{"30", "delta", now.Add(30 * time.Second), true},
		{"1.5", "delta", now.Add(1500 * time.Millisecond), true},
		{"Fri, 02 Jan 2026 03:05:05 GMT", "auto", now.Add(time.Minute), true},
		{"2026-01-02T03:05:05.000Z", "date", now.Add(time.Minute), true},
		{"30", "date", time.Time{}, false},
		{"soon", "auto", time.Time{}, false},
		{"", "auto", time.Time{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseReset(tc.v, tc.format, now)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseReset(%q, %q) = %v, %v; want %v, %v", tc.v, tc.format, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	srv, s := serve(t, hang, ok)
	resp, err := get(t, newClient(newFakeClock(), Options{Timeout: 50 * time.Millisecond}), srv.URL, nil)
	if err != nil || resp.Status != 200 || s.n.Load() != 2 {
		t.Fatalf("resp %v err %v after %d requests", resp, err, s.n.Load())
	}
}

func TestTimeoutErrorNamesTimeout(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	srv, _ := serve(t, hang)
	_, err := get(t, newClient(newFakeClock(), Options{Timeout: 20 * time.Millisecond, MaxAttempts: 2}), srv.URL, nil)
	if err == nil || !strings.Contains(err.Error(), "20ms timeout") {
		t.Fatalf("err = %v, want a message naming the timeout", err)
	}
}

func TestCheck(t *testing.T) {
	srv, s := serve(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"bad`) }, ok)
	valid := func(r *Response) error {
		if !bytes.Contains(r.Body, []byte("ok")) {
			return Retry(errors.New("invalid JSON"))
		}
		return nil
	}
	resp, err := get(t, newClient(newFakeClock(), Options{}), srv.URL, valid)
	if err != nil || s.n.Load() != 2 || string(resp.Body) != `{"ok":true}` {
		t.Fatalf("resp %v err %v after %d requests", resp, err, s.n.Load())
	}
	fatal := func(r *Response) error { return errors.New("error body: invalid API key") }
	_, err = get(t, newClient(newFakeClock(), Options{}), srv.URL, fatal)
	if err == nil || !strings.Contains(err.Error(), "invalid API key") || s.n.Load() != 3 {
		t.Fatalf("err = %v after %d requests, want the check's error and no retry", err, s.n.Load())
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	srv, s := serve(t, status(503))
	ctx, cancel := context.WithCancel(context.Background())
	c := newClient(newFakeClock(), Options{AttemptHook: func(n int) {
		if n == 2 {
			cancel()
		}
	}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := c.Do(req, nil)
	if !errors.Is(err, context.Canceled) || s.n.Load() > 2 {
		t.Fatalf("err = %v after %d requests", err, s.n.Load())
	}
}

func TestAuthStyles(t *testing.T) {
	cases := []struct {
		name  string
		auth  Auth
		check func(r *http.Request) bool
	}{
		{"bearer", Bearer{"tok-123"}, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer tok-123" }},
		{"basic", Basic{"me", "pw-123"}, func(r *http.Request) bool { u, p, ok := r.BasicAuth(); return ok && u == "me" && p == "pw-123" }},
		{"api key header", Header{"X-Api-Key", "key-123"}, func(r *http.Request) bool { return r.Header.Get("X-Api-Key") == "key-123" }},
		{"cookie", Header{"Cookie", "session=abc123"}, func(r *http.Request) bool { c, err := r.Cookie("session"); return err == nil && c.Value == "abc123" }},
		{"query", Query{"api_key", "key-123"}, func(r *http.Request) bool {
			return r.URL.Query().Get("api_key") == "key-123" && r.URL.Query().Get("page") == "2"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, s := serve(t, ok)
			if _, err := get(t, newClient(newFakeClock(), Options{Auth: tc.auth}), srv.URL+"/x?page=2", nil); err != nil {
				t.Fatal(err)
			}
			if !tc.check(s.reqs[0]) {
				t.Fatalf("credentials not sent: %v %v", s.reqs[0].Header, s.reqs[0].URL)
			}
			if ua := s.reqs[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "hoard/") {
				t.Fatalf("User-Agent %q", ua)
			}
		})
	}
}

func TestSecretsRedactedInErrorsAndLogs(t *testing.T) {
	srv, _ := serve(t, status(503))
	var logs bytes.Buffer
	red := &secret.Redactor{}
	red.Add("s3cr3t-key")
	c := newClient(newFakeClock(), Options{
		Auth: Query{"api_key", "s3cr3t-key"}, Redactor: red, MaxAttempts: 2,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	_, err := get(t, c, srv.URL+"/x?access_token=unknown-tok&page=1", nil)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, out := range []string{err.Error(), logs.String()} {
		for _, leak := range []string{"s3cr3t-key", "unknown-tok"} {
			if strings.Contains(out, leak) {
				t.Errorf("%q leaked in %q", leak, out)
			}
		}
	}
	if !strings.Contains(err.Error(), "page=1") || !strings.Contains(logs.String(), "retrying") {
		t.Errorf("redaction removed too much: %v / %s", err, logs.String())
	}
}

func TestRedactURL(t *testing.T) {
	red := &secret.Redactor{}
	red.Add("known-secret-value")
	c := New(Options{Redactor: red})
	u, _ := http.NewRequest("GET", "https://me:pw@x.test/a/known-secret-value?api_key=k&client_secret=cs&key=k2&page=2&keyword=go&sort_key=id&q=known-secret-value", nil)
	got := c.RedactURL(u.URL)
	want := "https://me:REDACTED@x.test/a/[REDACTED]?api_key=REDACTED&client_secret=REDACTED&key=REDACTED&page=2&keyword=go&sort_key=id&q=[REDACTED]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestETags(t *testing.T) {
	etagged := func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		ok(w, r)
	}
	srv, _ := serve(t, etagged)
	tags := NewETags(nil)
	c := newClient(newFakeClock(), Options{ETags: tags})
	first, err := get(t, c, srv.URL+"/events", nil)
	if err != nil || first.Status != 200 {
		t.Fatalf("first: %v %v", first, err)
	}
	// a new client from the saved map, as the next run would build
	c2 := newClient(newFakeClock(), Options{ETags: NewETags(tags.Map())})
	second, err := get(t, c2, srv.URL+"/events", nil)
	if err != nil || second.Status != http.StatusNotModified {
		t.Fatalf("second: %v %v", second, err)
	}
	for k := range tags.Map() {
		if strings.Contains(k, "events") {
			t.Fatalf("ETag store keeps the URL in clear: %q", k)
		}
	}
}

func TestPacing(t *testing.T) {
	srv, _ := serve(t, ok)
	clk := newFakeClock()
	c := newClient(clk, Options{RequestsPerSecond: 2})
	for range 5 {
		if _, err := get(t, c, srv.URL, nil); err != nil {
			t.Fatal(err)
		}
	}
	// burst 1 at 2/s: the first is free, four more need 0.5s each
	if got := clk.Slept(); got != 2*time.Second {
		t.Fatalf("paced %v, want 2s", got)
	}
}

func TestRoundTripper(t *testing.T) {
	srv, s := serve(t, status(502), ok)
	hc := &http.Client{Transport: newClient(newFakeClock(), Options{})}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || s.n.Load() != 2 {
		t.Fatalf("status %d after %d requests", resp.StatusCode, s.n.Load())
	}
}

func TestSaveSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.toml")
	orig := "# my app\nclient_id = \"cid\"\nrefresh_token = \"old\"\nclient_secret = \"cs\"\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SaveSecret(path, "refresh_token", `new"tok\n`); err != nil {
		t.Fatal(err)
	}
	if err := SaveSecret(path, "access_token", "acc"); err != nil {
		t.Fatal(err)
	}
	s, err := secret.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s["refresh_token"] != `new"tok\n` || s["client_id"] != "cid" || s["client_secret"] != "cs" || s["access_token"] != "acc" {
		t.Fatalf("secrets after save: %#v", map[string]string(s))
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "# my app\n") {
		t.Fatalf("comment lost:\n%s", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}

func TestBodyLimit(t *testing.T) {
	big := func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("x"), 2048)) }
	srv, s := serve(t, big)
	_, err := get(t, newClient(newFakeClock(), Options{MaxBodyBytes: 1024}), srv.URL, nil)
	if err == nil || !strings.Contains(err.Error(), "larger than 1024 bytes") || s.n.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want a body-size error and no retry", err, s.n.Load())
	}
}
