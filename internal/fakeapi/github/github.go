// Package github is a local fake of the GitHub REST API
// (docs.github.com/rest) as the built-in github source uses it: bearer
// tokens ("Bad credentials" 401), per_page (default 30, at most 100) and
// page with a Link header (next, last, first, prev; absolute URLs), the
// star+json media type that adds starred_at, events capped at 300 (422
// beyond) with ETag and 304, the search API (author:, is:issue / is:pr,
// sort=created, at most 1000 results, 422 beyond, its own limit of 30
// requests a minute), the primary rate limit (x-ratelimit-* headers on
// every response, 403 with remaining 0 once spent) and an optional path
// prefix, as GitHub Enterprise serves the API under /api/v3.
package github

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

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Token is the token the fake accepts.
const Token = "ghp_fakeToken0123456789"

// Login is the authenticated user.
const Login = "octo-cat"

// Server is the fake. Tests may read its counters under Mu.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector // scripted transport faults, by request number
	Prefix string            // path prefix ("/api/v3" for Enterprise)

	clock fakeapi.Clock
	Mu    sync.Mutex
	// Limit is the core requests per hour; SearchLimit per minute.
	Limit, SearchLimit int
	used, searchUsed   int
	reset, searchReset time.Time
	Forbidden          int // 403 rate-limit answers given
	NotModified        int // 304 answers given
	// LoopStarred makes page 2 of the stars point to itself as next.
	LoopStarred bool
	Requests    []string // path?query of each request that passed auth

	stars, repos, gists, followers, following, events, issues []map[string]any
}

// Counts are how many of each thing the account has.
type Counts struct {
	Stars, Repos, Gists, Followers, Following, Events, Issues, Pulls int
}

// Base is the time the fake's data starts from.
var Base = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// New starts the fake with the account's data. Close it when done.
func New(clock fakeapi.Clock, prefix string, c Counts) *Server {
	s := &Server{clock: clock, Prefix: prefix, Limit: 5000, SearchLimit: 30}
	for i := c.Stars; i >= 1; i-- { // newest star first (sort=created, direction=desc)
		s.stars = append(s.stars, map[string]any{"starred_at": ts(Base.Add(time.Duration(i) * time.Hour)), "repo": s.repo(1000+i, fmt.Sprintf("someone/tool-%d", i), "A tool ✓ 第"+strconv.Itoa(i))})
	}
	for i := 1; i <= c.Repos; i++ {
		s.repos = append(s.repos, s.repo(2000+i, fmt.Sprintf("%s/r%03d", Login, i), ""))
	}
	for i := c.Gists; i >= 1; i-- {
		s.gists = append(s.gists, map[string]any{"id": fmt.Sprintf("aa%04x", i), "description": fmt.Sprintf("gist %d", i), "html_url": "https://gist.github.com/aa" + strconv.Itoa(i),
			"public": i%2 == 0, "created_at": ts(Base.Add(time.Duration(i) * 24 * time.Hour)), "files": map[string]any{"notes.md": map[string]any{"filename": "notes.md", "size": 10}}})
	}
	for i := 1; i <= c.Followers; i++ {
		s.followers = append(s.followers, user(3000+i, fmt.Sprintf("fan%d", i)))
	}
	for i := 1; i <= c.Following; i++ {
		s.following = append(s.following, user(4000+i, fmt.Sprintf("idol%d", i)))
	}
	for i := 1; i <= c.Events; i++ {
		s.AddEvent()
	}
	for i := 1; i <= c.Issues+c.Pulls; i++ {
		s.issues = append(s.issues, s.issue(i, i > c.Issues))
	}
	slices.Reverse(s.issues) // newest first
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func user(id int, login string) map[string]any {
	return map[string]any{"login": login, "id": id, "html_url": "https://github.com/" + login, "type": "User", "site_admin": false}
}

func (s *Server) repo(id int, name, desc string) map[string]any {
	owner, _, _ := strings.Cut(name, "/")
	return map[string]any{"id": id, "name": strings.SplitN(name, "/", 2)[1], "full_name": name, "html_url": "https://github.com/" + name,
		"description": desc, "private": false, "owner": user(id+50000, owner), "created_at": ts(Base.Add(-time.Duration(id) * time.Hour)),
		"pushed_at": ts(Base), "stargazers_count": id % 17}
}

func (s *Server) issue(n int, pull bool) map[string]any {
	it := map[string]any{"id": 7000 + n, "number": n, "title": fmt.Sprintf("Bug %d: ünïcode breaks", n), "user": user(1, Login), "state": "open",
		"html_url": fmt.Sprintf("https://github.com/someone/tool/issues/%d", n), "body": fmt.Sprintf("Steps to reproduce %d", n),
		"created_at": ts(Base.Add(time.Duration(n) * time.Minute)), "repository_url": "https://api.github.com/repos/someone/tool"}
	if pull {
		it["html_url"] = fmt.Sprintf("https://github.com/someone/tool/pull/%d", n)
		it["pull_request"] = map[string]any{"html_url": it["html_url"], "merged_at": nil}
	}
	return it
}

// AddEvent adds an event newer than all others.
func (s *Server) AddEvent() {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	n := len(s.events) + 1
	e := map[string]any{"id": strconv.Itoa(40000000000 + n), "type": "PushEvent", "public": true,
		"actor": map[string]any{"id": 1, "login": Login}, "repo": map[string]any{"id": 2001, "name": Login + "/r001"},
		"payload": map[string]any{"size": 1}, "created_at": ts(Base.Add(time.Duration(n) * time.Minute))}
	s.events = append([]map[string]any{e}, s.events...)
}

// AddStar stars one more repository (the newest star).
func (s *Server) AddStar(id int, name string) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.stars = append([]map[string]any{{"starred_at": ts(s.clock.Now()), "repo": s.repo(id, name, "")}}, s.stars...)
}

