package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// OAuth2 is the OAuth 2.0 side of a fake service: an authorization
// endpoint that checks the client, redirect URI, scope and state and
// redirects with a code (the "browser" of a test is an HTTP client
// following it), a token endpoint for the authorization-code grant (with
// PKCE when required) and the refresh-token grant (rotating the refresh
// token when Rotate is set), and bearer checking for the API.
//
// Client authentication at the token endpoint is checked the way the
// service documents it: ClientAuth "basic" (HTTP basic), "post" (in the
// form) or "either".
type OAuth2 struct {
	ClientID, ClientSecret string
	ClientAuth             string // basic, post or either
	Scope                  string // the scope the authorization request must ask for; "" any
	PKCE                   bool   // the authorization request must carry an S256 code_challenge
	Rotate                 bool   // every refresh issues a new refresh token
	ExpiresIn              int    // seconds; default 3600
	// Extra members of every token response (Strava's athlete and
	// expires_at, Monzo's user_id ...).
	Extra map[string]any
	// Unauthorized is the body of a 401 (the service's own error shape).
	Unauthorized string
	Clock        Clock

	mu       sync.Mutex
	refresh  string
	access   string
	expiry   time.Time
	n        int // tokens issued
	codes    map[string]grant
	checks   int // Authorized calls
	expireAt int // Authorized call at which the access token expires; 0 never
	// Counters, read with Counts.
	refreshes, exchanges int
	// AuthorizedAt is when the last authorization code was exchanged.
	authorizedAt time.Time
}

type grant struct {
	redirect, challenge string
}

// SetRefreshToken makes tok the valid refresh token (as if the user had
// authorised earlier) and invalidates the access token.
func (o *OAuth2) SetRefreshToken(tok string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refresh, o.access = tok, ""
}

// RefreshToken returns the currently valid refresh token.
func (o *OAuth2) RefreshToken() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refresh
}

// ExpireAt makes the access token expire at the n-th bearer check from
// now (1: the next request gets a 401).
func (o *OAuth2) ExpireAt(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.expireAt = o.checks + n
}

// Counts returns how many refresh and authorization-code grants were
// served.
func (o *OAuth2) Counts() (refreshes, exchanges int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refreshes, o.exchanges
}

// AuthorizedAt returns when the last authorization code was exchanged.
func (o *OAuth2) AuthorizedAt() time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.authorizedAt
}

func (o *OAuth2) now() time.Time {
	if o.Clock == nil {
		return time.Now()
	}
	return o.Clock.Now()
}

// Authorized reports whether r carries a valid access token; when not,
// it has answered 401 with the service's body.
func (o *OAuth2) Authorized(w http.ResponseWriter, r *http.Request) bool {
	o.mu.Lock()
	o.checks++
	if o.expireAt > 0 && o.checks >= o.expireAt {
		o.access, o.expireAt = "expired", 0
	}
	ok := o.access != "" && r.Header.Get("Authorization") == "Bearer "+o.access && o.now().Before(o.expiry)
	o.mu.Unlock()
	if !ok {
		body := o.Unauthorized
		if body == "" {
			body = `{"error":"invalid_token","error_description":"The access token expired"}`
		}
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, body)
	}
	return ok
}

// Authorize is the authorization endpoint (GET): it checks the request
// as the service would and redirects to redirect_uri with a code and the
// state, or with error=... for a bad request that still has a valid
// redirect URI.
func (o *OAuth2) Authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	switch {
	case q.Get("client_id") != o.ClientID:
		http.Error(w, "INVALID_CLIENT: Invalid client", http.StatusBadRequest)
		return
	case err != nil || ru.Scheme != "http" || ru.Hostname() != "127.0.0.1" || ru.Port() == "" || ru.Path != "/callback":
		http.Error(w, "INVALID_CLIENT: Invalid redirect URI", http.StatusBadRequest)
		return
	}
	back := func(v url.Values) {
		if s := q.Get("state"); s != "" {
			v.Set("state", s)
		}
		ru.RawQuery = v.Encode()
		http.Redirect(w, r, ru.String(), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		back(url.Values{"error": {"unsupported_response_type"}})
		return
	case o.Scope != "" && q.Get("scope") != o.Scope:
		back(url.Values{"error": {"invalid_scope"}})
		return
	case o.PKCE && (q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43):
		back(url.Values{"error": {"invalid_request"}, "error_description": {"code_challenge required"}})
		return
	case q.Get("deny") != "":
		back(url.Values{"error": {"access_denied"}})
		return
	}
	o.mu.Lock()
	if o.codes == nil {
		o.codes = map[string]grant{}
	}
	o.n++
	code := fmt.Sprintf("code-%d", o.n)
	o.codes[code] = grant{redirect: redirect, challenge: q.Get("code_challenge")}
	o.mu.Unlock()
	back(url.Values{"code": {code}})
}

// Token is the token endpoint (POST, form).
func (o *OAuth2) Token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_request"}`)
		return
	}
	if !o.clientOK(r) {
		writeJSON(w, http.StatusUnauthorized, `{"error":"invalid_client","error_description":"Invalid client"}`)
		return
	}
	f := r.PostForm
	o.mu.Lock()
	defer o.mu.Unlock()
	switch f.Get("grant_type") {
	case "refresh_token":
		if o.refresh == "" || f.Get("refresh_token") != o.refresh {
			writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"Invalid refresh token"}`)
			return
		}
		o.refreshes++
		o.issue(w, o.Rotate)
	case "authorization_code":
		g, ok := o.codes[f.Get("code")]
		delete(o.codes, f.Get("code")) // a code is good once
		switch {
		case !ok:
			writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"Invalid authorization code"}`)
		case f.Get("redirect_uri") != g.redirect:
			writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"Invalid redirect URI"}`)
		case o.PKCE && challenge(f.Get("code_verifier")) != g.challenge:
			writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"code_verifier was incorrect"}`)
		default:
			o.exchanges++
			o.authorizedAt = o.now()
			o.issue(w, true)
		}
	default:
		writeJSON(w, http.StatusBadRequest, `{"error":"unsupported_grant_type"}`)
	}
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (o *OAuth2) clientOK(r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	form := r.PostForm.Get("client_id") == o.ClientID && r.PostForm.Get("client_secret") == o.ClientSecret
	viaBasic := basic && id == o.ClientID && secret == o.ClientSecret
	switch o.ClientAuth {
	case "post":
		return form
	case "either":
		return form || viaBasic
	}
	return viaBasic
}

// issue writes a token response; o.mu is held.
func (o *OAuth2) issue(w http.ResponseWriter, newRefresh bool) {
	o.n++
	exp := o.ExpiresIn
	if exp <= 0 {
		exp = 3600
	}
	o.access = fmt.Sprintf("at-%d-%s", o.n, strings.Repeat("x", 16))
	o.expiry = o.now().Add(time.Duration(exp) * time.Second)
	resp := map[string]any{"access_token": o.access, "token_type": "Bearer", "expires_in": exp}
	if newRefresh {
		o.refresh = fmt.Sprintf("rt-%d-%s", o.n, strings.Repeat("y", 16))
	}
	resp["refresh_token"] = o.refresh
	for k, v := range o.Extra {
		resp[k] = v
	}
	b, _ := json.Marshal(resp)
	writeJSON(w, http.StatusOK, string(b))
}
