// Package authflow runs OAuth 2.0's authorization-code flow for a program
// on the user's own machine (RFC 6749 section 4.1, RFC 8252): the user's
// browser is sent to the service's authorization page, the service
// redirects it to a listener on the loopback interface (127.0.0.1), and
// the code it brings is exchanged for tokens at the token endpoint.
//
// The state parameter is random and checked (a redirect with another
// state ends the flow: it is not ours); with PKCE (RFC 7636) the code is
// bound to a random verifier sent only in the exchange. Nothing secret
// appears in the authorization URL. The listener accepts one redirect and
// closes.
package authflow

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// CallbackPath is the path of the redirect URI.
const CallbackPath = "/callback"

// Flow is one authorization.
type Flow struct {
	AuthURL, TokenURL      string
	ClientID, ClientSecret string
	Scope                  string            // as the service spells it; "" for none
	ClientAuth             string            // "basic" (default) or "post"
	PKCE                   bool              // send an S256 code challenge
	Params                 map[string]string // extra authorization parameters
	Port                   int               // loopback port; 0 for any free one
	// Open shows the authorization URL to the user (and may start a
	// browser). Required.
	Open func(authURL string) error
	// Paste, if set, is read for a redirected URL pasted by a user whose
	// browser cannot reach this machine's loopback interface.
	Paste io.Reader
	// HTTP is the client for the token endpoint; default: 60 s timeout.
	HTTP *http.Client
	// Timeout bounds the wait for the browser; default 10 minutes.
	Timeout time.Duration
	// UserAgent is sent to the token endpoint.
	UserAgent string
}

// Token is what the token endpoint answered.
type Token struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
}

// RedirectURI returns the redirect URI for a port.
func RedirectURI(port int) string { return fmt.Sprintf("http://127.0.0.1:%d%s", port, CallbackPath) }

// Run runs the flow and returns the tokens. It fails, saying why, when
// the port is taken, when the service refuses (access_denied ...), when a
// redirect carries another state, when the wait times out or ctx ends,
// and when the exchange fails or brings no refresh token.
func (f *Flow) Run(ctx context.Context) (*Token, error) {
	if f.Open == nil || f.AuthURL == "" || f.TokenURL == "" || f.ClientID == "" {
		return nil, errors.New("authflow: AuthURL, TokenURL, ClientID and Open are required")
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", f.Port))
	if err != nil {
		if f.Port != 0 {
			return nil, fmt.Errorf("cannot listen on 127.0.0.1:%d for the redirect (%v): stop what uses it, or pass --port N and register http://127.0.0.1:N%s with the service", f.Port, err, CallbackPath)
		}
		return nil, fmt.Errorf("cannot listen on the loopback interface for the redirect: %w", err)
	}
	redirect := RedirectURI(ln.Addr().(*net.TCPAddr).Port)
	state, verifier := random(32), random(48)
	authURL, err := f.authorizationURL(redirect, state, verifier)
	if err != nil {
		ln.Close()
		return nil, err
	}
	results := make(chan result, 2)
	srv := &http.Server{Handler: callback(state, results), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	if err := f.Open(authURL); err != nil {
		return nil, err
	}
	if f.Paste != nil {
		go readPasted(f.Paste, state, results)
	}
	code, err := f.wait(ctx, results)
	if err != nil {
		return nil, err
	}
	return f.exchange(ctx, code, redirect, verifier)
}

// random returns n random bytes, base64url without padding.
func random(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (f *Flow) authorizationURL(redirect, state, verifier string) (string, error) {
	u, err := url.Parse(f.AuthURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("authorization URL %q is not a URL", f.AuthURL)
	}
	q := u.Query()
	for k, v := range f.Params {
		q.Set(k, v)
	}
	q.Set("response_type", "code")
	q.Set("client_id", f.ClientID)
	q.Set("redirect_uri", redirect)
	q.Set("state", state)
	if f.Scope != "" {
		q.Set("scope", f.Scope)
	}
	if f.PKCE {
		sum := sha256.Sum256([]byte(verifier))
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// result is what one redirect brought: a code, or why not.
type result struct {
	code string
	err  error
}

// callback handles the redirect: the first one with our state (or any
// error) is the result; the browser is told what happened.
func callback(state string, results chan<- result) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		res := parseRedirect(r.URL.Query(), state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<!doctype html><title>hoard</title><p>Authorization failed: %s</p><p>See the terminal.</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<!doctype html><title>hoard</title><p>hoard has the authorization. You can close this tab and return to the terminal.</p>")
		}
		select {
		case results <- res:
		default:
		}
	})
	return mux
}

// parseRedirect reads a redirect's query.
func parseRedirect(q url.Values, state string) result {
	switch {
	case q.Get("state") != state:
		return result{err: errors.New("the redirect carries a state that is not this run's (an old tab, or a forged request); nothing was saved: run hoard auth again")}
	case q.Get("error") != "":
		msg := q.Get("error")
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		return result{err: fmt.Errorf("the service did not authorise: %s", msg)}
	case q.Get("code") == "":
		return result{err: errors.New("the redirect carries no code")}
	}
	return result{code: q.Get("code")}
}

// readPasted reads lines until one is a redirected URL.
func readPasted(r io.Reader, state string, results chan<- result) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		u, err := url.Parse(line)
		if line == "" || err != nil || u.Query().Get("state") == "" && u.Query().Get("error") == "" {
			continue
		}
		select {
		case results <- parseRedirect(u.Query(), state):
		default:
		}
		return
	}
}

func (f *Flow) wait(ctx context.Context, results <-chan result) (string, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res := <-results:
		return res.code, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C:
		return "", fmt.Errorf("no redirect from the browser within %s: run hoard auth again", timeout)
	}
}

// exchange trades the code for tokens.
func (f *Flow) exchange(ctx context.Context, code, redirect, verifier string) (*Token, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
	if f.PKCE {
		form.Set("code_verifier", verifier)
	}
	if f.ClientAuth == "post" {
		form.Set("client_id", f.ClientID)
		form.Set("client_secret", f.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("token URL %q: %w", f.TokenURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	if f.ClientAuth != "post" {
		req.SetBasicAuth(url.QueryEscape(f.ClientID), url.QueryEscape(f.ClientSecret))
	}
	hc := f.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("exchanging the code at %s: %w", req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the token response of %s: %w", req.URL.Redacted(), err)
	}
	var tok Token
	var fail struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	jsonErr := json.Unmarshal(body, &tok)
	json.Unmarshal(body, &fail)
	switch {
	case resp.StatusCode != http.StatusOK || fail.Error != "":
		return nil, fmt.Errorf("the token endpoint %s refused the code: status %d %s %s (check the client id and secret, and that the redirect URI registered with the service is %s)",
			req.URL.Redacted(), resp.StatusCode, fail.Error, fail.Description, redirect)
	case jsonErr != nil:
		return nil, fmt.Errorf("the token response of %s is not JSON: %v", req.URL.Redacted(), jsonErr)
	case tok.AccessToken == "":
		return nil, fmt.Errorf("the token response of %s has no access_token", req.URL.Redacted())
	case tok.RefreshToken == "":
		return nil, fmt.Errorf("the token response of %s has no refresh_token, so hoard could not run on its own later (Monzo: only confidential clients get one)", req.URL.Redacted())
	}
	return &tok, nil
}
