// Package reddit is a local fake of Reddit's OAuth2 API (reddit.com/dev/api,
// github.com/reddit-archive/reddit/wiki/OAuth2): the token endpoint
// (/api/v1/access_token, client credentials in HTTP basic; the password
// grant of script apps and the refresh-token grant; a wrong password is a
// 200 {"error": "invalid_grant"}, wrong client credentials a 401), bearer
// access tokens that expire (401 {"message": "Unauthorized", "error":
// 401}), listings ({"kind": "Listing", "data": {"after", "children": [{"kind",
// "data"}]}}) with limit (default 25, at most 100) and after cursors that
// stop at 1000 items, HTML-escaped text unless raw_json=1, and the
// X-Ratelimit-Used/-Remaining/-Reset headers (remaining as a number with a
// fraction, reset in seconds; 429 once spent).
package reddit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Credentials the fake accepts.
const (
	ClientID     = "fakeClientID"
	ClientSecret = "fakeClientSecret"
	Username     = "alice_r"
	Password     = "hunter2-fake"
	RefreshToken = "fake-refresh-token"
)

// Cap is how many items a listing can reach.
const Cap = 1000

// Server is the fake: the API and the token endpoint on one host.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	clock  fakeapi.Clock
	Mu     sync.Mutex
	// Limit is the requests per 10-minute window.
	Limit     int
	used      int
	reset     time.Time
	TooMany   int
	access    map[string]time.Time // access token -> expiry
	Grants    []string             // grant_type of each token request
	Codes     []code               // authorization codes given out
	Requests  []string             // API requests that passed auth
	n         int                  // API requests
	ExpireAt  int                  // the API request (from 1) at which every access token expires
	LoopAfter bool                 // saved's second page hands out the same after again

	lists map[string][]map[string]any // listing name -> children, newest first
}

// Base is the time of the first item.
var Base = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// Counts are how many of each thing the account has.
type Counts struct{ Saved, Upvoted, Downvoted, Comments, Submitted, Subreddits int }

// New starts the fake. Saved items alternate links and comments.
func New(clock fakeapi.Clock, c Counts) *Server {
	s := &Server{clock: clock, Limit: 600, access: map[string]time.Time{}, lists: map[string][]map[string]any{}}
	for i := c.Saved; i >= 1; i-- {
		if i%2 == 0 {
			s.lists["saved"] = append(s.lists["saved"], comment(1000+i))
		} else {
			s.lists["saved"] = append(s.lists["saved"], link(1000+i))
		}
	}
	for name, n := range map[string]int{"upvoted": c.Upvoted, "downvoted": c.Downvoted, "submitted": c.Submitted} {
		off := map[string]int{"upvoted": 20000, "downvoted": 30000, "submitted": 40000}[name]
		for i := n; i >= 1; i-- {
			s.lists[name] = append(s.lists[name], link(off+i))
		}
	}
	for i := c.Comments; i >= 1; i-- {
		s.lists["comments"] = append(s.lists["comments"], comment(50000+i))
	}
	for i := c.Subreddits; i >= 1; i-- {
		s.lists["subscriber"] = append(s.lists["subscriber"], map[string]any{"kind": "t5", "data": map[string]any{
			"id": strconv.FormatInt(int64(60000+i), 36), "name": "t5_" + strconv.FormatInt(int64(60000+i), 36),
			"display_name": fmt.Sprintf("sub%d", i), "display_name_prefixed": fmt.Sprintf("r/sub%d", i), "url": fmt.Sprintf("/r/sub%d/", i),
			"public_description": "All about <things> & stuff", "subscribers": 100 + i, "created_utc": float64(Base.Unix() - int64(i)*86400)}})
	}
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

func id36(n int) string { return strconv.FormatInt(int64(n), 36) }

func link(n int) map[string]any {
	id := id36(n)
	return map[string]any{"kind": "t3", "data": map[string]any{"id": id, "name": "t3_" + id, "title": fmt.Sprintf("Post %d: <b>bold</b> & ünïcode", n),
		"selftext": fmt.Sprintf("Text of %d", n), "url": fmt.Sprintf("https://example.com/%d", n), "is_self": false,
		"permalink": fmt.Sprintf("/r/golang/comments/%s/post_%d/", id, n), "subreddit": "golang", "author": "someone",
		"created_utc": float64(Base.Unix() + int64(n)*60), "score": n % 97, "num_comments": 3}}
}

func comment(n int) map[string]any {
	id := id36(n)
	return map[string]any{"kind": "t1", "data": map[string]any{"id": id, "name": "t1_" + id, "body": fmt.Sprintf("Comment %d & <reply>", n),
		"link_title": fmt.Sprintf("Thread %d", n), "link_id": "t3_zzz", "permalink": fmt.Sprintf("/r/golang/comments/zzz/thread/%s/", id),
		"subreddit": "golang", "author": Username, "created_utc": float64(Base.Unix() + int64(n)*60), "score": 2}}
}

// Save adds a newly saved link (the newest save).
func (s *Server) Save(n int) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.lists["saved"] = append([]map[string]any{link(n)}, s.lists["saved"]...)
}

