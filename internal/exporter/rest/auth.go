package rest

import (
	"context"
	"fmt"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
)

// Secrets keys read for each auth type (auth.secret renames the token key).
const (
	keyToken        = "token"
	keyUsername     = "username"
	keyPassword     = "password"
	keyCookie       = "cookie"
	keyClientID     = "client_id"
	keyClientSecret = "client_secret"
	keyRefresh      = "refresh_token"
	keyAccess       = "access_token"
)

// buildAuth makes the httpx.Auth of a source from its secrets file.
func buildAuth(ctx context.Context, a AuthParams, env *export.Env, clk clock.Clock) (httpx.Auth, error) {
	get := func(key string) (string, error) {
		v, ok := env.Secrets[key]
		if !ok || v == "" {
			return "", permanent("auth.type = %q needs key %q in the secrets file %s (set secrets = \"...\" in the source)", a.Type, key, orNone(env.SecretsPath))
		}
		return v, nil
	}
	tokenKey := a.Secret
	switch a.Type {
	case "", "none":
		return nil, nil
	case "cookie":
		if tokenKey == "" {
			tokenKey = keyCookie
		}
	case "basic":
		return basicAuth(get)
	case "oauth2":
		return oauth2Auth(a, env, clk, get)
	case "browser_cookie":
		return browserCookieAuth(ctx, a, env, clk)
	}
	if tokenKey == "" {
		tokenKey = keyToken
	}
	tok, err := get(tokenKey)
	if err != nil {
		return nil, err
	}
	switch a.Type {
	case "bearer":
		return httpx.Bearer{Token: tok}, nil
	case "header":
		return httpx.Header{Name: a.Header, Value: tok}, nil
	case "query":
		return httpx.Query{Param: a.Param, Value: tok}, nil
	}
	return httpx.Header{Name: "Cookie", Value: tok}, nil
}

func orNone(path string) string {
	if path == "" {
		return "(none configured)"
	}
	return path
}

func basicAuth(get func(string) (string, error)) (httpx.Auth, error) {
	u, err := get(keyUsername)
	if err != nil {
		return nil, err
	}
	p, err := get(keyPassword)
	if err != nil {
		return nil, err
	}
	return httpx.Basic{User: u, Password: p}, nil
}

func oauth2Auth(a AuthParams, env *export.Env, clk clock.Clock, get func(string) (string, error)) (httpx.Auth, error) {
	id, err := get(keyClientID)
	if err != nil {
		return nil, err
	}
	refresh, err := get(keyRefresh)
	if err != nil {
		return nil, err
	}
	o := &httpx.OAuth2{
		TokenURL: a.TokenURL, ClientID: id, ClientSecret: env.Secrets[keyClientSecret],
		AuthStyle: a.ClientAuth, Scopes: a.Scopes, Clock: clk, Redactor: env.Redactor,
		Save: func(tok string) error {
			if env.SecretsPath == "" {
				return fmt.Errorf("no secrets file to save the rotated refresh token to")
			}
			return httpx.SaveSecret(env.SecretsPath, keyRefresh, tok)
		},
	}
	o.SetTokens(refresh, env.Secrets[keyAccess])
	return o, nil
}
