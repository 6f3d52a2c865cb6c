package fakeapi

// Local fakes of the services in docs/examples, reproducing their
// documented pagination, limits and errors. Tests read and set the
// exported fields (under Mu where the fake has one).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clock is the time a fake reads for its rate-limit windows.
type Clock interface{ Now() time.Time }

func writeJSONBody(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ---- GitHub -------------------------------------------------------------

// GitHub: bearer auth ("Bad credentials" 401), per_page (default 30,
// max 100) + page with a Link header (next/last/first/prev, absolute URLs),
// the star+json media type, events capped at 300 (422 beyond) with ETag /
// 304, and a primary rate limit: x-ratelimit-* headers on every response
// and 403 "API rate limit exceeded" with remaining 0 once spent.
type GitHub struct {
	*httptest.Server
	Faults    *Injector // scripted faults in front of the fake
	clock     Clock
	token     string
	Limit     int // requests per window
	window    time.Duration
	Mu        sync.Mutex
	used      int
	reset     time.Time
	Forbidden int // 403 rate-limit answers given
	stars     []map[string]any
	repos     []map[string]any
	events    []map[string]any
	NotMod    int
}

func NewGitHub(clock Clock, nStars, nRepos, nEvents int) *GitHub {
	g := &GitHub{clock: clock, token: "ghp_secret_token", Limit: 5000, window: time.Hour}
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := nStars; i >= 1; i-- { // newest star first
		g.stars = append(g.stars, map[string]any{"starred_at": base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			"repo": map[string]any{"id": 1000 + i, "full_name": fmt.Sprintf("someone/repo%d", i)}})
	}
	for i := 1; i <= nRepos; i++ {
		g.repos = append(g.repos, map[string]any{"id": 2000 + i, "full_name": fmt.Sprintf("octo/r%03d", i)})
	}
	for i := nEvents; i >= 1; i-- {
		g.events = append(g.events, map[string]any{"id": strconv.Itoa(3000 + i), "type": "PushEvent", "created_at": base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)})
	}
	g.Faults = Inject(http.HandlerFunc(g.serve))
	g.Server = httptest.NewServer(g.Faults)
	return g
}

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+g.token {
		writeJSONBody(w, 401, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	if !g.spend(w) {
		return
	}
	switch r.URL.Path {
	case "/user":
		writeJSONBody(w, 200, map[string]any{"login": "octo", "id": 1})
	case "/user/starred":
		if strings.Contains(r.Header.Get("Accept"), "application/vnd.github.star+json") {
			g.page(w, r, g.stars, 0)
			return
		}
		repos := make([]map[string]any, len(g.stars))
		for i, s := range g.stars {
			repos[i] = s["repo"].(map[string]any)
		}
		g.page(w, r, repos, 0)
	case "/user/repos":
		g.page(w, r, g.repos, 0)
	case "/users/octo/events":
		g.eventsPage(w, r)
	default:
		writeJSONBody(w, 404, map[string]string{"message": "Not Found"})
	}
}

// spend counts a request against the rate limit and sets its headers; it
// answers 403 itself when the limit is spent.
func (g *GitHub) spend(w http.ResponseWriter) bool {
	g.Mu.Lock()
	defer g.Mu.Unlock()
	now := g.clock.Now()
	if !now.Before(g.reset) {
		g.used, g.reset = 0, now.Add(g.window)
	}
	h := w.Header()
	h.Set("x-ratelimit-limit", strconv.Itoa(g.Limit))
	h.Set("x-ratelimit-reset", strconv.FormatInt(g.reset.Unix(), 10))
	h.Set("x-ratelimit-resource", "core")
	if g.used >= g.Limit {
		h.Set("x-ratelimit-remaining", "0")
		g.Forbidden++
		writeJSONBody(w, 403, map[string]string{"message": "API rate limit exceeded for user ID 1."})
		return false
	}
	g.used++
	h.Set("x-ratelimit-used", strconv.Itoa(g.used))
	h.Set("x-ratelimit-remaining", strconv.Itoa(g.Limit-g.used))
	return true
}

// page serves list[...] by per_page/page with GitHub's Link header; cap > 0
// limits how far pagination may go (events: 300).
func (g *GitHub) page(w http.ResponseWriter, r *http.Request, list []map[string]any, cap int) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	if cap > 0 && len(list) > cap {
		list = list[:cap]
	}
	if cap > 0 && (page-1)*per >= cap {
		writeJSONBody(w, 422, map[string]string{"message": "In order to keep the API fast for everyone, pagination is limited for this resource."})
		return
	}
	last := max((len(list)+per-1)/per, 1)
	start, end := min((page-1)*per, len(list)), min(page*per, len(list))
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, g.URL, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"), link(1, "first"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSONBody(w, 200, list[start:end])
}

