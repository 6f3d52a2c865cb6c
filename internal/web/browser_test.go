package web

// Browser tests: Debian's chromium, headless, driven over the DevTools
// protocol with go-rod (which never downloads a browser here: it is given
// the system's). Every page must load without a console error (a script
// or style the policy blocked, a resource that failed, an exception), the
// hostile data must stay inert, and search, paging, the day navigation
// and the login link must work as a person uses them.
//
// Screenshots of the main pages are taken on every run; with
// HOARD_SCREENSHOTS=1 they are written to docs/screenshots/.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/hoard-dev/hoard/dal"
)

// chromium finds the browser: $HOARD_CHROMIUM, else Debian's chromium or
// another Chrome on PATH. Without one the test is skipped, except in CI
// (HOARD_CI, set by .ci/run, which installs chromium), where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HOARD_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("HOARD_CI") != "" {
		t.Fatal("no chromium: CI must have one (.ci/run installs Debian's chromium)")
	}
	t.Skip("no chromium on this machine: skipping the browser tests (apt-get install chromium)")
	return ""
}

// newBrowser starts a headless chromium with the flags that work here.
func newBrowser(t *testing.T) *rod.Browser {
	t.Helper()
	bin := chromium(t)
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(true).Leakless(false).
		UserDataDir(t.TempDir()).
		Set("disable-gpu").Set("disable-background-networking").Set("disable-component-update").
		Set("disable-sync").Set("disable-quic").Set("hide-scrollbars").Set("lang", "en-US")
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	b := rod.New().ControlURL(u).Timeout(2 * time.Minute)
	if err := b.Connect(); err != nil {
		l.Kill()
		t.Fatalf("connecting to %s: %v", bin, err)
	}
	t.Cleanup(func() {
		b.Close()
		l.Kill()
		l.Cleanup()
	})
	return b
}

// tab is a browser page that records every console error.
type tab struct {
	t    *testing.T
	page *rod.Page
	mu   sync.Mutex
	errs []string
}

func newTab(t *testing.T, b *rod.Browser) *tab {
	t.Helper()
	p, err := b.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatal(err)
	}
	tb := &tab{t: t, page: p}
	if err := (proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
		t.Fatal(err)
	}
	if err := (proto.LogEnable{}).Call(p); err != nil {
		t.Fatal(err)
	}
	go p.EachEvent(func(e *proto.RuntimeConsoleAPICalled) {
		if e.Type == proto.RuntimeConsoleAPICalledTypeError || e.Type == proto.RuntimeConsoleAPICalledTypeWarning {
			tb.add(fmt.Sprintf("console.%s: %v", e.Type, e.Args))
		}
	}, func(e *proto.RuntimeExceptionThrown) {
		tb.add("exception: " + e.ExceptionDetails.Text)
	}, func(e *proto.LogEntryAdded) {
		if e.Entry.Level == proto.LogLogEntryLevelError || e.Entry.Level == proto.LogLogEntryLevelWarning {
			tb.add(fmt.Sprintf("%s %s: %s (%s)", e.Entry.Source, e.Entry.Level, e.Entry.Text, e.Entry.URL))
		}
	})()
	return tb
}

func (tb *tab) add(s string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.errs = append(tb.errs, s)
}

// takeErrors returns and forgets the errors seen so far.
func (tb *tab) takeErrors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	e := tb.errs
	tb.errs = nil
	return e
}

// open navigates to url and waits for the page to load.
func (tb *tab) open(url string) {
	tb.t.Helper()
	if err := tb.page.Navigate(url); err != nil {
		tb.t.Fatalf("%s: %v", url, err)
	}
	if err := tb.page.WaitLoad(); err != nil {
		tb.t.Fatalf("%s: %v", url, err)
	}
}

// settle gives late console messages of the page a moment to arrive (a
// round trip to the browser after the load event).
func (tb *tab) settle() {
	tb.page.Eval(`() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))`)
}

// inertReport is what the page's DOM says about hostile content.
type inertReport struct {
	Pwned    string   `json:"pwned"`    // set by any payload that ran
	Scripts  int      `json:"scripts"`  // <script> elements
	Handlers []string `json:"handlers"` // on* attributes
	Links    []string `json:"links"`    // hrefs that are not http(s)
	Frames   int      `json:"frames"`
}