func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/access_token" {
		s.token(w, r)
		return
	}
	if r.URL.Path == "/api/v1/authorize" {
		s.authorize(w, r)
		return
	}
	s.Mu.Lock()
	s.n++
	if s.n == s.ExpireAt {
		s.access = map[string]time.Time{}
	}
	auth, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	exp, ok := s.access[auth]
	s.Mu.Unlock()
	if !ok || !s.clock.Now().Before(exp) {
		w.Header().Set("www-authenticate", `Bearer realm="reddit", error="invalid_token"`)
		write(w, 401, map[string]any{"message": "Unauthorized", "error": 401})
		return
	}
	if !s.spend(w) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests = append(s.Requests, r.URL.Path+"?"+r.URL.RawQuery)
	raw := r.URL.Query().Get("raw_json") == "1"
	p := r.URL.Path
	switch {
	case p == "/api/v1/me":
		write(w, 200, map[string]any{"name": Username, "id": "abc12", "created_utc": 1262304000.0, "link_karma": 73, "comment_karma": 48,
			"total_karma": 121, "subreddit": map[string]any{"display_name": "u_" + Username, "url": "/user/" + Username + "/"}})
	case p == "/api/multi/mine":
		write(w, 200, []map[string]any{{"kind": "LabeledMulti", "data": map[string]any{"name": "cs", "display_name": "cs", "path": "/user/" + Username + "/m/cs",
			"subreddits": []map[string]any{{"name": "golang"}, {"name": "rust"}}, "created_utc": 1410023947.0, "description_md": ""}}})
	case p == "/subreddits/mine/subscriber":
		s.listing(w, r, "subscriber", raw)
	case strings.HasPrefix(p, "/user/"+Username+"/"):
		name := strings.Trim(strings.TrimPrefix(p, "/user/"+Username+"/"), "/")
		if _, ok := s.lists[name]; !ok && name != "saved" && name != "upvoted" && name != "downvoted" && name != "comments" && name != "submitted" {
			write(w, 404, map[string]any{"message": "Not Found", "error": 404})
			return
		}
		s.listing(w, r, name, raw)
	case strings.HasPrefix(p, "/user/"):
		write(w, 403, map[string]any{"message": "Forbidden", "error": 403}) // another user's private listing
	default:
		write(w, 404, map[string]any{"message": "Not Found", "error": 404})
	}
}

// authorize is the authorization page as the user's browser meets it,
// approving at once: Reddit's parameters are checked (client_id,
// response_type=code, state, redirect_uri, duration, scope), and the
// browser is sent to redirect_uri with a one-time code and the state.
// Errors are shown as Reddit shows them: a page, no redirect.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("client_id") != ClientID:
		http.Error(w, "invalid client id", 400)
		return
	case q.Get("response_type") != "code" || q.Get("state") == "" || q.Get("scope") == "":
		http.Error(w, "invalid request", 400)
		return
	case !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:"):
		http.Error(w, "invalid redirect_uri parameter", 400)
		return
	}
	s.Mu.Lock()
	s.Codes = append(s.Codes, code{value: fmt.Sprintf("fake-code-%d", len(s.Codes)+1), redirect: q.Get("redirect_uri"), permanent: q.Get("duration") == "permanent"})
	c := s.Codes[len(s.Codes)-1]
	s.Mu.Unlock()
	http.Redirect(w, r, c.redirect+"?state="+url.QueryEscape(q.Get("state"))+"&code="+c.value, http.StatusFound)
}

