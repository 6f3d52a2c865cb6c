// Package hackernews is the built-in source for a Hacker News account:
// everything the user submitted (stories and comments, from the public
// Firebase API, one request per item, fetched once each and again while
// recent), and the favorites and, with the login cookie, upvoted lists
// of the web site, whose pages are saved as the site sent them and read
// back by the decoder. Pages are fetched politely (one a second) and a
// page the parser does not recognise fails the run instead of passing for
// an empty list.
package hackernews

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
	"github.com/hoard-dev/hoard/source"
)

// Defaults: the web site and the public API.
const (
	DefaultBaseURL = "https://news.ycombinator.com"
	DefaultAPIURL  = "https://hacker-news.firebaseio.com/v0"
)

// Pacing: the web site is scraped at one page a second; the API, which
// has no documented limit, at ten requests a second.
const (
	webPerSecond = 1
	apiPerSecond = 10
)

// Recent is how long after its creation an item is fetched again on
// every run: HN lets its author edit it for two hours, and its score and
// comment count settle in the first days.
const Recent = 48 * time.Hour

// maxPages bounds a list's pages (30 items each), so that a site whose
// More link never ends cannot keep a run going.
const maxPages = 2000

// Params are the keys of a [sources.NAME] table with exporter = "hackernews".
type Params struct {
	User    string `toml:"user"`     // your user name; required
	BaseURL string `toml:"base_url"` // the web site; default DefaultBaseURL
	APIURL  string `toml:"api_url"`  // the API; default DefaultAPIURL
}

// Kind is the "hackernews" exporter kind.
var Kind = export.Kind{
	Name:       "hackernews",
	NewParams:  func() any { return &Params{} },
	New:        func(src export.Source) (export.Exporter, error) { return newExporter(src, hooks{}) },
	DefaultExt: "jsonl",
}

// hooks are test hooks; zero means the real thing.
type hooks struct {
	clock clock.Clock
	rand  func() float64
}

// Exporter exports one account. It holds no per-run state.
type Exporter struct {
	user     string
	web, api *url.URL
	hooks    hooks
}

func newExporter(src export.Source, h hooks) (*Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("hackernews: parameters of type %T", src.Params)
	}
	user := strings.TrimSpace(p.User)
	if user == "" || strings.ContainsAny(user, "/?&#% ") {
		return nil, fmt.Errorf(`user = %q: need your Hacker News user name, e.g. user = "pg"`, p.User)
	}
	e := &Exporter{user: user, hooks: h}
	for _, f := range []struct {
		key, val, def string
		dst           **url.URL
	}{{"base_url", p.BaseURL, DefaultBaseURL, &e.web}, {"api_url", p.APIURL, DefaultAPIURL, &e.api}} {
		s := strings.TrimRight(f.val, "/")
		if s == "" {
			s = f.def
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s = %q: need an http(s) URL such as %q", f.key, f.val, f.def)
		}
		*f.dst = u
	}
	return e, nil
}

// state is what the source keeps between runs.
type state struct {
	// MaxID is the newest submission fetched; newer ones are new.
	MaxID int64 `json:"max_id"`
	// Recent are the submissions created within Recent of the last run,
	// by id, with their time: they are fetched again.
	Recent map[string]int64 `json:"recent,omitempty"`
}

// run is one attempt.
type run struct {
	ctx      context.Context
	e        *Exporter
	env      *export.Env
	w        io.Writer
	api, web *httpx.Client
	clock    clock.Clock
}

// Export writes one envelope per response (snapshot/restfmt): the user,
// each item, each page of each list (its HTML as a JSON string).
func (e *Exporter) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	err := e.export(ctx, w, env)
	if err == nil {
		return nil
	}
	err = env.Redactor.Error(err)
	var (
		se *httpx.StatusError
		we *httpx.WaitError
		le *layoutError
	)
	if errors.As(err, &se) && se.Permanent() || errors.As(err, &we) || errors.As(err, &le) {
		return export.Permanent(err)
	}
	return err
}

