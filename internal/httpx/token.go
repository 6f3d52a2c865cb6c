package httpx

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// AccessToken is the bearer token of an Auth that obtains its own: OAuth2
// with its refresh grant, a source's password grant or sign-in session.
// It is sent until it expires, then renewed; the Client renews it on a
// 401 through the Auth's Refresh. Renewals are serialised: the renew
// function runs under the token's lock, so state that only renewals touch
// (a rotating refresh token) needs no lock of its own. The zero value has
// no token. Safe for concurrent use.
type AccessToken struct {
	mu     sync.Mutex
	token  string
	expiry time.Time // zero: unknown, used until a 401
}

// RenewFunc obtains a new access token and the time it expires (zero:
// unknown).
type RenewFunc func(ctx context.Context) (token string, expiry time.Time, err error)

// Set sets the token, with no known expiry (one from the secrets file).
func (t *AccessToken) Set(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token, t.expiry = token, time.Time{}
}

// Get returns the token, "" when there is none yet.
func (t *AccessToken) Get() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.token
}

// Apply sets "Authorization: Bearer <token>" on req, renewing the token
// first when there is none or it has expired by now. Requests that find
// it expired together wait for one renewal.
func (t *AccessToken) Apply(req *http.Request, now time.Time, renew RenewFunc) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == "" || !t.expiry.IsZero() && !now.Before(t.expiry) {
		tok, exp, err := renew(req.Context())
		if err != nil {
			return err
		}
		t.token, t.expiry = tok, exp
	}
	req.Header.Set("Authorization", "Bearer "+t.token)
	return nil
}

// Renew calls renew and keeps the token it returns; when renew fails the
// token stays as it was.
func (t *AccessToken) Renew(ctx context.Context, renew RenewFunc) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	tok, exp, err := renew(ctx)
	if err != nil {
		return err
	}
	t.token, t.expiry = tok, exp
	return nil
}

// ExpiresIn is when a token that lives for the given seconds from now (an
// OAuth2 expires_in) is renewed: 30 seconds early, so that it never
// expires mid-request. Zero (unknown) when seconds is not positive.
func ExpiresIn(now time.Time, seconds int64) time.Time {
	if seconds <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(seconds)*time.Second - 30*time.Second)
}
