// Package bluesky is a local fake of a Bluesky PDS's XRPC API
// (docs.bsky.app, atproto.com/specs/xrpc): com.atproto.server.createSession
// with an app password (401 AuthenticationRequired when wrong, 429
// RateLimitExceeded past 30 a window), refreshSession with the refresh
// JWT (which rotates it: the old one is then revoked), access JWTs that
// expire after two hours (400 {"error": "ExpiredToken"}, as the PDS
// answers, not 401), com.atproto.repo.listRecords (repo by handle or DID,
// limit 1 to 100, default 50, newest first, a cursor after every non-empty
// page and none after the empty last one), app.bsky.actor.getProfile
// (with auth, as the PDS proxies it to the AppView), and the ratelimit-*
// headers (limit, remaining, reset as Unix seconds, policy).
package bluesky

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// The account.
const (
	Handle      = "alice.bsky.social"
	DID         = "did:plc:fake7alicexyz2"
	AppPassword = "abcd-efgh-ijkl-mnop"
)

// Collections served.
const (
	Posts   = "app.bsky.feed.post"
	Likes   = "app.bsky.feed.like"
	Reposts = "app.bsky.feed.repost"
	Follows = "app.bsky.graph.follow"
)

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	clock  fakeapi.Clock
	Mu     sync.Mutex
	// Limit is the requests per 5-minute window.
	Limit          int
	used           int
	reset          time.Time
	Sessions       int // createSession calls that succeeded
	Refreshes      int // refreshSession calls that succeeded
	access         map[string]time.Time
	refresh        map[string]bool
	n              int // GET requests
	RevokeAt       int // the GET request (from 1) at which the access tokens are revoked
	LoopCursor     bool
	SessionLimited bool // createSession answers 429
	records        map[string][]map[string]any
}

// Base is the time of the oldest record.
var Base = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)

// New starts the fake with so many records of each collection.
func New(clock fakeapi.Clock, counts map[string]int) *Server {
	s := &Server{clock: clock, Limit: 3000, access: map[string]time.Time{}, refresh: map[string]bool{}, records: map[string][]map[string]any{}}
	for coll, n := range counts {
		for range n {
			s.Add(coll)
		}
	}
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

// TID returns the record key of a time: 53 bits of microseconds and 10
// of clock id, in base32-sortable (atproto.com/specs/tid).
func TID(t time.Time, clockID int) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	v := uint64(t.UnixMicro())<<10 | uint64(clockID&1023)
	b := make([]byte, 13)
	for i := 12; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	return string(b)
}

// Add creates a record in coll, newer than all others.
func (s *Server) Add(coll string) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	n := len(s.records[coll]) + 1
	at := Base.Add(time.Duration(n) * time.Hour)
	rkey := TID(at, 7)
	value := map[string]any{"$type": coll, "createdAt": at.Format("2006-01-02T15:04:05.000Z")}
	switch coll {
	case Posts:
		value["text"], value["langs"] = fmt.Sprintf("post %d — ünïcode 🦋", n), []string{"en"}
	case Likes, Reposts:
		value["subject"] = map[string]any{"uri": fmt.Sprintf("at://did:plc:bob/app.bsky.feed.post/%s", TID(at, 3)), "cid": "bafyreib" + strconv.Itoa(n)}
	case Follows:
		value["subject"] = fmt.Sprintf("did:plc:friend%d", n)
	}
	rec := map[string]any{"uri": "at://" + DID + "/" + coll + "/" + rkey, "cid": fmt.Sprintf("bafyrei%s%d", coll[len(coll)-4:], n), "value": value}
	s.records[coll] = append([]map[string]any{rec}, s.records[coll]...)
}

func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func xrpcError(w http.ResponseWriter, status int, name, msg string) {
	write(w, status, map[string]string{"error": name, "message": msg})
}

// jwt makes a token with the claims the PDS puts in one (not signed for
// real: the fake only compares the whole string).
func (s *Server) jwt(scope string, life time.Duration, n int) string {
	enc := base64.RawURLEncoding
	now := s.clock.Now()
	claims, _ := json.Marshal(map[string]any{"scope": scope, "sub": DID, "iat": now.Unix(), "exp": now.Add(life).Unix(), "jti": strconv.Itoa(n)})
	return enc.EncodeToString([]byte(`{"typ":"at+jwt","alg":"HS256"}`)) + "." + enc.EncodeToString(claims) + ".c2lnbmF0dXJl" + strconv.Itoa(n)
}

