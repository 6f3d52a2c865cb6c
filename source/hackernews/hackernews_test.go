package hackernews

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/hackernews"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

const cookieSecrets = "cookie = \"" + fake.Cookie + "\"\n"

func build(t testing.TB, h *sourcetest.H, srv *fake.Server) *Exporter {
	t.Helper()
	ex, err := newExporter(export.Source{Params: &Params{User: fake.User, BaseURL: srv.URL, APIURL: srv.URL + "/v0"}},
		hooks{clock: h.Clock, rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func webRequests(srv *fake.Server) int {
	n := 0
	for _, r := range srv.Requests {
		if !strings.HasPrefix(r, "/v0/") {
			n++
		}
	}
	return n
}

// Everything with the cookie: submissions through the API (a deleted
// comment included), the lists page by page through "More", an empty
// list; pages one second apart.
func TestExport(t *testing.T) {
	h := sourcetest.New(t, cookieSecrets)
	srv := fake.New(4, 6, 45, 3, 31, 0)
	defer srv.Close()
	if err := h.Run(build(t, h, srv), "jsonl"); err != nil {
		t.Fatal(err)
	}
	got := h.Read(Decoder)
	if c := sourcetest.Counts(got); c != "comments=6 favorite_comments=3 favorites=45 profile=1 submissions=4 upvoted=31" {
		t.Fatalf("kinds: %s", c)
	}
	sourcetest.Unique(t, got)
	// the user's first story, then its comments (id 40000007 deleted)
	sourcetest.Item(t, got["submissions"][0], "40000001", "2024-05-01T13:00:00Z", "Show HN: Thing 40000001 – “quoted” & ünïcode")
	if c := got["comments"][1]; c.Key != "40000006" || !strings.Contains(c.Text, "A comment 40000006") {
		t.Errorf("comment: %+v", c)
	}
	fav := got["favorites"][0]
	sourcetest.Item(t, fav, "40000011", "2024-05-01T23:00:00Z", "Show HN: Thing 40000011 – “quoted” & ünïcode")
	if fav.URL != "https://example.com/thing/40000011?a=1&b=2" {
		t.Errorf("favorite url %q", fav.URL)
	}
	fc := got["favorite_comments"][0]
	if fc.Title != "The story of comment 40000056, with a long title" || fc.URL != srv.URL+"/item?id=40000056" || !strings.HasPrefix(fc.Text, "A comment 40000056 &amp; a <a") {
		t.Errorf("favorite comment: %+v", fc)
	}
	if web := webRequests(srv); web != 6 || h.Clock.Slept() < 5*time.Second {
		t.Errorf("%d page requests over %v: want 6, a second apart", web, h.Clock.Slept())
	}
}

// Without the cookie, upvoted is skipped, saying so; with a cookie the
// site no longer accepts, the run fails saying so.
func TestCookie(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(1, 0, 2, 0, 5, 0)
	defer srv.Close()
	if err := h.Run(build(t, h, srv), "jsonl"); err != nil {
		t.Fatal(err)
	}
	if c := sourcetest.Counts(h.Last(Decoder)); c != "favorites=2 profile=1 submissions=1" || !strings.Contains(h.Stderr.String(), "upvoted skipped: it needs the login cookie") {
		t.Fatalf("without a cookie: %s; stderr %q", c, h.Stderr.String())
	}
	h2 := sourcetest.New(t, "cookie = \"alice&expired0000\"\n")
	err := h2.Run(build(t, h2, srv), "jsonl")
	if err == nil || !strings.Contains(err.Error(), "shows you logged out") || !export.IsPermanent(err) || strings.Contains(err.Error(), "expired0000") {
		t.Fatalf("stale cookie: %v", err)
	}
	if len(h2.Snapshots()) != 0 {
		t.Fatal("a snapshot was saved")
	}
}

// Submissions are incremental: the next run fetches the new ones and
// those still recent (edits show), not the old ones; the lists are read
// in full every run.
func TestIncremental(t *testing.T) {
	h := sourcetest.New(t, cookieSecrets)
	srv := fake.NewAt(h.Clock.Now().Add(-100*time.Hour), 60, 0, 1, 0, 0, 0) // items 99 h to 40 h old
	defer srv.Close()
	ex := build(t, h, srv)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["submissions"] != 60 {
		t.Fatalf("first run: %s", sourcetest.Counts(last))
	}
	srv.Edit(40000060, "edited title")
	srv.Submit(true)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	// recent: 40000053..60 (47 h to 40 h old), and the new comment
	if last := h.Last(Decoder); last["submissions"] != 8 || last["comments"] != 1 || last["favorites"] != 1 {
		t.Fatalf("second run: %s, want 8 recent submissions and the new comment", sourcetest.Counts(last))
	}
	got := h.Read(Decoder)
	if s := got["submissions"][59]; s.Title != "edited title" || len(got["submissions"]) != 60 {
		t.Errorf("the edited story: %+v", s)
	}
	h.Clock.Advance(72 * time.Hour)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["submissions"] != 0 || last["comments"] != 0 || last["profile"] != 1 {
		t.Fatalf("third run, nothing recent: %s", sourcetest.Counts(last))
	}
}

func TestFaults(t *testing.T) {
	const busy = "Sorry, we're not able to serve your requests this quickly."
	for _, tc := range []struct {
		name   string
		faults map[int]fakeapi.Fault
		layout string
		loop   bool
		err    string
	}{
		{"503, too quickly", map[int]fakeapi.Fault{5: {Kind: fakeapi.Status, Status: 503, Body: busy}}, "", false, ""},
		{"429 Retry-After", map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 429, RetryAfter: "30"}}, "", false, ""},
		{"500", map[int]fakeapi.Fault{1: {Kind: fakeapi.Status, Status: 500}}, "", false, ""},
		{"connection reset", map[int]fakeapi.Fault{3: {Kind: fakeapi.Reset}}, "", false, ""},
		{"truncated API body", map[int]fakeapi.Fault{2: {Kind: fakeapi.Truncate}}, "", false, ""},
		{"a page that is not the site's, once", map[int]fakeapi.Fault{5: {Kind: fakeapi.ErrorBody, Body: `<html><body>Bad gateway, try later</body></html>`}}, "", false, ""},
		{"changed layout", nil, "redesign", false, "no tr.athing row, but"},
		{"404", map[int]fakeapi.Fault{5: {Kind: fakeapi.Status, Status: 404, Body: "Unknown."}}, "", false, "404"},
		{"More links that loop", nil, "", true, "the More links loop"},
		{"a redirect to the login page", map[int]fakeapi.Fault{5: {Kind: fakeapi.Status, Status: 302, Body: "login"}}, "", false, "the site redirected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, cookieSecrets)
			srv := fake.New(2, 1, 35, 1, 1, 1)
			defer srv.Close()
			srv.Layout, srv.LoopMore = tc.layout, tc.loop
			for i, f := range tc.faults {
				srv.Faults.At(i, f)
			}
			err := h.Run(build(t, h, srv), "jsonl")
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c := sourcetest.Counts(h.Read(Decoder)); c != "comments=1 favorite_comments=1 favorites=35 profile=1 submissions=2 upvoted=1 upvoted_comments=1" {
					t.Fatalf("recovered with %s", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), fake.Cookie) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if tc.layout != "" && (!export.IsPermanent(err) || !strings.Contains(err.Error(), "favorites page 1")) {
				t.Errorf("a changed layout should fail at once, naming the page: %v", err)
			}
			if len(h.Snapshots()) != 0 || h.State() != "" {
				t.Fatalf("a failed run left %d snapshots, state %q", len(h.Snapshots()), h.State())
			}
		})
	}
}