func (e *Exporter) export(ctx context.Context, w io.Writer, env *export.Env) error {
	env.Redactor.AddSecrets(env.Secrets)
	var st state
	if _, err := env.State.Load(&st); err != nil {
		return export.Permanent(err)
	}
	clk := e.hooks.clock
	if clk == nil {
		clk = clock.System
	}
	r := &run{ctx: ctx, e: e, env: env, w: w, clock: clk}
	opts := func(perSecond float64, auth httpx.Auth) httpx.Options {
		return httpx.Options{RequestsPerSecond: perSecond, Auth: auth, Redactor: env.Redactor, Log: env.Log, Clock: e.hooks.clock, Rand: e.hooks.rand,
			// a redirect from a list page is the site sending a logged-out
			// visitor elsewhere: seen, not followed
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	r.api = httpx.New(opts(apiPerSecond, nil))
	cookie, hasCookie := cookieHeader(env.Secrets["cookie"])
	var webAuth httpx.Auth
	if hasCookie {
		env.Redactor.Add(cookie)
		webAuth = httpx.Header{Name: "Cookie", Value: cookie}
	}
	r.web = httpx.New(opts(webPerSecond, webAuth))
	next, err := r.submissions(st)
	if err != nil {
		return err
	}
	for _, l := range lists {
		if l.login && !hasCookie {
			fmt.Fprintf(env.Stderr, "hackernews: %s skipped: it needs the login cookie (key \"cookie\" in the secrets file)\n", l.endpoint)
			continue
		}
		if err := r.list(l.endpoint, l.page, l.comments, l.login); err != nil {
			return err
		}
	}
	return env.State.Stage(next)
}

// cookieHeader makes the Cookie header from the secret: the value of the
// "user" cookie, or a whole header as copied from the browser.
func cookieHeader(v string) (string, bool) {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "Cookie:"))
	if v == "" {
		return "", false
	}
	if !strings.Contains(v, "=") {
		v = "user=" + v
	}
	return v, true
}

// submissions fetches the user and the items it submitted that are new
// or recent, and returns the next state.
func (r *run) submissions(st state) (state, error) {
	u := r.e.api.JoinPath("user", r.e.user+".json")
	body, err := r.get(r.api, "user", "", 1, u, r.checkJSON, false)
	if err != nil {
		return st, err
	}
	var user struct {
		Submitted []int64 `json:"submitted"`
	}
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return st, export.Permanent(fmt.Errorf("hackernews: there is no user %q (the API answered null for %s)", r.e.user, u))
	}
	if err := json.Unmarshal(body, &user); err != nil {
		return st, export.Permanent(fmt.Errorf("hackernews: the user record at %s: %w", u, err))
	}
	next := state{MaxID: st.MaxID, Recent: map[string]int64{}}
	now := r.clock.Now()
	for _, id := range user.Submitted {
		key := strconv.FormatInt(id, 10)
		t, recent := st.Recent[key]
		if id <= st.MaxID && !(recent && now.Sub(time.Unix(t, 0)) < Recent) {
			continue
		}
		body, err := r.get(r.api, "items", key, 1, r.e.api.JoinPath("item", key+".json"), r.checkJSON, false)
		if err != nil {
			return st, err
		}
		var it struct {
			Time int64 `json:"time"`
		}
		json.Unmarshal(body, &it)
		if it.Time > 0 && now.Sub(time.Unix(it.Time, 0)) < Recent {
			next.Recent[key] = it.Time
		}
		next.MaxID = max(next.MaxID, id)
	}
	return next, nil
}