const inertJS = `() => {
  document.querySelectorAll('*').forEach(e => { for (const t of ['mouseover', 'mouseenter', 'focus', 'click']) { if (t !== 'click' || e.tagName !== 'A') e.dispatchEvent(new Event(t, {bubbles: true})); } });
  const handlers = [];
  document.querySelectorAll('*').forEach(e => { for (const a of e.attributes) if (a.name.toLowerCase().startsWith('on')) handlers.push(e.tagName + ' ' + a.name); });
  const links = [];
  document.querySelectorAll('a[href], image[href], form[action]').forEach(e => {
    const v = e.getAttribute('href') || e.getAttribute('action');
    const p = new URL(v, location.href).protocol;
    if (p !== 'http:' && p !== 'https:') links.push(v);
  });
  return {pwned: window.__pwned === undefined ? '' : String(window.__pwned), scripts: document.scripts.length,
    handlers, links, frames: document.querySelectorAll('iframe, frame, object, embed').length};
}`

func (tb *tab) inert(what string) {
	tb.t.Helper()
	v, err := tb.page.Eval(inertJS)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	var r inertReport
	if err := v.Value.Unmarshal(&r); err != nil {
		tb.t.Fatal(err)
	}
	if r.Pwned != "" || r.Scripts != 0 || len(r.Handlers) != 0 || len(r.Links) != 0 || r.Frames != 0 {
		tb.t.Errorf("%s: hostile content is not inert: %+v", what, r)
	}
}

func (tb *tab) text(selector string) string {
	tb.t.Helper()
	el, err := tb.page.Timeout(10 * time.Second).Element(selector)
	if err != nil {
		tb.t.Fatalf("%s: %v", selector, err)
	}
	s, err := el.Text()
	if err != nil {
		tb.t.Fatal(err)
	}
	return s
}

// click clicks the element and waits for the page it leads to.
func (tb *tab) click(selector string) {
	tb.t.Helper()
	el, err := tb.page.Timeout(10 * time.Second).Element(selector)
	if err != nil {
		tb.t.Fatalf("%s: %v", selector, err)
	}
	wait := tb.page.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := el.Click(proto.InputMouseButtonLeft, 1); err != nil {
		tb.t.Fatalf("clicking %s: %v", selector, err)
	}
	wait()
}

func (tb *tab) url() string {
	info, err := tb.page.Info()
	if err != nil {
		tb.t.Fatal(err)
	}
	return info.URL
}