func TestNoSuchUser(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(1, 0, 0, 0, 0, 0)
	defer srv.Close()
	ex, _ := newExporter(export.Source{Params: &Params{User: "nobody", BaseURL: srv.URL, APIURL: srv.URL + "/v0"}}, hooks{clock: h.Clock})
	if err := h.Run(ex, "jsonl"); err == nil || !strings.Contains(err.Error(), `no user "nobody"`) || !export.IsPermanent(err) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Kind.New(export.Source{Params: &Params{}}); err == nil || !strings.Contains(err.Error(), "user") {
		t.Fatalf("no user: %v", err)
	}
}

func TestExporterConformance(t *testing.T) {
	srv := fake.New(2, 2, 3, 1, 0, 0)
	defer srv.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return build(t, sourcetest.New(t, ""), srv), nil
		},
		Check: func(t *testing.T, out []byte) {
			if n := bytes.Count(out, []byte(`{"endpoint":`)); n != 1+4+1+1 {
				t.Errorf("%d envelopes, want the user, 4 items and 2 pages:\n%s", n, out)
			}
		},
	})
}

// sample is a snapshot of the fake, as if made from the real site: its
// URLs are news.ycombinator.com's and the API's.
func sample(t testing.TB, oldAge bool) []byte {
	h := sourcetest.New(t, cookieSecrets)
	srv := fake.New(2, 2, 2, 2, 1, 1)
	defer srv.Close()
	srv.OldAge = oldAge
	var out bytes.Buffer
	env := exporttest.Env(secret.Secrets{"cookie": fake.Cookie}, io.Discard)
	if err := build(t, h, srv).Export(context.Background(), &out, env); err != nil {
		t.Fatal(err)
	}
	b := bytes.ReplaceAll(out.Bytes(), []byte(srv.URL+"/v0"), []byte(DefaultAPIURL))
	return bytes.ReplaceAll(b, []byte(srv.URL), []byte(DefaultBaseURL))
}

