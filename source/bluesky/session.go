package bluesky

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/secret"
)

// keyPassword is the secrets key of the app password.
const keyPassword = "password"

// session signs in with com.atproto.server.createSession and sends the
// access JWT as a bearer token. It renews it before it expires (its exp
// claim), and when the PDS says it has expired: with
// com.atproto.server.refreshSession (which rotates the refresh JWT),
// falling back to a new session. Safe for concurrent use.
type session struct {
	base, user, password string
	clock                clock.Clock
	redactor             *secret.Redactor
	hc                   *http.Client

	token   httpx.AccessToken
	refresh string // touched only by renew, under token's lock
}

func newSession(env *export.Env, base, user string, clk clock.Clock) (httpx.Auth, error) {
	pw := env.Secrets[keyPassword]
	if pw == "" {
		where := env.SecretsPath
		if where == "" {
			where = "(none configured: set secrets = \"...\" in the source)"
		}
		return nil, export.Permanent(fmt.Errorf("bluesky needs key %q (an app password) in the secrets file %s", keyPassword, where))
	}
	if clk == nil {
		clk = clock.System
	}
	return &session{base: base, user: user, password: pw, clock: clk, redactor: env.Redactor, hc: &http.Client{Timeout: httpx.DefaultTimeout}}, nil
}

// Apply sets the bearer token, signing in or renewing first when needed.
func (s *session) Apply(req *http.Request) error {
	return s.token.Apply(req, s.clock.Now(), s.renew)
}

// Refresh renews the session.
func (s *session) Refresh(ctx context.Context) error {
	return s.token.Renew(ctx, s.renew)
}

// renew calls refreshSession when there is a refresh token, else (or when
// that fails) createSession.
func (s *session) renew(ctx context.Context) (string, time.Time, error) {
	if s.refresh != "" {
		access, expiry, err := s.call(ctx, "com.atproto.server.refreshSession", nil, s.refresh)
		if err == nil {
			return access, expiry, nil
		}
		var xe *xrpcError
		if !errors.As(err, &xe) {
			return "", time.Time{}, err
		}
		s.refresh = "" // expired or revoked: sign in again
	}
	body, _ := json.Marshal(map[string]string{"identifier": s.user, "password": s.password})
	return s.call(ctx, "com.atproto.server.createSession", body, "")
}

// xrpcError is an error the PDS answered with, {"error": "...", "message": "..."}.
type xrpcError struct {
	Status  int
	Name    string `json:"error"`
	Message string `json:"message"`
}

func (e *xrpcError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Name, e.Message) }

// call posts to a session method, keeps the refresh token it returns and
// returns the access token and its expiry.
func (s *session) call(ctx context.Context, method string, body []byte, bearer string) (string, time.Time, error) {
	u := s.base + "/xrpc/" + method
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", time.Time{}, export.Permanent(fmt.Errorf("bluesky: %s: %w", method, err))
	}
	req.Header.Set("User-Agent", httpx.UserAgent())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", time.Time{}, fmt.Errorf("bluesky: %s at %s: %w", method, s.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("bluesky: reading the answer of %s: %w", method, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", time.Time{}, s.failure(method, resp, b)
	}
	var out struct{ AccessJwt, RefreshJwt string }
	if err := json.Unmarshal(b, &out); err != nil || out.AccessJwt == "" || out.RefreshJwt == "" {
		return "", time.Time{}, fmt.Errorf("bluesky: %s answered without the tokens (%d bytes)", method, len(b))
	}
	s.redactor.Add(out.AccessJwt, out.RefreshJwt)
	s.refresh = out.RefreshJwt
	return out.AccessJwt, expiryOf(out.AccessJwt), nil
}

// failure explains a session method's error answer.
func (s *session) failure(method string, resp *http.Response, b []byte) error {
	xe := &xrpcError{Status: resp.StatusCode}
	json.Unmarshal(b, xe)
	switch {
	case method == "com.atproto.server.refreshSession" && resp.StatusCode == http.StatusBadRequest,
		method == "com.atproto.server.refreshSession" && resp.StatusCode == http.StatusUnauthorized:
		return xe // sign in again
	case xe.Name == "AuthFactorTokenRequired":
		return export.Permanent(fmt.Errorf("bluesky: %s asks for a sign-in code: use an app password (https://bsky.app/settings/app-passwords), not the account's password", s.user))
	case resp.StatusCode == http.StatusUnauthorized:
		return export.Permanent(fmt.Errorf("bluesky: %s did not accept the app password for %s (%s): check user and the secrets file", s.base, s.user, xe))
	case resp.StatusCode == http.StatusTooManyRequests:
		when := ""
		if t, ok := httpx.ParseReset(resp.Header.Get("ratelimit-reset"), "epoch", s.clock.Now()); ok {
			when = " after " + t.UTC().Format(time.RFC3339)
		}
		return export.Permanent(fmt.Errorf("bluesky: signing in is rate limited (%s allows about 30 sign-ins per 5 minutes and 300 a day): try again%s", s.base, when))
	case resp.StatusCode >= 500:
		return fmt.Errorf("bluesky: %s answered %s", method, xe)
	}
	return export.Permanent(fmt.Errorf("bluesky: %s answered %s", method, xe))
}

// expiryOf reads the exp claim of a JWT, less a minute so that a token
// never expires mid-request; zero when it has none.
func expiryOf(jwt string) time.Time {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(b, &c) != nil || c.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(c.Exp, 0).Add(-time.Minute)
}
