package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/paths"
)

// pagesOf lists a page of every kind the app has, for the fixture.
func pagesOf(t *testing.T, f *fixture) []string {
	t.Helper()
	pages := []string{"/", "/sources/notes", "/sources/notes/runs", "/sources/notes/snapshots", "/sources/firefox", "/sources/hikes", "/sources/strava", "/sources/broken",
		"/sources/notes?kind=links", "/sources/notes?q=sqlite&order=oldest", "/sources/notes?from=2026-11-02&to=2026-11-03",
		"/timeline", "/timeline?day=2026-11-01", "/timeline?day=2026-11-02&span=week", "/search?q=z%C3%BCrich", "/search?q=script", "/search",
		"/map", "/map?source=hikes", "/map?source=strava", "/login"}
	// Every item's page.
	r, err := f.app.Reader(false).Read(context.Background(), mustTargets(t, f.app), dal.Query{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	shell := 0
	for it, err := range r.Items {
		if err != nil {
			t.Fatal(err)
		}
		if it.Source == "shell" {
			if shell++; shell > 3 {
				continue // thousands of commands: a few will do
			}
		}
		pages = append(pages, itemURL(it))
	}
	return pages
}

func mustTargets(t *testing.T, a *app.App) []app.Target {
	ts, err := a.Targets(nil)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

const wantCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// TestEveryPage: every page renders (200), with the security headers,
// and none holds a script, an event handler or a link that is not this
// server's or an http(s) URL, whatever the data holds.
func TestEveryPage(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	hrefs := regexp.MustCompile(`(?i)\s(?:href|src|action)="([^"]*)"`)
	// Real tags (not escaped text) that run or load something, event
	// handler attributes inside a real tag, and inline styles.
	markup := regexp.MustCompile(`(?i)<(script|img|iframe|object|embed|base|meta http-equiv|link rel="?import)|<[a-z][^<>]*\s(on[a-z]+|style|srcdoc)\s*=`)
	for _, p := range pagesOf(t, f) {
		code, h, body := f.get(p)
		if code != http.StatusOK {
			t.Errorf("%s: %d\n%.400s", p, code, body)
			continue
		}
		checkHeaders(t, p, h)
		if h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", p, h.Get("Content-Type"))
		}
		if !strings.HasPrefix(h.Get("Server-Timing"), "app;dur=") {
			t.Errorf("%s: Server-Timing %q", p, h.Get("Server-Timing"))
		}
		for _, bad := range markup.FindAllStringIndex(body, -1) {
			t.Errorf("%s: the page holds markup that could run: ...%s...", p, body[max(0, bad[0]-80):min(len(body), bad[1]+80)])
		}
		for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
			u := htmlUnescape(m[1])
			if !(strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")) && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
				t.Errorf("%s: link %q is neither this server's nor http(s)", p, u)
			}
		}
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

func checkHeaders(t *testing.T, p string, h http.Header) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Security-Policy": wantCSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
		"X-Frame-Options": "DENY", "Cache-Control": "no-store", "Cross-Origin-Opener-Policy": "same-origin",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", p, k, got, want)
		}
	}
}

