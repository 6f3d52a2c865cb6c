// Package pinboard is a local fake of the Pinboard API v1
// (https://pinboard.in/api), for the tests of source/pinboard:
//
//   - /v1/posts/update answers {"update_time": "..."}, the time of the
//     last change to any bookmark; /v1/posts/all answers every bookmark,
//     newest first, as {"href", "description" (the title), "extended"
//     (the notes), "meta", "hash", "time", "shared" and "toread" ("yes"
//     or "no"), "tags" (one string, space-separated)};
//   - auth_token=USER:TOKEN on every request, else 401;
//   - format=json, else XML;
//   - rate limits: one call every 3 seconds, posts/all once every 5
//     minutes; a call too soon is 429 Too Many Requests.
//
// Faults (fakeapi.Injector) sit in front of the fake.
package pinboard

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Bookmark is one bookmark.
type Bookmark struct {
	URL, Title, Notes, Tags string
	At                      time.Time
	ToRead                  bool
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	Token  string // "user:HEX"
	clock  fakeapi.Clock

	Mu        sync.Mutex
	Bookmarks []Bookmark
	Updated   time.Time // posts/update's answer
	Calls     []string  // paths served
	TooMany   int       // 429 answers
	last      time.Time // last call
	lastAll   time.Time // last posts/all
}

// New starts a fake accepting token; clock is the time its rate limits
// read (the exporter's fake clock in tests).
func New(clock fakeapi.Clock, token string) *Server {
	s := &Server{Token: token, clock: clock}
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

// Base is the base URL to configure.
func (s *Server) Base() string { return s.URL + "/v1" }

// Add adds a bookmark now and moves update_time.
func (s *Server) Add(b Bookmark) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Bookmarks = append(s.Bookmarks, b)
	s.Updated = s.clock.Now().UTC().Truncate(time.Second)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if q.Get("auth_token") != s.Token {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "401 Forbidden")
		return
	}
	now := s.clock.Now()
	if !s.last.IsZero() && now.Sub(s.last) < 3*time.Second ||
		r.URL.Path == "/v1/posts/all" && !s.lastAll.IsZero() && now.Sub(s.lastAll) < 5*time.Minute {
		s.TooMany++
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, "Too Many Requests")
		return
	}
	s.last = now
	s.Calls = append(s.Calls, r.URL.Path)
	if q.Get("format") != "json" {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" ?><update time="x" />`)
		return
	}
	switch r.URL.Path {
	case "/v1/posts/update":
		writeJSON(w, map[string]string{"update_time": s.Updated.UTC().Format(time.RFC3339)})
	case "/v1/posts/all":
		s.lastAll = now
		list := slices.Clone(s.Bookmarks)
		slices.SortStableFunc(list, func(a, b Bookmark) int { return b.At.Compare(a.At) })
		out := []map[string]string{}
		for _, b := range list {
			sum := md5.Sum([]byte(b.URL))
			out = append(out, map[string]string{"href": b.URL, "description": b.Title, "extended": b.Notes,
				"meta": hex.EncodeToString(sum[:]) + "m", "hash": hex.EncodeToString(sum[:]), "time": b.At.UTC().Format(time.RFC3339),
				"shared": "yes", "toread": map[bool]string{true: "yes", false: "no"}[b.ToRead], "tags": b.Tags})
		}
		writeJSON(w, out)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "404 Not Found")
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