func TestConformance(t *testing.T) {
	t.Run("pages of 2024 on", func(t *testing.T) {
		dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
			Sample: func(t testing.TB) []byte { return sample(t, false) }})
	})
	t.Run("pages before 2024 (age without Unix time)", func(t *testing.T) {
		dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
			Sample: func(t testing.TB) []byte { return sample(t, true) }})
	})
}

// A saved page that does not parse (edited by hand, or a site change
// the exporter let through) is an error naming the file and line; the
// other lines still read.
func TestDecoderReportsBadPage(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(sample(t, false))), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, `{"endpoint":"favorites"`) {
			lines[i] = strings.ReplaceAll(l, "athing", "athang")
		}
	}
	p := dectest.WriteSnap(t, t.TempDir(), 0, "jsonl", []byte(strings.Join(lines, "\n")+"\n"))
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	dectest.OneError(t, r.Errs, "favorites page 1: no tr.athing row", p)
	if len(r.Records) != 1+4+2+1+1 {
		t.Errorf("%d records from the other lines", len(r.Records))
	}
}

// The parser on rows as the site has written them over the years
// (single quotes, no "submission" class, an Ask HN link relative to the
// site, "discuss", a comment without closing tags, a deleted one).
func TestParseRows(t *testing.T) {
	at, _ := url.Parse("https://news.ycombinator.com/favorites?id=quincinia")
	stories := `<table id="hnmain"><tr><td><table>
<tr class='athing' id='34193766'><td align="right" valign="top" class="title"><span class="rank">2.</span></td><td class="title"><span class="titleline"><a href="item?id=34193766">Ask HN: What is the most mind expanding book(s) you have read till date?</a></span></td></tr>
<tr><td colspan="2"></td><td class="subtext"><span class="score" id="score_34193766">77 points</span> by <a href="user?id=x" class="hnuser">x</a> <span class="age" title="2023-01-01T10:00:00"><a href="item?id=34193766">on Jan 1, 2023</a></span> | <a href="item?id=34193766">discuss</a></td></tr>
</table></td></tr></table>`
	p, err := parsePage(stories, at, false)
	if err != nil || len(p.rows) != 1 {
		t.Fatalf("%v %+v", err, p)
	}
	r := p.rows[0]
	if r.URL != "https://news.ycombinator.com/item?id=34193766" || r.Time != 1672567200 || *r.Score != 77 || *r.Descendants != 0 || r.Site != "" {
		t.Errorf("Ask HN row: %+v", r)
	}
	comments := `<table id="hnmain"><tr><td><table>
<tr class='athing' id='32763668'><td class='ind'></td><td class="default"><div><span class="comhead"><a href="user?id=nicbou" class="hnuser">nicbou</a> <span class="age" title="2022-09-08T10:34:55"><a href="item?id=32763668">on Sept 8, 2022</a></span> <span class='navs'> | <a href="item?id=32746922">parent</a><span class="onstory"> |  on: <a href="item?id=32746922">Excuse me but why are you eating so many frogs</a></span></span></span></div><br><div class="comment"><div class="commtext c00">The topic is nice.<p>I feel like I get a lot more done.</div><div class='reply'></div></div></td></tr>
<tr class='athing' id='32763669'><td class="default"><div><span class="comhead"><span class="age" title="2022-09-08T10:35:00 1662633300"><a href="item?id=32763669">on Sept 8, 2022</a></span></span></div><div class="comment"><div class="commtext c00">[deleted]</div></div></td></tr>
</table></td></tr></table>`
	p, err = parsePage(comments, at, true)
	if err != nil || len(p.rows) != 2 {
		t.Fatalf("%v %+v", err, p)
	}
	c := p.rows[0]
	if c.By != "nicbou" || c.Parent != 32746922 || c.Story.Title != "Excuse me but why are you eating so many frogs" || !strings.Contains(c.Text, "<p>I feel like") || c.Time != 1662633295 {
		t.Errorf("comment row: %+v", c)
	}
	if d := p.rows[1]; d.Text != "[deleted]" || d.By != "" || d.Time != 1662633300 {
		t.Errorf("deleted comment: %+v", d)
	}
	for name, page := range map[string]string{
		"a row without a title link":    strings.Replace(stories, `class="titleline"`, `class="headline"`, 1),
		"an age that is not a time":     strings.Replace(stories, `title="2023-01-01T10:00:00"`, `title="yesterday"`, 1),
		"a row id that is not a number": strings.Replace(stories, "id='34193766'", "id='x1'", 1),
	} {
		if _, err := parsePage(page, at, false); err == nil || !strings.Contains(err.Error(), "layout changed") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if p, err := parsePage(`<table id="hnmain"><tr><td>Nothing here.</td></tr></table>`, at, false); err != nil || len(p.rows) != 0 || p.next != nil {
		t.Errorf("an empty list: %+v %v", p, err)
	}
}