// TestHostileDataStaysText: the hostile titles and URLs appear on the
// pages as text (escaped), and none of the URLs that are not http(s)
// became a link.
func TestHostileDataStaysText(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	_, _, body := f.get("/sources/firefox")
	for _, title := range xssTitles[:3] {
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(title)
		if !strings.Contains(body, esc) {
			t.Errorf("firefox page: %q not shown escaped (%q)", title, esc)
		}
	}
	for _, p := range []string{"/sources/notes?kind=links", "/sources/firefox"} {
		_, _, body := f.get(p)
		if n := strings.Count(body, `class="ext"`); n != 1 && p == "/sources/notes?kind=links" {
			t.Errorf("%s: %d outside links, want 1 (the one http(s) URL of the six)", p, n)
		}
	}
	// Each link item's own page: only the https URL is a link.
	for i, u := range xssURLs {
		it, err := f.app.Reader(false).Find(context.Background(), mustTargets(t, f.app)[0], "links", fmt.Sprintf("u%d", i), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		_, _, body := f.get(itemURL(it))
		isLink := strings.Contains(body, `rel="noopener noreferrer nofollow">`)
		if want := safeHref(u) != ""; isLink != want {
			t.Errorf("link %q: shown as a link %v, want %v", u, isLink, want)
		}
		if !strings.Contains(body, "not a web address") && safeHref(u) == "" {
			t.Errorf("link %q: not marked as text", u)
		}
	}
}

func TestSafeHref(t *testing.T) {
	for u, want := range map[string]string{
		"https://example.com/a?b=c":        "https://example.com/a?b=c",
		"HTTP://EXAMPLE.COM":               "http://EXAMPLE.COM",
		"javascript:alert(1)":              "",
		" javascript:alert(1)":             "",
		"JaVaScRiPt:alert(1)":              "",
		"java\tscript:alert(1)":            "",
		"data:text/html,<script>":          "",
		"vbscript:x":                       "",
		"//evil.example/x":                 "",
		"/local/path":                      "",
		"file:///etc/passwd":               "",
		"https:evil":                       "",
		"mailto:me@example.com":            "",
		"https://example.com/\"><script>x": "https://example.com/%22%3E%3Cscript%3Ex",
	} {
		if got := safeHref(u); got != want {
			t.Errorf("safeHref(%q) = %q, want %q", u, got, want)
		}
	}
}

// TestHostHeaderChecked: a request naming another host (DNS rebinding)
// is refused; the loopback names on the right port are not.
func TestHostHeaderChecked(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	port := f.ts.Listener.Addr().(interface{ String() string }).String()
	_, p, _ := strings.Cut(port, ":")
	for host, want := range map[string]int{
		"127.0.0.1:" + p:        200,
		"localhost:" + p:        200,
		"LOCALHOST:" + p:        200,
		"[::1]:" + p:            200,
		"evil.example:" + p:     http.StatusMisdirectedRequest,
		"127.0.0.1":             http.StatusMisdirectedRequest,
		"127.0.0.1:1":           http.StatusMisdirectedRequest,
		"evil.example":          http.StatusMisdirectedRequest,
		"127.0.0.1.nip.io:" + p: http.StatusMisdirectedRequest,
	} {
		for _, path := range []string{"/", "/api/items", "/assets/style.css"} {
			req, _ := http.NewRequest("GET", f.URL+path, nil)
			req.Host = host
			resp, err := f.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("Host %q %s: %d, want %d", host, path, resp.StatusCode, want)
			}
			if want != 200 && (bytes.Contains(body, []byte("notes")) || resp.Header.Get("Content-Security-Policy") != wantCSP) {
				t.Errorf("Host %q %s: the refusal leaks data or lacks the headers: %s", host, path, body)
			}
		}
	}
}

func TestNewHostCheck(t *testing.T) {
	addr := &netAddr{"127.0.0.1", 8383}
	h := newHostCheck(addr.tcp(), "127.0.0.1:8383", []string{"hoard.home.arpa"})
	for host, want := range map[string]bool{"127.0.0.1:8383": true, "localhost:8383": true, "hoard.home.arpa:8383": true, "hoard.home.arpa:80": false, "example.com:8383": false} {
		if h.allowed(host) != want {
			t.Errorf("%q: %v", host, !want)
		}
	}
	all := newHostCheck((&netAddr{"0.0.0.0", 80}).tcp(), "0.0.0.0:80", nil)
	for host, want := range map[string]bool{"127.0.0.1": true, "localhost:80": true, "evil.example": false} {
		if all.allowed(host) != want {
			t.Errorf("every interface: %q: %v", host, !want)
		}
	}
}

// TestReadOnly: only GET and HEAD are served (and POST to the login
// form); after every page was requested, the exports, the config and the
// journal are byte for byte what they were.
func TestReadOnly(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	before := treeDigest(t, f.home)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		req, _ := http.NewRequest(m, f.URL+"/api/items", strings.NewReader("x"))
		resp, err := f.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d, Allow %q", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
	for _, p := range pagesOf(t, f) {
		f.get(p)
	}
	f.get("/api/sources")
	f.get("/api/items")
	if after := treeDigest(t, f.home); after != before {
		t.Errorf("the web app changed files outside its cache:\nbefore %s\nafter  %s", before, after)
	}
}