// code is an authorization code the fake gave out.
type code struct {
	value, redirect string
	permanent, used bool
}

// exchange checks an authorization_code grant: a code given for this
// redirect URI, once. A permanent grant gets the refresh token.
func (s *Server) exchange(r *http.Request) (refresh string, ok bool) {
	for i := range s.Codes {
		c := &s.Codes[i]
		if c.value == r.PostForm.Get("code") && c.redirect == r.PostForm.Get("redirect_uri") && !c.used {
			c.used = true
			if c.permanent {
				return RefreshToken, true
			}
			return "", true
		}
	}
	return "", false
}

// token is the token endpoint: password, refresh_token and
// authorization_code grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok || id != ClientID || secret != ClientSecret {
		write(w, 401, map[string]any{"message": "Unauthorized", "error": 401})
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	grant := r.PostForm.Get("grant_type")
	s.Grants = append(s.Grants, grant)
	if grant == "authorization_code" {
		refresh, ok := s.exchange(r)
		if !ok {
			write(w, 200, map[string]any{"error": "invalid_grant"})
			return
		}
		tok := fmt.Sprintf("fake-access-%d", len(s.Grants))
		s.access[tok] = s.clock.Now().Add(24 * time.Hour)
		out := map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 86400, "scope": "identity history mysubreddits read"}
		if refresh != "" {
			out["refresh_token"] = refresh
		}
		write(w, 200, out)
		return
	}
	switch {
	case grant == "password" && r.PostForm.Get("username") == Username && r.PostForm.Get("password") == Password,
		grant == "refresh_token" && r.PostForm.Get("refresh_token") == RefreshToken:
	case grant == "password" || grant == "refresh_token":
		write(w, 200, map[string]any{"error": "invalid_grant"}) // as Reddit answers a wrong password
		return
	default:
		write(w, 200, map[string]any{"error": "unsupported_grant_type"})
		return
	}
	tok := fmt.Sprintf("fake-access-%d", len(s.Grants))
	s.access[tok] = s.clock.Now().Add(24 * time.Hour)
	write(w, 200, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 86400, "scope": "*"})
}

func (s *Server) spend(w http.ResponseWriter) bool {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	now := s.clock.Now()
	if !now.Before(s.reset) {
		s.used, s.reset = 0, now.Add(10*time.Minute)
	}
	h := w.Header()
	h.Set("X-Ratelimit-Reset", strconv.Itoa(int(s.reset.Sub(now).Seconds())))
	if s.used >= s.Limit {
		h.Set("X-Ratelimit-Remaining", "0.0")
		h.Set("X-Ratelimit-Used", strconv.Itoa(s.used))
		s.TooMany++
		write(w, 429, map[string]any{"message": "Too Many Requests", "error": 429})
		return false
	}
	s.used++
	h.Set("X-Ratelimit-Used", strconv.Itoa(s.used))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(s.Limit-s.used)+".0")
	return true
}

// listing serves one page of a listing after the "after" fullname.
func (s *Server) listing(w http.ResponseWriter, r *http.Request, name string, raw bool) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 25
	}
	limit = min(limit, 100)
	list := s.lists[name]
	if len(list) > Cap {
		list = list[:Cap]
	}
	start := 0
	if after := q.Get("after"); after != "" {
		start = len(list)
		for i, c := range list {
			if c["data"].(map[string]any)["name"] == after {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(list))
	children := make([]any, 0, end-start)
	for _, c := range list[start:end] {
		if raw {
			children = append(children, c)
		} else {
			children = append(children, escaped(c))
		}
	}
	var after any
	if end < len(list) {
		after = list[end-1]["data"].(map[string]any)["name"]
		if s.LoopAfter && name == "saved" && start > 0 {
			after = q.Get("after")
		}
	}
	write(w, 200, map[string]any{"kind": "Listing", "data": map[string]any{"after": after, "dist": len(children), "modhash": nil,
		"geo_filter": "", "children": children, "before": nil}})
}

var entities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escaped is how Reddit sends text without raw_json=1: &, < and > as
// HTML entities.
func escaped(c map[string]any) map[string]any {
	data := map[string]any{}
	for k, v := range c["data"].(map[string]any) {
		if s, ok := v.(string); ok {
			v = entities.Replace(s)
		}
		data[k] = v
	}
	return map[string]any{"kind": c["kind"], "data": data}
}