func (s *Server) session(w http.ResponseWriter) {
	n := s.Sessions + s.Refreshes
	acc, ref := s.jwt("com.atproto.appPass", 2*time.Hour, n), s.jwt("com.atproto.refresh", 90*24*time.Hour, n)
	s.access[acc] = s.clock.Now().Add(2 * time.Hour)
	s.refresh[ref] = true
	write(w, 200, map[string]any{"did": DID, "handle": Handle, "accessJwt": acc, "refreshJwt": ref, "active": true,
		"didDoc": map[string]any{"id": DID, "service": []map[string]any{{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": s.URL}}}})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !s.spend(w) {
		return
	}
	bearer, hasAuth := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch r.URL.Path {
	case "/xrpc/com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
			xrpcError(w, 400, "InvalidRequest", "Input must be a JSON object with identifier and password")
			return
		}
		if s.SessionLimited {
			xrpcError(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
			return
		}
		if (in.Identifier != Handle && in.Identifier != DID) || in.Password != AppPassword {
			xrpcError(w, 401, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		s.Sessions++
		s.session(w)
		return
	case "/xrpc/com.atproto.server.refreshSession":
		if r.Method != http.MethodPost || !s.refresh[bearer] {
			xrpcError(w, 400, "ExpiredToken", "Token has been revoked")
			return
		}
		delete(s.refresh, bearer) // rotated
		s.Refreshes++
		s.session(w)
		return
	}
	s.n++
	if s.n == s.RevokeAt {
		s.access = map[string]time.Time{}
	}
	if exp, ok := s.access[bearer]; hasAuth && (!ok || !s.clock.Now().Before(exp)) {
		xrpcError(w, 400, "ExpiredToken", "Token has expired")
		return
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/xrpc/app.bsky.actor.getProfile":
		if !hasAuth {
			xrpcError(w, 401, "AuthMissing", "Authentication Required")
			return
		}
		if a := q.Get("actor"); a != Handle && a != DID {
			xrpcError(w, 400, "InvalidRequest", "Profile not found")
			return
		}
		write(w, 200, map[string]any{"did": DID, "handle": Handle, "displayName": "Alice 🦋", "description": "hello from the fake",
			"followersCount": 12, "followsCount": len(s.records[Follows]), "postsCount": len(s.records[Posts]), "createdAt": "2023-05-01T00:00:00.000Z"})
	case "/xrpc/com.atproto.repo.listRecords":
		s.list(w, q.Get("repo"), q.Get("collection"), q.Get("limit"), q.Get("cursor"))
	default:
		xrpcError(w, 501, "MethodNotImplemented", "Method Not Implemented")
	}
}

func (s *Server) spend(w http.ResponseWriter) bool {
	now := s.clock.Now()
	if !now.Before(s.reset) {
		s.used, s.reset = 0, now.Add(5*time.Minute)
	}
	h := w.Header()
	h.Set("ratelimit-limit", strconv.Itoa(s.Limit))
	h.Set("ratelimit-reset", strconv.FormatInt(s.reset.Unix(), 10))
	h.Set("ratelimit-policy", strconv.Itoa(s.Limit)+";w=300")
	if s.used >= s.Limit {
		h.Set("ratelimit-remaining", "0")
		xrpcError(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
		return false
	}
	s.used++
	h.Set("ratelimit-remaining", strconv.Itoa(s.Limit-s.used))
	return true
}

// list is listRecords: newest first, after the cursor (an rkey).
func (s *Server) list(w http.ResponseWriter, repo, coll, limitS, cursor string) {
	if repo != Handle && repo != DID {
		xrpcError(w, 400, "InvalidRequest", "Could not find repo: "+repo)
		return
	}
	limit := 50
	if limitS != "" {
		n, err := strconv.Atoi(limitS)
		if err != nil || n < 1 || n > 100 {
			xrpcError(w, 400, "InvalidRequest", "limit must be <= 100")
			return
		}
		limit = n
	}
	recs := s.records[coll]
	start := 0
	if cursor != "" {
		start = slices.IndexFunc(recs, func(r map[string]any) bool { return rkey(r) < cursor })
		if start < 0 {
			start = len(recs)
		}
	}
	page := recs[start:min(start+limit, len(recs))]
	body := map[string]any{"records": page}
	if page == nil {
		body["records"] = []any{}
	}
	if len(page) > 0 {
		body["cursor"] = rkey(page[len(page)-1])
		if s.LoopCursor && cursor != "" {
			body["cursor"] = cursor
		}
	}
	write(w, 200, body)
}

func rkey(r map[string]any) string {
	u := r["uri"].(string)
	return u[strings.LastIndexByte(u, '/')+1:]
}
