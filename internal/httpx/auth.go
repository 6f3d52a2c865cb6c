package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/secret"
)

// Auth adds credentials to one attempt's request. Apply may be called
// concurrently and once per attempt.
type Auth interface {
	Apply(req *http.Request) error
}

// Refresher is an Auth whose credentials can be renewed. On a 401 the
// Client calls Refresh once per request and retries; a second 401 is
// final.
type Refresher interface {
	Auth
	Refresh(ctx context.Context) error
}

// redactable is an Auth that registers with the client's redactor every
// form in which its credentials leave hoard (a server may quote them back
// in an error body): base64 user:password for basic auth, each cookie of
// a Cookie header, URL-encoded values (the redactor adds those itself).
type redactable interface {
	redact(r *secret.Redactor)
}

func (b Bearer) redact(r *secret.Redactor) { r.Add(b.Token) }
func (b Basic) redact(r *secret.Redactor)  { r.AddBasic(b.User, b.Password) }
func (q Query) redact(r *secret.Redactor)  { r.Add(q.Value) }

func (h Header) redact(r *secret.Redactor) {
	if http.CanonicalHeaderKey(h.Name) == "Cookie" {
		r.AddCookie(h.Value)
		return
	}
	r.Add(h.Value)
}

// redact registers the client credentials in the form the token endpoint
// receives them; tokens are registered as they are obtained.
func (o *OAuth2) redact(r *secret.Redactor) {
	r.Add(o.ClientSecret)
	if o.AuthStyle != "post" {
		r.AddBasic(url.QueryEscape(o.ClientID), url.QueryEscape(o.ClientSecret))
	}
	o.mu.Lock()
	refresh := o.refresh
	o.mu.Unlock()
	r.Add(refresh, o.token.Get())
}

// Bearer sends "Authorization: Bearer <Token>".
type Bearer struct{ Token string }

// Apply sets the header.
func (b Bearer) Apply(req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+b.Token)
	return nil
}

// Basic sends HTTP basic credentials.
type Basic struct{ User, Password string }

// Apply sets the header.
func (b Basic) Apply(req *http.Request) error {
	req.SetBasicAuth(b.User, b.Password)
	return nil
}

// Header sends one header verbatim: an API key header, a Cookie copied from
// the browser's dev tools, any private API's token header.
type Header struct{ Name, Value string }

// Apply sets the header.
func (h Header) Apply(req *http.Request) error {
	req.Header.Set(h.Name, h.Value)
	return nil
}

// Query sends the credential as a query parameter (e.g. api_key=...).
type Query struct{ Param, Value string }

// Apply adds the parameter, replacing any value of the same name.
func (q Query) Apply(req *http.Request) error {
	v := req.URL.Query()
	v.Set(q.Param, q.Value)
	req.URL.RawQuery = v.Encode()
	return nil
}

// OAuth2 is the OAuth2 refresh-token flow (RFC 6749 section 6). It gets an
// access token from TokenURL with the refresh token when it has none, when
// it has expired, or when the API answers 401. When the server rotates the
// refresh token, Save is called with the new one before the access token
// is used; a Save error fails the request, because a lost rotated token
// locks the user out. Safe for concurrent use.
type OAuth2 struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	AuthStyle    string // "basic" (default): client credentials in the Authorization header; "post": in the form
	Scopes       []string
	Save         func(refreshToken string) error // persists a rotated refresh token
	HTTP         *http.Client                    // for the token endpoint; default: 60s timeout
	Clock        clock.Clock                     // default: clock.System
	Redactor     *secret.Redactor                // new tokens are added to it

	token   AccessToken
	mu      sync.Mutex // guards refresh; taken inside token's lock, never around it
	refresh string
}

// SetTokens sets the refresh token and, optionally, a current access token.
func (o *OAuth2) SetTokens(refreshToken, accessToken string) {
	o.mu.Lock()
	o.refresh = refreshToken
	o.mu.Unlock()
	o.token.Set(accessToken)
}

// Apply sets the bearer token, refreshing it first when needed.
func (o *OAuth2) Apply(req *http.Request) error {
	return o.token.Apply(req, o.now(), o.renew)
}

func (o *OAuth2) now() time.Time {
	if o.Clock == nil {
		return time.Now()
	}
	return o.Clock.Now()
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

// Refresh exchanges the refresh token for a new access token.
func (o *OAuth2) Refresh(ctx context.Context) error {
	return o.token.Renew(ctx, o.renew)
}

func (o *OAuth2) renew(ctx context.Context) (string, time.Time, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.refresh == "" {
		return "", time.Time{}, errors.New("oauth2: no refresh token in the secrets file")
	}
	tr, err := o.exchange(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	if o.Redactor != nil {
		o.Redactor.Add(tr.AccessToken, tr.RefreshToken)
	}
	if tr.RefreshToken != "" && tr.RefreshToken != o.refresh {
		if o.Save == nil {
			return "", time.Time{}, errors.New("oauth2: the server rotated the refresh token but there is nowhere to save it")
		}
		if err := o.Save(tr.RefreshToken); err != nil {
			return "", time.Time{}, fmt.Errorf("oauth2: saving the rotated refresh token: %w", err)
		}
		o.refresh = tr.RefreshToken
	}
	return tr.AccessToken, ExpiresIn(o.now(), tr.ExpiresIn), nil
}

func (o *OAuth2) exchange(ctx context.Context) (*tokenResponse, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {o.refresh}}
	if len(o.Scopes) > 0 {
		form.Set("scope", strings.Join(o.Scopes, " "))
	}
	if o.AuthStyle == "post" {
		form.Set("client_id", o.ClientID)
		if o.ClientSecret != "" {
			form.Set("client_secret", o.ClientSecret)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("oauth2: token_url: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", UserAgent())
	if o.AuthStyle != "post" {
		req.SetBasicAuth(url.QueryEscape(o.ClientID), url.QueryEscape(o.ClientSecret))
	}
	return o.post(req)
}

func (o *OAuth2) post(req *http.Request) (*tokenResponse, error) {
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout, CheckRedirect: sameOriginRedirect}
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("oauth2: refreshing the access token at %s: %w", req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("oauth2: reading the token response from %s: %w", req.URL.Redacted(), err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK || tr.Error != "" || tr.AccessToken == "" {
		return nil, fmt.Errorf("oauth2: refreshing the access token at %s failed: status %d %s %s (the refresh token may be revoked: authorise again and update the secrets file)",
			req.URL.Redacted(), resp.StatusCode, tr.Error, tr.Description)
	}
	if jsonErr != nil {
		return nil, fmt.Errorf("oauth2: token response from %s is not JSON: %v", req.URL.Redacted(), jsonErr)
	}
	return &tr, nil
}

// sameOriginRedirect follows a token endpoint's redirect only within its
// origin: a redirect would carry the client credentials (Go keeps
// Authorization across ports) and, with 307 or 308, the refresh token in
// the form.
func sameOriginRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if Origin(req.URL) != Origin(via[0].URL) {
		return fmt.Errorf("the token endpoint redirected to another origin (%s); not followed, so that the credentials stay with %s", Origin(req.URL), Origin(via[0].URL))
	}
	return nil
}