func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, s.Prefix)
	if !ok {
		write(w, 404, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+Token {
		write(w, 401, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	search := strings.HasPrefix(path, "/search/")
	if !s.spend(w, search) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests = append(s.Requests, path+"?"+r.URL.RawQuery)
	switch {
	case path == "/user":
		write(w, 200, map[string]any{"login": Login, "id": 1, "name": "Octo Cät", "html_url": "https://github.com/" + Login, "bio": "🐙", "created_at": "2011-01-25T18:44:36Z"})
	case path == "/user/starred":
		if !strings.Contains(r.Header.Get("Accept"), "application/vnd.github.star+json") {
			var repos []map[string]any
			for _, st := range s.stars {
				repos = append(repos, st["repo"].(map[string]any))
			}
			s.page(w, r, repos, 0)
			return
		}
		s.page(w, r, s.stars, 0)
	case path == "/user/repos":
		if r.URL.Query().Get("affiliation") != "owner" {
			write(w, 400, map[string]string{"message": "the fake serves affiliation=owner only"})
			return
		}
		s.page(w, r, s.repos, 0)
	case path == "/gists":
		s.page(w, r, s.gists, 0)
	case path == "/user/followers":
		s.page(w, r, s.followers, 0)
	case path == "/user/following":
		s.page(w, r, s.following, 0)
	case path == "/users/"+Login+"/events":
		s.eventsPage(w, r)
	case path == "/search/issues":
		s.search(w, r)
	default:
		write(w, 404, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
	}
}

// spend counts a request against its limit (core, or search) and sets the
// headers; it answers 403 itself when the limit is spent.
func (s *Server) spend(w http.ResponseWriter, search bool) bool {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	now := s.clock.Now()
	used, reset, limit, resource, window := &s.used, &s.reset, s.Limit, "core", time.Hour
	if search {
		used, reset, limit, resource, window = &s.searchUsed, &s.searchReset, s.SearchLimit, "search", time.Minute
	}
	if !now.Before(*reset) {
		*used, *reset = 0, now.Add(window)
	}
	h := w.Header()
	h.Set("x-ratelimit-limit", strconv.Itoa(limit))
	h.Set("x-ratelimit-reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("x-ratelimit-resource", resource)
	if *used >= limit {
		h.Set("x-ratelimit-remaining", "0")
		s.Forbidden++
		write(w, 403, map[string]string{"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})
		return false
	}
	*used++
	h.Set("x-ratelimit-used", strconv.Itoa(*used))
	h.Set("x-ratelimit-remaining", strconv.Itoa(limit-*used))
	return true
}

// page serves list by per_page and page with GitHub's Link header; capped
// > 0 is how many items pagination can reach (events: 300, search: 1000).
func (s *Server) page(w http.ResponseWriter, r *http.Request, list []map[string]any, capped int) ([]map[string]any, bool) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	if capped > 0 && len(list) > capped {
		list = list[:capped]
	}
	if capped > 0 && (page-1)*per >= capped {
		write(w, 422, map[string]string{"message": "In order to keep the API fast for everyone, pagination is limited for this resource.", "documentation_url": "https://docs.github.com/rest"})
		return nil, false
	}
	last := max((len(list)+per-1)/per, 1)
	start, end := min((page-1)*per, len(list)), min(page*per, len(list))
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.URL, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"), link(1, "first"))
	}
	next := page + 1
	if s.LoopStarred && page == 2 && strings.HasSuffix(r.URL.Path, "/starred") {
		next = page
	}
	if page < last {
		links = append(links, link(next, "next"), link(last, "last"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	out := list[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	if capped == 0 {
		write(w, 200, out)
	}
	return out, true
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) {
	etag := fmt.Sprintf(`W/"ev-%d-%s"`, len(s.events), r.URL.RawQuery)
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Poll-Interval", "60")
	if r.Header.Get("If-None-Match") == etag {
		s.NotModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if out, ok := s.page(w, r, s.events, 300); ok {
		write(w, 200, out)
	}
}

// search serves /search/issues for q = "author:LOGIN is:issue|is:pr",
// newest first, as {"total_count", "incomplete_results", "items"}.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	terms := strings.Fields(q.Get("q"))
	if !slices.Contains(terms, "author:"+Login) || q.Get("sort") != "created" || q.Get("order") != "desc" {
		write(w, 422, map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"message": "the fake serves author:" + Login + " sorted by created, descending", "resource": "Search", "field": "q", "code": "invalid"}}})
		return
	}
	var hits []map[string]any
	for _, it := range s.issues {
		_, pull := it["pull_request"]
		if slices.Contains(terms, "is:pr") == pull {
			hits = append(hits, it)
		}
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	page, _ := strconv.Atoi(q.Get("page"))
	if per = min(max(per, 30), 100); max(page, 1)*per > 1000+per {
		write(w, 422, map[string]string{"message": "Only the first 1000 search results are available", "documentation_url": "https://docs.github.com/v3/search/"})
		return
	}
	out, ok := s.page(w, r, hits, 1000)
	if ok {
		write(w, 200, map[string]any{"total_count": len(hits), "incomplete_results": false, "items": out})
	}
}

// Query returns the query of the i-th request (from 0) that passed auth.
func Query(req string) url.Values {
	_, q, _ := strings.Cut(req, "?")
	v, _ := url.ParseQuery(q)
	return v
}