// treeDigest hashes every file under home except the index cache: names,
// contents, modes and modification times.
func treeDigest(t *testing.T, home string) string {
	t.Helper()
	h := sha256.New()
	var files []string
	err := filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p == filepath.Join(home, "cache") {
			return filepath.SkipDir
		}
		if p == home {
			return nil // gains the cache directory
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v %d\n", p, info.Mode(), info.ModTime().UnixNano())
		files = append(files, strings.TrimPrefix(p, home))
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x (%d files)", h.Sum(nil)[:8], len(files))
}

// TestToken: with a token, nothing is served without it; the header
// works, the one-time login link sets a cookie once, and the form checks
// the token.
func TestToken(t *testing.T) {
	const token = "s3cret-token-of-the-test-0123456789"
	f := newFixture(t, fixtureOpts{token: token})
	noRedirect := *f.ts.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	do := func(method, path string, body io.Reader, header ...string) (*http.Response, string) {
		req, _ := http.NewRequest(method, f.URL+path, body)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	for _, p := range []string{"/", "/sources/notes", "/api/items", "/api/sources", "/timeline", "/search?q=zürich", "/map"} {
		resp, body := do("GET", p, nil)
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "Zürich") || strings.Contains(body, "sqlite") {
			t.Errorf("%s without the token: %d\n%.300s", p, resp.StatusCode, body)
		}
		resp, _ = do("GET", p, nil, "Authorization", "Bearer wrong-token-wrong-token")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a wrong token: %d", p, resp.StatusCode)
		}
		resp, _ = do("GET", p, nil, "Authorization", "Bearer "+token)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s with the token: %d", p, resp.StatusCode)
		}
	}
	if resp, body := do("GET", "/api/items", nil); resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(body, `"error"`) {
		t.Errorf("API refusal: %v %s", resp.Header, body)
	}
	if resp, _ := do("GET", "/assets/style.css", nil); resp.StatusCode != 200 {
		t.Errorf("the style sheet needs no token (the login page uses it): %d", resp.StatusCode)
	}
	// The one-time login link.
	login := f.srv.LoginURL()
	u, _ := url.Parse(login)
	if u.Path != "/login" || u.Query().Get("code") == "" || strings.Contains(login, token) {
		t.Fatalf("login URL %q", login)
	}
	resp, _ := do("GET", u.RequestURI(), nil)
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Fatalf("login link: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	c := resp.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Value == token {
		t.Errorf("cookie %+v", c)
	}
	if resp, _ := do("GET", "/sources/notes", nil, "Cookie", c.Name+"="+c.Value); resp.StatusCode != 200 {
		t.Errorf("with the cookie: %d", resp.StatusCode)
	}
	if resp, _ := do("GET", u.RequestURI(), nil); resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("the login link worked twice: %d", resp.StatusCode)
	}
	if f.srv.LoginURL() != f.srv.BaseURL()+"/" {
		t.Errorf("a spent code is still offered: %s", f.srv.LoginURL())
	}
	// The form.
	form := func(tok, next string) *http.Response {
		resp, _ := do("POST", "/login", strings.NewReader(url.Values{"token": {tok}, "next": {next}}.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		return resp
	}
	if resp := form("nope-nope-nope-nope", "/"); resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("wrong token in the form: %d", resp.StatusCode)
	}
	if resp := form(token, "/timeline"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/timeline" || len(resp.Cookies()) != 1 {
		t.Errorf("the form: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := form(token, "//evil.example/"); resp.Header.Get("Location") != "/" {
		t.Errorf("an open redirect: %q", resp.Header.Get("Location"))
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		token bool
		ok    bool
	}{
		{"127.0.0.1:8383", false, true}, {"[::1]:8383", false, true}, {"localhost:8383", false, true},
		{"0.0.0.0:8383", false, false}, {":8383", false, false}, {"192.168.1.10:8383", false, false},
		{"0.0.0.0:8383", true, true}, {"8383", false, false},
	} {
		if err := CheckListen(tc.addr, tc.token); (err == nil) != tc.ok {
			t.Errorf("%s token=%v: %v", tc.addr, tc.token, err)
		}
	}
}

func TestLoadToken(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "token")
	tok, created, err := LoadToken(p)
	if err != nil || !created || len(tok) < minTokenLen {
		t.Fatalf("new token: %q %v %v", tok, created, err)
	}
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	again, created, err := LoadToken(p)
	if err != nil || created || again != tok {
		t.Errorf("reading it back: %q %v %v", again, created, err)
	}
	os.Chmod(p, 0o644)
	if _, _, err := LoadToken(p); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a readable token file: %v", err)
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	if _, _, err := LoadToken(short); err == nil || strings.Contains(err.Error(), "abc") {
		t.Errorf("a short token: %v (the message must not quote it)", err)
	}
}

