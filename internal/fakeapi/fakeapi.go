// Package fakeapi is a local JSON API with scripted faults, for testing
// exporters against the failures real services produce: 429 with
// Retry-After, 5xx, connection resets, stalls past the timeout, truncated
// bodies, invalid JSON, 200s carrying an error body, expired OAuth2 access
// tokens, looping cursors, items added between pages and empty pages.
//
// The server serves a list of items at /items in one pagination style and
// an OAuth2 token endpoint at /token. Faults are keyed by the number of the
// request to /items (from 1), so a retry of a faulted request gets the
// normal answer. A Server is safe for concurrent use.
package fakeapi

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

// Style is a pagination style the server speaks.
type Style string

// Pagination styles. Every page body is {"items": [...], "total": N, ...}
// plus the style's pointer to the next page.
const (
	Link    Style = "link"     // Link: <...>; rel="next" header
	NextURL Style = "next_url" // "next": "http://.../items?..." in the body
	Cursor  Style = "cursor"   // "next_cursor": "c<id>" in the body, sent back as ?cursor=
	Offset  Style = "offset"   // ?offset=&limit=
	Page    Style = "page"     // ?page=&per_page=
	Keyset  Style = "keyset"   // ascending by "updated", ?search_after=<updated>
)

// FaultKind is a scripted failure.
type FaultKind int

// Faults.
const (
	Status       FaultKind = iota // respond with Fault.Status (and Retry-After if set)
	Reset                         // close the connection without a response (RST)
	Slow                          // send nothing until the client gives up
	Truncate                      // announce a longer body than is sent
	InvalidJSON                   // a 200 whose body is not JSON
	ErrorBody                     // a 200 whose body is Fault.Body (e.g. Last.fm's {"error":29,...})
	ExpireToken                   // the access token expires now: 401 until refreshed
	RepeatCursor                  // the page points to itself as the next page
	AddItem                       // a new item is created before this page is served
	EmptyPage                     // an empty page that still points to the same position
)

// Fault is one scripted failure.
type Fault struct {
	Kind       FaultKind
	Status     int    // for Status
	RetryAfter string // for Status: the Retry-After header value
	Body       string // for ErrorBody; for Status, the body (default {"message": status text})
}

// Item is one record served.
type Item struct {
	ID      int    `json:"id"`
	Updated string `json:"updated"`
	Title   string `json:"title"`
}

// Server is the fake API.
type Server struct {
	*httptest.Server
	Style    Style
	PageSize int

	mu       sync.Mutex
	items    []Item // ascending by ID (and Updated)
	faults   map[int]Fault
	n        int // requests to /items so far
	access   string
	refresh  string
	refreshN int
	base     time.Time
}

// New starts a server with n items, ids 1..n, updated one minute apart.
// Close it when done. With token != "", /items requires "Bearer <token>"
// and /token rotates tokens (refresh token "refresh-0" at first).
func New(style Style, n, pageSize int, token string) *Server {
	s := &Server{Style: style, PageSize: pageSize, faults: map[int]Fault{}, access: token, refresh: "refresh-0",
		base: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range n {
		s.addItem()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/items", s.serveItems)
	mux.HandleFunc("/token", s.serveToken)
	s.Server = httptest.NewServer(mux)
	return s
}

// At schedules fault f for the i-th request to /items (from 1).
func (s *Server) At(i int, f Fault) *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[i] = f
	return s
}

// Requests returns how many requests /items has received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Refreshes returns how many times /token issued a token.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshN
}

// Items returns a copy of the items currently served.
func (s *Server) Items() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.items)
}

// AddItems creates n more items (newer than all others).
func (s *Server) AddItems(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.addItem()
	}
}

func (s *Server) addItem() {
	id := len(s.items) + 1
	s.items = append(s.items, Item{ID: id, Updated: s.base.Add(time.Duration(id) * time.Minute).Format(time.RFC3339), Title: fmt.Sprintf("item %d", id)})
}

func (s *Server) serveItems(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.n++
	f, faulted := s.faults[s.n]
	if faulted && f.Kind == ExpireToken {
		s.access = "expired-" + strconv.Itoa(s.n)
	}
	if faulted && f.Kind == AddItem {
		s.addItem()
	}
	authorised := s.access == "" || r.Header.Get("Authorization") == "Bearer "+s.access
	s.mu.Unlock()
	if !authorised {
		writeJSON(w, http.StatusUnauthorized, `{"error":"invalid_token","error_description":"The access token expired"}`)
		return
	}
	if faulted && s.fail(w, r, f) {
		return
	}
	s.servePage(w, r, faulted && f.Kind == RepeatCursor, faulted && f.Kind == EmptyPage)
}

