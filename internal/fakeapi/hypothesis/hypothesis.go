// Package hypothesis is a local fake of the Hypothesis API
// (h.readthedocs.io/en/latest/api-reference): /api/profile (userid null
// for a request without a valid token, which the API treats as
// anonymous), /api/search with user, sort=updated, order=asc,
// search_after (strictly after) and limit (default 20, 0 to 200; 400
// outside), answering {"total": N, "rows": [...]}; private annotations
// only for their owner; errors as {"status": "failure", "reason": ...}.
package hypothesis

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Token is the developer token the fake accepts; User its account.
const (
	Token = "6879-fakeDeveloperToken"
	User  = "acct:alice@hypothes.is"
)

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	Mu     sync.Mutex
	Anns   []map[string]any
	Calls  []url.Values // queries of /api/search
	// IgnoreSearchAfter makes search answer from the start whatever
	// search_after says: a server whose pagination loops.
	IgnoreSearchAfter bool
}

// Base is the creation time of the first annotation (minus an hour).
var Base = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// Layout is how the API writes times.
const Layout = "2006-01-02T15:04:05.000000+00:00"

// New starts the fake with n annotations by User (every third private)
// and one by someone else.
func New(n int) *Server {
	s := &Server{}
	for range n {
		s.Add()
	}
	other := s.ann(999, "acct:bob@hypothes.is")
	s.Anns = append(s.Anns, other)
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

func (s *Server) ann(i int, user string) map[string]any {
	t := Base.Add(time.Duration(i) * time.Hour).Format(Layout)
	read := []string{"group:__world__"}
	if i%3 == 0 {
		read = []string{user}
	}
	return map[string]any{"id": fmt.Sprintf("Ann%05dxyz", i), "created": t, "updated": t, "user": user,
		"uri": fmt.Sprintf("https://example.com/article-%d", i), "text": fmt.Sprintf("note %d — ünïcode", i),
		"tags": []string{"reading"}, "group": "__world__", "permissions": map[string]any{"read": read},
		"target":   []map[string]any{{"source": fmt.Sprintf("https://example.com/article-%d", i), "selector": []map[string]any{{"type": "TextQuoteSelector", "exact": "a quote"}}}},
		"document": map[string]any{"title": []string{fmt.Sprintf("Article %d", i)}},
		"links":    map[string]any{"html": "https://hypothes.is/a/x", "incontext": "https://hyp.is/x"}, "user_info": map[string]any{"display_name": "Alice"}}
}

// Add creates an annotation by User, newer than all others.
func (s *Server) Add() {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	n := 0
	for _, a := range s.Anns {
		if a["user"] == User {
			n++
		}
	}
	s.Anns = append(s.Anns, s.ann(n+1, User))
}

// Touch edits annotation i (from 1): its text changes and its updated
// time becomes the newest.
func (s *Server) Touch(i int, at time.Time) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := s.Anns[i-1]
	a["updated"] = at.UTC().Format(Layout)
	a["text"] = "edited"
}

func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	authed := r.Header.Get("Authorization") == "Bearer "+Token
	switch r.URL.Path {
	case "/api/profile":
		var uid any
		groups := []map[string]any{{"id": "__world__", "name": "Public", "public": true}}
		if authed {
			uid = User
		}
		write(w, 200, map[string]any{"userid": uid, "authority": "hypothes.is", "groups": groups, "features": map[string]any{}, "preferences": map[string]any{}})
	case "/api/search":
		s.search(w, r, authed)
	default:
		write(w, 404, map[string]any{"status": "failure", "reason": "Either the resource you requested doesn't exist, or you are not authorized to see it."})
	}
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, authed bool) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	q := r.URL.Query()
	s.Calls = append(s.Calls, q)
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 200 {
			write(w, 400, map[string]any{"status": "failure", "reason": "limit: " + v + " is greater than maximum value 200"})
			return
		}
		limit = n
	}
	if q.Get("sort") != "updated" || q.Get("order") != "asc" {
		write(w, 400, map[string]any{"status": "failure", "reason": "the fake serves sort=updated&order=asc"})
		return
	}
	after, hasAfter := time.Time{}, q.Get("search_after") != "" && !s.IgnoreSearchAfter
	if hasAfter {
		var err error
		if after, err = time.Parse(time.RFC3339Nano, q.Get("search_after")); err != nil {
			write(w, 400, map[string]any{"status": "failure", "reason": "search_after: not a date"})
			return
		}
	}
	var match []map[string]any
	for _, a := range s.Anns {
		private := a["permissions"].(map[string]any)["read"].([]string)[0] != "group:__world__"
		if a["user"] != q.Get("user") || private && !(authed && a["user"] == User) {
			continue
		}
		match = append(match, a)
	}
	updated := func(a map[string]any) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, a["updated"].(string))
		return t
	}
	slices.SortStableFunc(match, func(a, b map[string]any) int { return updated(a).Compare(updated(b)) })
	rows := []map[string]any{}
	for _, a := range match {
		if hasAfter && !updated(a).After(after) {
			continue
		}
		if len(rows) < limit {
			rows = append(rows, a)
		}
	}
	write(w, 200, map[string]any{"total": len(match), "rows": rows})
}

// SearchAfter returns the search_after of each search call.
func (s *Server) SearchAfter() []string {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	var out []string
	for _, q := range s.Calls {
		out = append(out, q.Get("search_after"))
	}
	return out
}