// TestAPIItems: GET /api/items gives the bytes a read through the app
// gives, formatted as `hoard items --format jsonl` formats them
// (dal.Item.AppendJSON), for each parameter.
func TestAPIItems(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ctx := context.Background()
	expect := func(sources, kinds []string, q dal.Query) string {
		ts, err := f.app.Targets(sources)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.app.Reader(false).Read(ctx, ts, dal.Query{After: q.After, Before: q.Before, Search: q.Search, Reverse: q.Reverse})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var b []byte
		n := 0
		for it, err := range app.FilterKinds(r.Items, kinds) {
			if err != nil {
				t.Fatal(err)
			}
			b = append(it.AppendJSON(b), '\n')
			if n++; q.Limit > 0 && n == q.Limit {
				break
			}
		}
		return string(b)
	}
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	for _, tc := range []struct {
		query   string
		sources []string
		kinds   []string
		q       dal.Query
	}{
		{"", nil, nil, dal.Query{}},
		{"source=notes", []string{"notes"}, nil, dal.Query{}},
		{"source=notes,firefox&reverse=true&limit=7", []string{"notes", "firefox"}, nil, dal.Query{Reverse: true, Limit: 7}},
		{"source=notes&source=strava", []string{"notes", "strava"}, nil, dal.Query{}},
		{"source=notes&kind=links", []string{"notes"}, []string{"links"}, dal.Query{}},
		{"kind=links&limit=2&reverse=1", nil, []string{"links"}, dal.Query{Limit: 2, Reverse: true}},
		{"q=z%C3%BCrich", nil, nil, dal.Query{Search: "zürich"}},
		{"after=2026-11-02&before=2026-11-03", nil, nil, dal.Query{After: day("2026-11-02"), Before: day("2026-11-03")}},
	} {
		code, h, body := f.get("/api/items?" + tc.query)
		if code != 200 || h.Get("Content-Type") != "application/x-ndjson; charset=utf-8" {
			t.Errorf("%q: %d %q %s", tc.query, code, h.Get("Content-Type"), body)
			continue
		}
		checkHeaders(t, "/api/items?"+tc.query, h)
		want := expect(tc.sources, tc.kinds, tc.q)
		if body != want {
			t.Errorf("%q:\n got %.300s\nwant %.300s", tc.query, body, want)
		}
		if want == "" {
			t.Errorf("%q selects nothing: a useless case", tc.query)
		}
		if h.Get("Hoard-Problems") != "0" {
			t.Errorf("%q: Hoard-Problems %q", tc.query, h.Get("Hoard-Problems"))
		}
	}
	for query, want := range map[string]int{
		"limit=-1": 400, "limit=x": 400, "reverse=maybe": 400, "after=yesterday": 400, "q=%21%21": 400,
		"within=2d&after=2026-01-01": 400, "sort=time": 400, "source=nope": 404,
	} {
		code, h, body := f.get("/api/items?" + query)
		var e struct{ Error string }
		if code != want || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" || h.Get("Content-Type") != "application/json" {
			t.Errorf("%q: %d %s, want %d with a JSON error", query, code, body, want)
		}
	}
}