func (g *GitHub) eventsPage(w http.ResponseWriter, r *http.Request) {
	etag := fmt.Sprintf(`"ev-%d-%s"`, len(g.events), r.URL.RawQuery)
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Poll-Interval", "60")
	if r.Header.Get("If-None-Match") == etag {
		g.Mu.Lock()
		g.NotMod++
		g.Mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	g.page(w, r, g.events, 300)
}

// ---- Hypothesis ---------------------------------------------------------

// Hypothesis: /api/profile (userid null without a token), /api/search
// with user, sort=updated, order=asc, search_after (strictly after) and
// limit (default 20, max 200), answering {"total": N, "rows": [...]}.
type Hypothesis struct {
	*httptest.Server
	token string
	Mu    sync.Mutex
	Anns  []map[string]any
	Calls []url.Values
	Fail  bool // answer 500 to every search
}

func NewHypothesis(n int) *Hypothesis {
	h := &Hypothesis{token: "6879-secret"}
	for range n {
		h.Add()
	}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	return h
}

var hypBase = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

func (h *Hypothesis) Add() {
	i := len(h.Anns) + 1
	t := hypBase.Add(time.Duration(i) * time.Hour).Format("2006-01-02T15:04:05.000000+00:00")
	h.Anns = append(h.Anns, map[string]any{"id": fmt.Sprintf("ann%04d", i), "created": t, "updated": t,
		"user": "acct:alice@hypothes.is", "uri": "https://example.com/", "text": fmt.Sprintf("note %d", i)})
}

// touch edits annotation i (1-based): its "updated" becomes the newest.
func (h *Hypothesis) Touch(i int) {
	h.Mu.Lock()
	defer h.Mu.Unlock()
	t := hypBase.Add(time.Duration(len(h.Anns)+i) * time.Hour).Format("2006-01-02T15:04:05.000000+00:00")
	h.Anns[i-1]["updated"] = t
	h.Anns[i-1]["text"] = "edited"
}

func (h *Hypothesis) serve(w http.ResponseWriter, r *http.Request) {
	authed := r.Header.Get("Authorization") == "Bearer "+h.token
	switch r.URL.Path {
	case "/api/profile":
		var uid any
		if authed {
			uid = "acct:alice@hypothes.is"
		}
		writeJSONBody(w, 200, map[string]any{"userid": uid, "authority": "hypothes.is"})
	case "/api/search":
		h.search(w, r)
	default:
		writeJSONBody(w, 404, map[string]any{"status": "failure", "reason": "Either the resource you requested doesn't exist, or you are not authorized to see it."})
	}
}

func (h *Hypothesis) search(w http.ResponseWriter, r *http.Request) {
	h.Mu.Lock()
	defer h.Mu.Unlock()
	q := r.URL.Query()
	h.Calls = append(h.Calls, q)
	if h.Fail {
		writeJSONBody(w, 500, map[string]string{"status": "failure", "reason": "internal error"})
		return
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil {
		limit = 20
	}
	if limit < 0 || limit > 200 {
		writeJSONBody(w, 400, map[string]string{"status": "failure", "reason": "limit: Must be between 0 and 200"})
		return
	}
	rows := slices.Clone(h.Anns)
	slices.SortFunc(rows, func(a, b map[string]any) int { return strings.Compare(a["updated"].(string), b["updated"].(string)) })
	after := q.Get("search_after")
	out := []map[string]any{}
	for _, a := range rows {
		if a["user"] != q.Get("user") || after != "" && !timeAfter(a["updated"].(string), after) {
			continue
		}
		if len(out) < limit {
			out = append(out, a)
		}
	}
	writeJSONBody(w, 200, map[string]any{"total": len(rows), "rows": out})
}

func timeAfter(a, b string) bool {
	ta, _ := time.Parse(time.RFC3339Nano, a)
	tb, _ := time.Parse(time.RFC3339Nano, b)
	return ta.After(tb)
}

// ---- Hacker News --------------------------------------------------------

// HackerNews: /v0/user/<id>.json and /v0/item/<id>.json; unknown ids answer
// 200 with the body null, as Firebase does.
type HackerNews struct {
	*httptest.Server
	items map[int]map[string]any
	user  map[string]any
}

func NewHackerNews(submitted []int, missing ...int) *HackerNews {
	f := &HackerNews{items: map[int]map[string]any{}}
	for _, id := range submitted {
		if !slices.Contains(missing, id) {
			f.items[id] = map[string]any{"id": id, "by": "alice", "type": "comment", "time": 1700000000 + id, "text": fmt.Sprintf("comment %d", id)}
		}
	}
	f.user = map[string]any{"id": "alice", "created": 1500000000, "karma": 42, "submitted": submitted}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *HackerNews) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v0/user/alice.json":
		writeJSONBody(w, 200, f.user)
	case strings.HasPrefix(p, "/v0/item/") && strings.HasSuffix(p, ".json"):
		id, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/v0/item/"), ".json"))
		if it, ok := f.items[id]; ok {
			writeJSONBody(w, 200, it)
			return
		}
		writeJSONBody(w, 200, nil)
	case strings.HasPrefix(p, "/v0/user/"):
		writeJSONBody(w, 200, nil)
	default:
		writeJSONBody(w, 401, map[string]string{"error": "Permission denied"})
	}
}