// screenshot saves the visible page as docs/screenshots/NAME.png (with
// HOARD_SCREENSHOTS=1) or in a temporary directory.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	b, err := tb.page.Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if len(b) < 1000 || string(b[1:4]) != "PNG" {
		tb.t.Fatalf("screenshot %s: not a PNG (%d bytes)", name, len(b))
	}
	dir := tb.t.TempDir()
	if os.Getenv("HOARD_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		os.MkdirAll(dir, 0o755)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// TestBrowserEveryPage loads every page of the app in chromium: none logs
// an error, the hostile data stays inert, and the main pages are
// photographed.
func TestBrowserEveryPage(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	b := newBrowser(t)
	tb := newTab(t, b)
	shots := map[string]string{
		"/":                         "dashboard",
		"/sources/shell":            "source",
		"/timeline?day=2026-11-02":  "timeline",
		"/search?q=sqlite":          "search",
		"/map?source=hikes":         "map",
		hikeItemURL(t, f):           "item",
		"/sources/notes?kind=links": "",
	}
	pages := pagesOf(t, f)
	for p := range shots {
		pages = append(pages, p)
	}
	for _, p := range pages {
		tb.open(f.URL + p)
		tb.settle()
		for _, e := range tb.takeErrors() {
			t.Errorf("%s: %s", p, e)
		}
		tb.inert(p)
		if name := shots[p]; name != "" {
			tb.screenshot(name)
		}
	}
}

func hikeItemURL(t *testing.T, f *fixture) string {
	t.Helper()
	ts, err := f.app.Targets([]string{"hikes"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.app.Reader(false).Read(context.Background(), ts, dal.Query{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for it := range r.Items {
		if it.Kind == "gpx.trk" {
			return itemURL(it)
		}
	}
	t.Fatal("no track")
	return ""
}

// TestBrowserSearchPagingAndDays: what a person does: search from the
// header, page through a source and back, step through the days.
func TestBrowserSearchPagingAndDays(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	b := newBrowser(t)
	tb := newTab(t, b)

	tb.open(f.URL + "/")
	box, err := tb.page.Element("form.quick input[name=q]")
	if err != nil {
		t.Fatal(err)
	}
	if err := box.Input("zürich"); err != nil {
		t.Fatal(err)
	}
	wait := tb.page.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := tb.page.Keyboard.Type(input.Enter); err != nil {
		t.Fatal(err)
	}
	wait()
	if u := tb.url(); !strings.Contains(u, "/search?q=z%C3%BCrich") {
		t.Errorf("search went to %s", u)
	}
	marks, err := tb.page.Elements("li.hit mark")
	if err != nil || len(marks) < 2 {
		t.Fatalf("%d highlighted words (%v)", len(marks), err)
	}
	for _, m := range marks {
		if s, _ := m.Text(); !strings.EqualFold(s, "zürich") {
			t.Errorf("highlighted %q", s)
		}
	}
	tb.inert("search")

	// Paging, forward and back.
	tb.open(f.URL + "/sources/notes?kind=notes&order=oldest")
	first := tb.text("ol.items li.item a.desc")
	tb.click("a[rel=next]")
	second := tb.text("ol.items li.item a.desc")
	if first == second || !strings.HasPrefix(second, "Note ") {
		t.Errorf("page 2 starts with %q (page 1 with %q)", second, first)
	}
	if _, err := tb.page.Timeout(time.Second).Element("a[rel=next]"); err == nil {
		t.Error("the last page offers a next page")
	}
	tb.click("a[rel=prev]")
	if again := tb.text("ol.items li.item a.desc"); again != first {
		t.Errorf("Previous shows %q, want %q", again, first)
	}
	// The filter form.
	tb.open(f.URL + "/sources/notes")
	sel, err := tb.page.Element("select[name=kind]")
	if err != nil {
		t.Fatal(err)
	}
	if err := sel.Select([]string{"links (6)"}, true, rod.SelectorTypeText); err != nil {
		t.Fatal(err)
	}
	tb.click("form.filters button")
	if n, _ := tb.page.Elements("ol.items li.item"); len(n) != 6 || !strings.Contains(tb.url(), "kind=links") {
		t.Errorf("kind filter: %d items at %s", len(n), tb.url())
	}

	// Days.
	tb.open(f.URL + "/timeline?day=2026-11-05&source=notes,firefox")
	tb.click("a[rel=next]")
	if h := tb.text("h1"); h != "Thu 2026-11-12" {
		t.Errorf("later than 2026-11-05 with items: %q", h)
	}
	tb.click("a[rel=prev]")
	if h := tb.text("h1"); h != "Tue 2026-11-03" {
		t.Errorf("earlier than 2026-11-12 with items: %q", h)
	}
	for _, e := range tb.takeErrors() {
		t.Errorf("console: %s", e)
	}
}

// TestBrowserLogin: with a token, a browser sees the login form; the
// one-time link logs it in (a cookie), and then every page works.
func TestBrowserLogin(t *testing.T) {
	f := newFixture(t, fixtureOpts{token: "browser-test-token-0123456789abcdef"})
	b := newBrowser(t)
	tb := newTab(t, b)
	tb.open(f.URL + "/sources/notes")
	if h := tb.text("h1"); h != "Log in" {
		t.Fatalf("without the token: %q", h)
	}
	tb.takeErrors() // the 401 of the page itself is reported by the browser
	tb.open(f.srv.LoginURL())
	if h := tb.text("h1"); h != "Sources" || !strings.HasSuffix(tb.url(), "/") {
		t.Fatalf("after the login link: %q at %s", h, tb.url())
	}
	tb.open(f.URL + "/sources/notes")
	if h := tb.text("h1"); h != "notes" {
		t.Errorf("logged in: %q", h)
	}
	for _, e := range tb.takeErrors() {
		t.Errorf("console: %s", e)
	}
	// A second browser cannot use the spent link; the form works.
	tb2 := newTab(t, b)
	if err := (proto.NetworkClearBrowserCookies{}).Call(tb2.page); err != nil {
		t.Fatal(err)
	}
	tb2.open(f.srv.BaseURL() + "/login?code=spent")
	if h := tb2.text("h1"); h != "Log in" {
		t.Fatalf("a wrong code: %q", h)
	}
	pw, err := tb2.page.Element("input[name=token]")
	if err != nil {
		t.Fatal(err)
	}
	pw.Input("browser-test-token-0123456789abcdef")
	tb2.click("form.login button")
	if h := tb2.text("h1"); h != "Sources" {
		t.Errorf("after the form: %q", h)
	}
}