func TestAPISources(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	code, h, body := f.get("/api/sources")
	if code != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", code, body)
	}
	var out []struct {
		Source    string `json:"source"`
		Outcome   string `json:"outcome"`
		Snapshots int    `json:"snapshots"`
		State     string `json:"state"`
		AtRisk    *bool  `json:"at_risk"`
		Doctor    *struct {
			Items int   `json:"items"`
			Gaps  []any `json:"gaps"`
		} `json:"doctor"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range out {
		got[s.Source] = fmt.Sprintf("%s %d %v items=%d gaps=%d", s.Outcome, s.Snapshots, *s.AtRisk, s.Doctor.Items, len(s.Doctor.Gaps))
	}
	want := map[string]string{
		"notes":   "ok 2 true items=74 gaps=1",
		"firefox": "ok 1 false items=9 gaps=0",
		"hikes":   "ok 1 false items=2 gaps=0",
		"strava":  "ok 1 false items=2 gaps=0",
		"shell":   "ok 2 true items=2372 gaps=1",
		"broken":  "failed 0 false items=0 gaps=0",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sources:\n got %v\nwant %v", got, want)
	}
}

// TestPagingThroughHTTP: following Next from the first page of a source
// shows every item once, in order; Previous comes back.
func TestPagingThroughHTTP(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	next := regexp.MustCompile(`<a rel="next" href="([^"]+)">`)
	prev := regexp.MustCompile(`<a rel="prev" href="([^"]+)">`)
	item := regexp.MustCompile(`<a class="desc" href="([^"]+)">`)
	var seen []string
	var pages []string
	p := "/sources/notes?kind=notes&order=oldest"
	for n := 0; n < 10; n++ {
		_, _, body := f.get(p)
		pages = append(pages, body)
		for _, m := range item.FindAllStringSubmatch(body, -1) {
			seen = append(seen, m[1])
		}
		m := next.FindStringSubmatch(body)
		if m == nil {
			break
		}
		p = htmlUnescape(m[1])
	}
	if len(pages) != 2 || len(seen) != 68 {
		t.Fatalf("%d pages, %d items; want 2 pages of the 68 notes", len(pages), len(seen))
	}
	dup := map[string]bool{}
	for _, s := range seen {
		if dup[s] {
			t.Errorf("item shown twice: %s", s)
		}
		dup[s] = true
	}
	m := prev.FindStringSubmatch(pages[1])
	if m == nil {
		t.Fatal("the second page has no Previous link")
	}
	_, _, back := f.get(htmlUnescape(m[1]))
	if back != pages[0] {
		t.Error("Previous from the second page is not the first page")
	}
}

func TestSearchHighlights(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	_, _, body := f.get("/search?q=z%C3%BCrich")
	if !strings.Contains(body, "<mark>Zürich</mark>") {
		t.Errorf("no highlighted hit:\n%s", body)
	}
	if n := strings.Count(body, `class="hit"`); n != 2 {
		t.Errorf("%d hits for zürich, want 2 (the note and the Wikipedia visit)", n)
	}
	code, _, body := f.get("/search?q=%21%21")
	if code != 400 || !strings.Contains(body, "no word to search for") {
		t.Errorf("a search with no word: %d", code)
	}
	if got := marks("Zürich, zürich! ZÜRICHSEE sqlite3", searchTerms("zürich sqlite*")); fmt.Sprint(got) != "[{Zürich true} {,  false} {zürich true} {! ZÜRICHSEE  false} {sqlite3 true}]" {
		t.Errorf("marks: %v", got)
	}
}