// list fetches every page of one list, following "More".
func (r *run) list(endpoint, path string, comments, login bool) error {
	u := r.e.web.JoinPath(path)
	q := url.Values{"id": {r.e.user}}
	if comments {
		q.Set("comments", "t")
	}
	u.RawQuery = q.Encode()
	seen := map[string]bool{}
	for n := 1; u != nil; n++ {
		if n > maxPages || seen[u.String()] {
			return &layoutError{fmt.Sprintf("hackernews: %s: page %d would fetch %s again (or pass %d pages): the More links loop", endpoint, n, u.Redacted(), maxPages)}
		}
		seen[u.String()] = true
		var p *page
		check := func(resp *httpx.Response) error {
			var err error
			p, err = parsePage(string(resp.Body), u, comments)
			var nf *notHN
			switch {
			case errors.As(err, &nf):
				return httpx.Retry(err) // an error page, a proxy's: try again
			case err != nil:
				return err
			case login && !strings.EqualFold(p.me, r.e.user) && p.me == "":
				return export.Permanent(errors.New("the site shows you logged out: the cookie in the secrets file is not (or no longer) accepted; copy the user cookie again"))
			case login && !strings.EqualFold(p.me, r.e.user):
				return export.Permanent(fmt.Errorf("the cookie is %s's, not %s's", p.me, r.e.user))
			}
			return nil
		}
		if _, err := r.get(r.web, endpoint, "", n, u, check, true); err != nil {
			return err
		}
		r.env.Progress.Add(0, int64(len(p.rows)))
		u = p.next
	}
	return nil
}

// checkJSON accepts API bodies that are JSON (a cut one is retried).
func (r *run) checkJSON(resp *httpx.Response) error {
	if !json.Valid(resp.Body) {
		return httpx.Retry(fmt.Errorf("invalid JSON in the %d response (%d bytes)", resp.Status, len(resp.Body)))
	}
	return nil
}

// get fetches u and saves the response as one envelope; a web page
// (html) is saved as a JSON string.
func (r *run) get(c *httpx.Client, endpoint, parent string, page int, u *url.URL, check httpx.Check, html bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, export.Permanent(err)
	}
	resp, err := c.Do(req, check)
	if err != nil {
		var le *layoutError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("hackernews: %s page %d: %w", endpoint, page, err)
		}
		return nil, err
	}
	if html && resp.Status >= 300 && resp.Status < 400 {
		return nil, export.Permanent(fmt.Errorf("hackernews: %s page %d: the site redirected %s to %q instead of showing the list (for upvoted: the cookie is not accepted)",
			endpoint, page, c.RedactURL(u), resp.Header.Get("Location")))
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, c.StatusError(req, resp)
	}
	var body []byte
	if html {
		body, err = json.Marshal(string(resp.Body))
	} else {
		body, err = compact(resp.Body)
	}
	if err != nil {
		return nil, err
	}
	env := &restfmt.Envelope{Endpoint: endpoint, Parent: parent, Page: page, URL: c.RedactURL(u), Status: resp.Status,
		FetchedAt: r.clock.Now().UTC(), Style: styleOf(endpoint), Body: body}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return nil, err
	}
	if _, err := r.w.Write(buf.Bytes()); err != nil {
		return nil, err
	}
	if html {
		r.env.Progress.Add(1, 0) // list's items: counted by list
	} else {
		r.env.Progress.Add(1, 1)
	}
	return resp.Body, nil
}

func compact(b []byte) ([]byte, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return []byte("null"), nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// styleOf is an endpoint's style: submissions are fetched incrementally,
// the user and the lists in full.
func styleOf(endpoint string) string {
	if endpoint == "items" {
		return "incremental"
	}
	return "full"
}

// Source describes the hackernews source.
var Source = &source.Source{
	Name:     "hackernews",
	Title:    "Hacker News: your stories and comments, favorites, upvoted",
	Category: source.Scraping,
	Needs:    "your user name (and the login cookie, for upvoted)",
	Decoder:  Decoder,
	Exporter: Kind,
	Stanza: `# Hacker News: your stories and comments (the public API: each item is
# fetched once, and again while it is recent), your favorites (the public
# web pages) and, with the login cookie, what you upvoted. Pages are read
# at one a second.
[sources.NAME]
exporter = "hackernews"
user = "pg"   # your user name
compression = "zstd"
gaps = false  # items are saved incrementally: snapshots do not overlap
# For upvoted: a secrets file (chmod 600) with cookie = "pg&..." (the value
# of the "user" cookie of news.ycombinator.com, from your browser), and:
# secrets = "~/.config/hoard/secrets/hackernews.toml"
`,
	Secrets: []source.Secret{{Key: "cookie", Help: `for upvoted: the value of your "user" cookie of news.ycombinator.com (browser dev tools > Storage > Cookies)`, Optional: true}},
}
