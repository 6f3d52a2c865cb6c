package reddit

import (
	"context"
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
	"github.com/hoard-dev/hoard/jsonpath"
	"github.com/hoard-dev/hoard/secret"
)

// Secrets keys. They are the keys an OAuth2 authorization-code flow
// writes (client_id, client_secret, refresh_token), or, for a "script"
// app, the account's own username and password.
const (
	keyClientID     = "client_id"
	keyClientSecret = "client_secret"
	keyRefresh      = "refresh_token"
	keyAccess       = "access_token"
	keyUsername     = "username"
	keyPassword     = "password"
)

// newAuth builds one run's credentials from the secrets: the
// refresh-token flow when there is a refresh token, else the password
// grant of a script app.
func newAuth(env *export.Env, tokenURL string, clk clock.Clock) (httpx.Auth, error) {
	s := env.Secrets
	missing := func(keys ...string) error {
		return export.Permanent(fmt.Errorf("reddit needs %s in the secrets file %s (see docs/sources/reddit.md)", strings.Join(keys, ", "), orNone(env.SecretsPath)))
	}
	if s[keyClientID] == "" {
		return nil, missing(keyClientID, keyClientSecret, keyRefresh+" (or "+keyUsername+" and "+keyPassword+")")
	}
	if s[keyRefresh] != "" {
		o := &httpx.OAuth2{TokenURL: tokenURL, ClientID: s[keyClientID], ClientSecret: s[keyClientSecret], Clock: clk, Redactor: env.Redactor,
			Save: func(tok string) error {
				if env.SecretsPath == "" {
					return errors.New("no secrets file to save the rotated refresh token to")
				}
				return httpx.SaveSecret(env.SecretsPath, keyRefresh, tok)
			}}
		o.SetTokens(s[keyRefresh], s[keyAccess])
		return o, nil
	}
	if s[keyUsername] == "" || s[keyPassword] == "" {
		return nil, missing(keyRefresh + " (an installed or web app: 'hoard auth " + env.Source + "' gets one), or " + keyUsername + " and " + keyPassword + " (a script app)")
	}
	return &passwordGrant{tokenURL: tokenURL, clientID: s[keyClientID], clientSecret: s[keyClientSecret],
		username: s[keyUsername], password: s[keyPassword], clock: clk, redactor: env.Redactor}, nil
}

func orNone(path string) string {
	if path == "" {
		return "(none configured: set secrets = \"...\" in the source)"
	}
	return path
}

// passwordGrant is the OAuth2 password grant (RFC 6749 section 4.3) that
// Reddit offers "script" apps: the account's own user name and password
// for an access token, again whenever it expires or a 401 says so. Safe
// for concurrent use.
type passwordGrant struct {
	tokenURL, clientID, clientSecret, username, password string
	clock                                                clock.Clock
	redactor                                             *secret.Redactor
	token                                                httpx.AccessToken
}

func (g *passwordGrant) now() time.Time {
	if g.clock == nil {
		return time.Now()
	}
	return g.clock.Now()
}

// Apply sets the bearer token, getting one first when needed.
func (g *passwordGrant) Apply(req *http.Request) error {
	return g.token.Apply(req, g.now(), g.grant)
}

// Refresh gets a new access token.
func (g *passwordGrant) Refresh(ctx context.Context) error {
	return g.token.Renew(ctx, g.grant)
}

func (g *passwordGrant) grant(ctx context.Context) (string, time.Time, error) {
	form := url.Values{"grant_type": {"password"}, "username": {g.username}, "password": {g.password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", time.Time{}, export.Permanent(fmt.Errorf("reddit: token_url: %w", err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", httpx.UserAgent())
	req.SetBasicAuth(g.clientID, g.clientSecret)
	resp, err := (&http.Client{Timeout: httpx.DefaultTimeout}).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", time.Time{}, fmt.Errorf("reddit: getting an access token from %s: %w", g.tokenURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("reddit: reading the token response from %s: %w", g.tokenURL, err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       any    `json:"error"`
	}
	jsonErr := json.Unmarshal(body, &tr)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return "", time.Time{}, export.Permanent(fmt.Errorf("reddit: %s refused the app's client_id and client_secret (401): check them at https://www.reddit.com/prefs/apps", g.tokenURL))
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return "", time.Time{}, fmt.Errorf("reddit: the token endpoint %s answered %d", g.tokenURL, resp.StatusCode)
	case tr.Error == "invalid_grant":
		return "", time.Time{}, export.Permanent(errors.New("reddit: the username or password was not accepted (invalid_grant); for an account with two-factor authentication, use a refresh token instead"))
	case resp.StatusCode != http.StatusOK || jsonErr != nil || tr.Error != nil || tr.AccessToken == "":
		return "", time.Time{}, export.Permanent(fmt.Errorf("reddit: the token endpoint %s answered %d %.200s", g.tokenURL, resp.StatusCode, g.redactor.Bytes(body)))
	}
	if g.redactor != nil {
		g.redactor.Add(tr.AccessToken)
	}
	return tr.AccessToken, httpx.ExpiresIn(g.now(), tr.ExpiresIn), nil
}

// wrapKind returns a Wrap that makes an item of rexport a thing of kind:
// {"kind": kind, "data": item}.
func wrapKind(kind string) func([]byte) ([]byte, error) {
	head := `{"kind":"` + kind + `","data":`
	return func(raw []byte) ([]byte, error) {
		return append(append([]byte(head), raw...), '}'), nil
	}
}

var namePath = jsonpath.MustParse("name")

// wrapThing makes an item of rexport a thing, its kind (t1, t3, t4, t5)
// from its fullname's prefix ("t3_abc12"): {"kind": "t3", "data": item}.
func wrapThing(raw []byte) ([]byte, error) {
	if v, ok := namePath.Lookup(raw); ok {
		if name, ok := jsonpath.Scalar(v); ok {
			if kind, _, found := strings.Cut(name, "_"); found && len(kind) == 2 && kind[0] == 't' {
				return wrapKind(kind)(raw)
			}
		}
	}
	return append(append([]byte(`{"data":`), raw...), '}'), nil
}