func TestTimeline(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	_, _, body := f.get("/timeline")
	if !strings.Contains(body, "Wed 2026-11-18") || !strings.Contains(body, `class="src">shell<`) {
		t.Errorf("the timeline does not open on the newest day:\n%.2000s", body)
	}
	const two = "&source=notes,firefox"
	_, _, body = f.get("/timeline?source=notes,firefox")
	if !strings.Contains(body, "Fri 2026-11-13") || !strings.Contains(body, "A later note") || strings.Contains(body, `class="src">shell<`) {
		t.Errorf("the timeline of notes and firefox does not open on their newest day:\n%.2000s", body)
	}
	_, _, body = f.get("/timeline?day=2026-11-02" + two)
	for _, want := range []string{"Write-Ahead Logging", `href="/timeline?day=2026-11-01&amp;source=notes%2Cfirefox"`, `href="/timeline?day=2026-11-03&amp;source=notes%2Cfirefox"`} {
		if !strings.Contains(body, want) {
			t.Errorf("2026-11-02: no %q", want)
		}
	}
	_, _, body = f.get("/timeline?day=2026-11-05" + two)
	if !strings.Contains(body, "Nothing on this day") || !strings.Contains(body, `href="/timeline?day=2026-11-03&amp;source`) || !strings.Contains(body, `href="/timeline?day=2026-11-12&amp;source`) {
		t.Errorf("an empty day does not link to the nearest days:\n%.3000s", body)
	}
	_, _, body = f.get("/timeline?day=2026-11-04&span=week" + two)
	if !strings.Contains(body, "Week of Mon 2026-11-02") || strings.Contains(body, "A later note") || !strings.Contains(body, "Note 00 about sqlite") {
		t.Errorf("week: %.1500s", body)
	}
	if code, _, _ := f.get("/timeline?day=tomorrow"); code != 400 {
		t.Errorf("a bad day: %d", code)
	}
	// In another zone, the days move: the visits of 14:00 UTC are at
	// 04:00 the next day in UTC+14.
	f2 := newFixture(t, fixtureOpts{loc: time.FixedZone("UTC+14", 14*3600)})
	_, _, body = f2.get("/timeline?day=2026-11-03&source=firefox")
	if !strings.Contains(body, "Write-Ahead Logging") || !strings.Contains(body, ">04:00:00<") {
		t.Errorf("UTC+14, 2026-11-03: %.3000s", body)
	}
	if _, _, body = f2.get("/timeline?day=2026-11-02&source=firefox"); strings.Contains(body, "Write-Ahead Logging") {
		t.Error("UTC+14, 2026-11-02 shows the visits of the next day")
	}
}

func TestMapPages(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	_, _, body := f.get("/map?source=hikes")
	if strings.Count(body, "<polyline") != 2 || strings.Count(body, "<circle") != 1 || strings.Contains(body, "<image") {
		t.Errorf("hikes: want 2 tracks and 1 point, no tiles:\n%s", body)
	}
	_, _, body = f.get("/map?source=strava")
	if strings.Count(body, "<polyline") != 1 || strings.Count(body, "<circle") != 2 {
		t.Errorf("strava: want a track and its two ends")
	}
	_, _, body = f.get("/map?source=firefox")
	if !strings.Contains(body, "No item in this selection carries coordinates") {
		t.Error("firefox has no places")
	}
	if code, _, _ := f.get("/map?bbox=1,2,3"); code != 400 {
		t.Errorf("a bad bbox: %d", code)
	}
	_, _, zoomed := f.get("/map?source=hikes&bbox=47.37,8.53,47.38,8.55")
	if strings.Count(zoomed, "<circle") != 0 {
		t.Error("the waypoint outside the box is drawn")
	}
	// With a tile server: tiles, and the policy allows its images only.
	ft := newFixture(t, fixtureOpts{tiles: "https://{s}.tiles.example/{z}/{x}/{y}.png"})
	_, h, body := ft.get("/map?source=hikes")
	if !strings.Contains(body, `<image href="https://`) || !strings.Contains(body, "© test tiles") {
		t.Errorf("no tiles:\n%s", body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' https://a.tiles.example https://b.tiles.example https://c.tiles.example;") {
		t.Errorf("CSP %q", csp)
	}
	_, h, _ = f.get("/map?source=hikes")
	if strings.Contains(h.Get("Content-Security-Policy"), "tiles") {
		t.Error("without tiles, the policy allows a tile server")
	}
}

func TestNotFound(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	for _, p := range []string{"/nope", "/sources/nope", "/sources/notes/item?kind=notes&key=nope", "/sources/nope/runs", "/assets/nope.js"} {
		code, h, _ := f.get(p)
		if code != 404 {
			t.Errorf("%s: %d", p, code)
		}
		checkHeaders(t, p, h)
	}
	if code, _, _ := f.get("/sources/notes?page=garbage"); code != 400 {
		t.Errorf("a bad page cursor: %d", code)
	}
	if code, _, _ := f.get("/sources/notes?from=someday"); code != 400 {
		t.Errorf("a bad date: %d", code)
	}
}

type netAddr struct {
	ip   string
	port int
}

func (a *netAddr) tcp() *net.TCPAddr { return &net.TCPAddr{IP: net.ParseIP(a.ip), Port: a.port} }

// TestCachedProfileFollowsSnapshots: what the dashboard keeps of a source
// (the doctor's report, items per day) is read again once a new snapshot
// arrives, and not before.
func TestCachedProfileFollowsSnapshots(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	items := regexp.MustCompile(`<a href="/sources/notes">notes</a></th>(?s:.*?)<td class="num">(\d+)</td>\s*<td class="plotcol`)
	count := func() string {
		_, _, body := f.get("/")
		m := items.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no item count for notes:\n%s", body)
		}
		return m[1]
	}
	if n := count(); n != "74" {
		t.Fatalf("notes: %s items, want 74", n)
	}
	ts, _ := f.app.Targets([]string{"notes"})
	sig, _ := signature(ts[0])
	if n := count(); n != "74" {
		t.Fatalf("notes: %s items the second time", n)
	}
	if sig2, _ := signature(ts[0]); sig2 != sig {
		t.Fatal("the signature changed without a new snapshot")
	}
	notes := filepath.Join(f.home, "data", "notes.json")
	os.WriteFile(notes, []byte(`{"notes": [{"id": "new", "created": "2026-11-19T10:00:00Z", "title": "brand new"}], "links": []}`), 0o600)
	f.run("notes", time.Date(2026, 11, 19, 11, 0, 0, 0, time.UTC))
	if n := count(); n != "75" {
		t.Errorf("after a new snapshot: %s items, want 75", n)
	}
}

