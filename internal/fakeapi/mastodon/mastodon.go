// Package mastodon is a local fake of a Mastodon server's REST API
// (docs.joinmastodon.org/api): verify_credentials, an account's statuses
// (max_id, limit default 20, at most 40, newest first), favourites and
// bookmarks paginated by the server's internal ids (not the statuses'),
// Link headers (next with max_id, prev with min_id) on every non-empty
// page and none on an empty one, X-RateLimit-* headers with an ISO 8601
// reset (300 requests per 5 minutes; 429 once spent), and 401
// {"error": "The access token is invalid"}. Status ids are strings: the
// oldest ones short (accounts from before 2017), later ones 18-digit
// snowflakes.
package mastodon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Token is the access token the fake accepts; AccountID the account's id.
const (
	Token     = "masto-fakeAccessToken"
	AccountID = "109348765432101234"
)

type entry struct {
	internal int64 // the id pagination uses
	status   map[string]any
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	clock  fakeapi.Clock
	Mu     sync.Mutex
	// Limit is the requests per 5-minute window.
	Limit    int
	used     int
	reset    time.Time
	TooMany  int
	Requests []string
	// LoopStatuses makes the second page of statuses point to itself.
	LoopStatuses bool

	statuses, favs, marks []entry // newest first
	posted                int
}

// Base is the time of the first status.
var Base = time.Date(2016, 11, 1, 9, 0, 0, 0, time.UTC)

// New starts the fake with nStatuses own statuses (the first three with
// the short ids of 2016), nFavs favourites and nMarks bookmarks.
func New(clock fakeapi.Clock, nStatuses, nFavs, nMarks int) *Server {
	s := &Server{clock: clock, Limit: 300}
	for range nStatuses {
		s.Post()
	}
	for i := 1; i <= nFavs; i++ {
		s.favs = append([]entry{{internal: int64(500 + i), status: other(900000+i, i)}}, s.favs...)
	}
	for i := 1; i <= nMarks; i++ {
		s.marks = append([]entry{{internal: int64(700 + i), status: other(800000+i, i)}}, s.marks...)
	}
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

func other(id, i int) map[string]any {
	return map[string]any{"id": strconv.Itoa(id), "created_at": Base.Add(time.Duration(i) * time.Hour).Format("2006-01-02T15:04:05.000Z"),
		"content": fmt.Sprintf("<p>someone else's post %d</p>", i), "url": fmt.Sprintf("https://other.example/@bob/%d", id),
		"visibility": "public", "spoiler_text": "", "reblog": nil, "account": map[string]any{"id": "42", "acct": "bob@other.example"}}
}

// Post adds an own status newer than all others: ids 98001..98003 for
// the first three, then snowflakes.
func (s *Server) Post() {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.posted++
	n := s.posted
	id := int64(98000 + n)
	if n > 3 {
		id = 109348765432100000 + int64(n)*65536
	}
	at := Base.Add(time.Duration(n) * 24 * time.Hour)
	st := map[string]any{"id": strconv.FormatInt(id, 10), "created_at": at.Format("2006-01-02T15:04:05.000Z"),
		"content": fmt.Sprintf("<p>toot %d — ünïcode &amp; <a href=\"https://example.com\">a link</a></p>", n),
		"url":     fmt.Sprintf("https://masto.example/@alice/%d", id), "uri": fmt.Sprintf("https://masto.example/users/alice/statuses/%d", id),
		"visibility": "public", "spoiler_text": "", "reblog": nil, "edited_at": nil,
		"account": map[string]any{"id": AccountID, "acct": "alice"}}
	if n%5 == 0 {
		st["spoiler_text"] = "cw: food"
	}
	if n%7 == 0 { // a boost: no content of its own
		st["content"], st["url"], st["reblog"] = "", nil, other(700000+n, n)
	}
	s.statuses = append([]entry{{internal: id, status: st}}, s.statuses...)
}

// StatusIDs returns the ids of the account's own statuses, newest first.
func (s *Server) StatusIDs() []string {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	ids := make([]string, len(s.statuses))
	for i, e := range s.statuses {
		ids[i] = e.status["id"].(string)
	}
	return ids
}

func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+Token {
		write(w, 401, map[string]string{"error": "The access token is invalid"})
		return
	}
	if !s.spend(w) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests = append(s.Requests, r.URL.Path+"?"+r.URL.RawQuery)
	switch r.URL.Path {
	case "/api/v1/accounts/verify_credentials":
		write(w, 200, map[string]any{"id": AccountID, "username": "alice", "acct": "alice", "display_name": "Alice ✨",
			"url": "https://masto.example/@alice", "note": "<p>hello</p>", "created_at": "2016-10-30T00:00:00.000Z", "statuses_count": len(s.statuses)})
	case "/api/v1/accounts/" + AccountID + "/statuses":
		s.page(w, r, s.statuses)
	case "/api/v1/favourites":
		s.page(w, r, s.favs)
	case "/api/v1/bookmarks":
		s.page(w, r, s.marks)
	default:
		write(w, 404, map[string]string{"error": "Record not found"})
	}
}

func (s *Server) spend(w http.ResponseWriter) bool {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	now := s.clock.Now()
	if !now.Before(s.reset) {
		s.used, s.reset = 0, now.Add(5*time.Minute)
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.Limit))
	h.Set("X-RateLimit-Reset", s.reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
	if s.used >= s.Limit {
		h.Set("X-RateLimit-Remaining", "0")
		s.TooMany++
		write(w, 429, map[string]string{"error": "Too many requests"})
		return false
	}
	s.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.Limit-s.used))
	return true
}

// page serves the entries older than max_id, newest first.
func (s *Server) page(w http.ResponseWriter, r *http.Request, list []entry) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	limit = min(limit, 40)
	maxID, _ := strconv.ParseInt(q.Get("max_id"), 10, 64)
	out := []map[string]any{}
	var ids []int64
	for _, e := range list {
		if maxID != 0 && e.internal >= maxID {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, e.status)
		ids = append(ids, e.internal)
	}
	if len(out) > 0 {
		nextMax := ids[len(ids)-1]
		if s.LoopStatuses && maxID != 0 && strings.HasSuffix(r.URL.Path, "/statuses") {
			nextMax = maxID
		}
		next := fmt.Sprintf("%s%s?limit=%d&max_id=%d", s.URL, r.URL.Path, limit, nextMax)
		prev := fmt.Sprintf("%s%s?limit=%d&min_id=%d", s.URL, r.URL.Path, limit, ids[0])
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, next, prev))
	}
	write(w, 200, out)
}