// fail writes a fault response and reports whether it did.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Fault) bool {
	return WriteFault(w, r, f)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// page is one page body.
type page struct {
	Items      []Item `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor,omitempty"`
	Next       string `json:"next,omitempty"`
	HasMore    bool   `json:"has_more"`
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request, repeat, empty bool) {
	s.mu.Lock()
	items, next, total := s.slice(r.URL.Query())
	s.mu.Unlock()
	if empty {
		items, next = nil, samePosition(r.URL)
	}
	if repeat {
		next = r.URL.Query()
	}
	p := page{Items: items, Total: total, HasMore: next != nil}
	if items == nil {
		p.Items = []Item{}
	}
	if next != nil {
		u := s.URL + "/items?" + next.Encode()
		switch s.Style {
		case Link:
			w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s/items>; rel="first"`, u, s.URL))
		case NextURL:
			p.Next = u
		case Cursor:
			p.NextCursor = next.Get("cursor")
		}
	}
	body, _ := json.Marshal(p)
	writeJSON(w, http.StatusOK, string(body))
}

// samePosition returns a query for the same position as q, spelled
// differently (so that it is not a repeated URL).
func samePosition(u *url.URL) url.Values {
	q := u.Query()
	q.Set("empty", "1")
	if c := q.Get("cursor"); c != "" {
		q.Set("cursor", c+"-e")
	}
	return q
}

// slice returns the page asked for by q, the query of the next page (nil
// at the end) and the total. Newest first, except Keyset (ascending).
func (s *Server) slice(q url.Values) ([]Item, url.Values, int) {
	desc := slices.Clone(s.items)
	slices.Reverse(desc)
	switch s.Style {
	case Keyset:
		return s.keyset(q)
	case Offset, Page:
		return s.counter(desc, q)
	}
	start := 0
	if c := strings.TrimSuffix(strings.TrimPrefix(q.Get("cursor"), "c"), "-e"); c != "" {
		below, _ := strconv.Atoi(c)
		start = slices.IndexFunc(desc, func(it Item) bool { return it.ID < below })
		if start < 0 {
			start = len(desc)
		}
	}
	end := min(start+s.PageSize, len(desc))
	page := desc[start:end]
	if end >= len(desc) {
		return page, nil, len(desc)
	}
	next := url.Values{"cursor": {"c" + strconv.Itoa(page[len(page)-1].ID)}}
	return page, next, len(desc)
}

func (s *Server) counter(desc []Item, q url.Values) ([]Item, url.Values, int) {
	start := 0
	next := url.Values{}
	if s.Style == Offset {
		start, _ = strconv.Atoi(q.Get("offset"))
	} else {
		p, _ := strconv.Atoi(q.Get("page"))
		start = (max(p, 1) - 1) * s.PageSize
	}
	start = min(start, len(desc))
	end := min(start+s.PageSize, len(desc))
	if s.Style == Offset {
		next.Set("offset", strconv.Itoa(end))
		next.Set("limit", strconv.Itoa(s.PageSize))
	} else {
		p, _ := strconv.Atoi(q.Get("page"))
		next.Set("page", strconv.Itoa(max(p, 1)+1))
		next.Set("per_page", strconv.Itoa(s.PageSize))
	}
	if end >= len(desc) {
		next = nil
	}
	return desc[start:end], next, len(desc)
}

func (s *Server) keyset(q url.Values) ([]Item, url.Values, int) {
	after := q.Get("search_after")
	start := 0
	if after != "" {
		start = slices.IndexFunc(s.items, func(it Item) bool { return it.Updated > after })
		if start < 0 {
			start = len(s.items)
		}
	}
	end := min(start+s.PageSize, len(s.items))
	return slices.Clone(s.items[start:end]), nil, len(s.items)
}

// serveToken is the OAuth2 refresh-token grant; it rotates both tokens.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != s.refresh {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant"}`)
		return
	}
	s.refreshN++
	s.access = "access-" + strconv.Itoa(s.refreshN)
	s.refresh = "refresh-" + strconv.Itoa(s.refreshN)
	writeJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":%q,"token_type":"bearer","expires_in":3600,"refresh_token":%q}`, s.access, s.refresh))
}