// TestConcurrentRequests: pages requested at once, on cold caches, all
// answer as they do one at a time (run with -race to check the caches).
func TestConcurrentRequests(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	paths := []string{"/", "/sources/notes", "/sources/shell", "/timeline", "/search?q=sqlite", "/map", "/api/sources", "/api/items?source=notes"}
	want := map[string]int{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := 0; i < 3; i++ {
		for _, p := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("GET", f.URL+p, nil)
				resp, err := f.ts.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				defer mu.Unlock()
				if resp.StatusCode != 200 {
					t.Errorf("%s: %d %.200s", p, resp.StatusCode, b)
				}
				if n, ok := want[p]; ok && n != len(b) && !strings.HasPrefix(p, "/api/sources") {
					t.Errorf("%s: %d bytes, then %d", p, n, len(b))
				}
				want[p] = len(b)
			}()
		}
	}
	wg.Wait()
}

// TestNoSources: with no source configured (and an archive directory in
// the root that no source names), every page still renders.
func TestNoSources(t *testing.T) {
	home := t.TempDir()
	root := filepath.Join(home, "exports")
	os.MkdirAll(filepath.Join(root, "old-archive"), 0o700)
	os.WriteFile(filepath.Join(root, "old-archive", "20200102T030405Z.json"), []byte(`[{"a": 1}]`), 0o600)
	cfg := filepath.Join(home, "hoard.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("root = %q\n", root)), 0o600)
	a, err := app.Load(cfg, paths.Layout{State: filepath.Join(home, "state"), Cache: filepath.Join(home, "cache")})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{App: a, Addr: (&netAddr{"127.0.0.1", 8383}).tcp(), Listen: "127.0.0.1:8383"})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		"/":                    "old-archive",
		"/timeline":            "No item has a time yet",
		"/search?q=x":          "Nothing found",
		"/map":                 "No item in this selection",
		"/api/sources":         `"source": "old-archive"`,
		"/api/items":           "",
		"/sources/old-archive": "no configured source",
	} {
		req := httptest.NewRequest("GET", "http://127.0.0.1:8383"+p, nil)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if (w.Code != 200 && p != "/sources/old-archive") || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d\n%.600s", p, w.Code, w.Body.String())
		}
	}
}