// ---- Mastodon -----------------------------------------------------------

// Mastodon: verify_credentials, account statuses (max_id/since_id,
// limit default 20 max 40), favourites and bookmarks paginated by their own
// internal ids, Link headers (next with max_id, prev with min_id) on every
// non-empty page, and X-RateLimit-* headers with an ISO 8601 reset.
type Mastodon struct {
	*httptest.Server
	clock    Clock
	token    string
	Mu       sync.Mutex
	Statuses []map[string]any // newest first
	favs     []fav            // newest first
	marks    []fav
	Limit    int
	used     int
	reset    time.Time
	TooMany  int
}

type fav struct {
	internal int
	status   map[string]any
}

func NewMastodon(clock Clock, nStatuses, nFavs, nMarks int) *Mastodon {
	m := &Mastodon{clock: clock, token: "masto-secret", Limit: 300}
	for i := 1; i <= nStatuses; i++ {
		m.Post()
	}
	for i := 1; i <= nFavs; i++ {
		m.favs = append([]fav{{internal: 500 + i, status: m.status(900000 + i)}}, m.favs...)
	}
	for i := 1; i <= nMarks; i++ {
		m.marks = append([]fav{{internal: 700 + i, status: m.status(800000 + i)}}, m.marks...)
	}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	return m
}

func (m *Mastodon) status(id int) map[string]any {
	return map[string]any{"id": strconv.Itoa(id), "created_at": "2025-01-01T00:00:00.000Z", "content": fmt.Sprintf("<p>post %d</p>", id)}
}

// post adds a status newer than all others (ids grow with time).
func (m *Mastodon) Post() {
	id := 109000000000000000 + (len(m.Statuses)+1)*1000
	m.Statuses = append([]map[string]any{m.status(id)}, m.Statuses...)
}

func (m *Mastodon) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+m.token {
		writeJSONBody(w, 401, map[string]string{"error": "The access token is invalid"})
		return
	}
	if !m.spend(w) {
		return
	}
	m.Mu.Lock()
	defer m.Mu.Unlock()
	switch r.URL.Path {
	case "/api/v1/accounts/verify_credentials":
		writeJSONBody(w, 200, map[string]any{"id": "4242", "username": "alice", "acct": "alice"})
	case "/api/v1/accounts/4242/statuses":
		list := make([]fav, len(m.Statuses))
		for i, s := range m.Statuses {
			n, _ := strconv.Atoi(s["id"].(string))
			list[i] = fav{internal: n, status: s}
		}
		m.page(w, r, list)
	case "/api/v1/favourites":
		m.page(w, r, m.favs)
	case "/api/v1/bookmarks":
		m.page(w, r, m.marks)
	default:
		writeJSONBody(w, 404, map[string]string{"error": "Record not found"})
	}
}

func (m *Mastodon) spend(w http.ResponseWriter) bool {
	m.Mu.Lock()
	defer m.Mu.Unlock()
	now := m.clock.Now()
	if !now.Before(m.reset) {
		m.used, m.reset = 0, now.Add(5*time.Minute)
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(m.Limit))
	h.Set("X-RateLimit-Reset", m.reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
	if m.used >= m.Limit {
		h.Set("X-RateLimit-Remaining", "0")
		m.TooMany++
		writeJSONBody(w, 429, map[string]string{"error": "Too many requests"})
		return false
	}
	m.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(m.Limit-m.used))
	return true
}

// page serves entries older than max_id (newest first), limit 20/40.
func (m *Mastodon) page(w http.ResponseWriter, r *http.Request, list []fav) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	limit = min(limit, 40)
	maxID, _ := strconv.Atoi(q.Get("max_id"))
	var out []map[string]any
	var ids []int
	for _, f := range list {
		if maxID != 0 && f.internal >= maxID {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, f.status)
		ids = append(ids, f.internal)
	}
	if len(out) > 0 {
		next := fmt.Sprintf("%s%s?limit=%d&max_id=%d", m.URL, r.URL.Path, limit, ids[len(ids)-1])
		prev := fmt.Sprintf("%s%s?limit=%d&min_id=%d", m.URL, r.URL.Path, limit, ids[0])
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, next, prev))
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSONBody(w, 200, out)
}
