package httpx

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/secret"
)

// oauthServer is an API plus token endpoint: the API accepts only the
// current access token; the token endpoint rotates both tokens.
type oauthServer struct {
	mu        sync.Mutex
	style     string // "basic" or "post": where client credentials must be
	access    string
	refresh   string
	refreshes int
	apiCalls  int
}

func (s *oauthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/token" {
		s.token(w, r)
		return
	}
	s.apiCalls++
	if r.Header.Get("Authorization") != "Bearer "+s.access {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"token expired"}`)
		return
	}
	fmt.Fprint(w, `{"ok":true}`)
}

func (s *oauthServer) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, sec, basic := r.BasicAuth()
	if s.style == "post" {
		id, sec, basic = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), false
	}
	if basic != (s.style == "basic") || id != "cid" || sec != "csecret" ||
		r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != s.refresh {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"bad refresh token or client"}`)
		return
	}
	s.refreshes++
	s.access = fmt.Sprintf("access-%d", s.refreshes)
	s.refresh = fmt.Sprintf("refresh-%d", s.refreshes)
	json.NewEncoder(w).Encode(map[string]any{"access_token": s.access, "token_type": "bearer", "expires_in": 3600, "refresh_token": s.refresh})
}

func TestOAuth2RefreshOnExpiredToken(t *testing.T) {
	for _, style := range []string{"basic", "post"} {
		t.Run(style, func(t *testing.T) {
			fake := &oauthServer{style: style, access: "access-live", refresh: "refresh-0"}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			path := filepath.Join(t.TempDir(), "secrets.toml")
			os.WriteFile(path, []byte("client_id = \"cid\"\nclient_secret = \"csecret\"\nrefresh_token = \"refresh-0\"\naccess_token = \"stale\"\n"), 0o600)
			red := &secret.Redactor{}
			o := &OAuth2{TokenURL: srv.URL + "/token", ClientID: "cid", ClientSecret: "csecret", AuthStyle: style,
				Redactor: red, Save: func(tok string) error { return SaveSecret(path, "refresh_token", tok) }}
			o.SetTokens("refresh-0", "stale") // the saved access token has expired
			c := newClient(newFakeClock(), Options{Auth: o, Redactor: red})
			resp, err := get(t, c, srv.URL+"/api", nil)
			if err != nil || resp.Status != 200 {
				t.Fatalf("resp %v err %v", resp, err)
			}
			if fake.refreshes != 1 || fake.apiCalls != 2 {
				t.Fatalf("%d refreshes, %d API calls; want 1 and 2", fake.refreshes, fake.apiCalls)
			}
			s, err := secret.Load(path)
			if err != nil || s["refresh_token"] != "refresh-1" || s["client_id"] != "cid" {
				t.Fatalf("rotated token not saved: %v %v", s, err)
			}
			if red.String("x refresh-1 access-1") != "x [REDACTED] [REDACTED]" {
				t.Fatal("new tokens not registered for redaction")
			}
		})
	}
}

func TestOAuth2RefreshesOnlyOnce(t *testing.T) {
	fake := &oauthServer{style: "basic", access: "never-matches", refresh: "refresh-0"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fake.ServeHTTP(w, r)
		fake.mu.Lock()
		fake.access = "revoked-again"
		fake.mu.Unlock()
	}))
	defer srv.Close()
	o := &OAuth2{TokenURL: srv.URL + "/token", ClientID: "cid", ClientSecret: "csecret", Save: func(string) error { return nil }}
	o.SetTokens("refresh-0", "stale")
	resp, err := get(t, newClient(newFakeClock(), Options{Auth: o}), srv.URL+"/api", nil)
	if err != nil || resp.Status != http.StatusUnauthorized {
		t.Fatalf("resp %v err %v, want the final 401", resp, err)
	}
	if fake.refreshes != 1 {
		t.Fatalf("%d refreshes, want 1", fake.refreshes)
	}
}

func TestOAuth2RevokedRefreshToken(t *testing.T) {
	fake := &oauthServer{style: "basic", access: "x", refresh: "other"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := &OAuth2{TokenURL: srv.URL + "/token", ClientID: "cid", ClientSecret: "csecret"}
	o.SetTokens("refresh-0", "")
	_, err := get(t, newClient(newFakeClock(), Options{Auth: o}), srv.URL+"/api", nil)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") || strings.Contains(err.Error(), "refresh-0") {
		t.Fatalf("err = %v, want invalid_grant without the token", err)
	}
}

func TestOAuth2SaveFailureFails(t *testing.T) {
	fake := &oauthServer{style: "basic", access: "x", refresh: "refresh-0"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := &OAuth2{TokenURL: srv.URL + "/token", ClientID: "cid", ClientSecret: "csecret",
		Save: func(string) error { return os.ErrPermission }}
	o.SetTokens("refresh-0", "")
	_, err := get(t, newClient(newFakeClock(), Options{Auth: o}), srv.URL+"/api", nil)
	if err == nil || !strings.Contains(err.Error(), "saving the rotated refresh token") {
		t.Fatalf("err = %v", err)
	}
}

func TestOAuth2RefreshesExpiredTokenBeforeSending(t *testing.T) {
	fake := &oauthServer{style: "basic", access: "none-yet", refresh: "refresh-0"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	clk := newFakeClock()
	o := &OAuth2{TokenURL: srv.URL + "/token", ClientID: "cid", ClientSecret: "csecret", Clock: clk, Save: func(string) error { return nil }}
	o.SetTokens("refresh-0", "")
	c := newClient(clk, Options{Auth: o})
	for _, advance := range []time.Duration{0, time.Minute, 2 * time.Hour} {
		clk.Sleep(t.Context(), advance)
		if resp, err := get(t, c, srv.URL+"/api", nil); err != nil || resp.Status != 200 {
			t.Fatalf("resp %v err %v", resp, err)
		}
	}
	// first request: no token yet; +1m: still valid; +2h: expired (expires_in 3600)
	if fake.refreshes != 2 || fake.apiCalls != 3 {
		t.Fatalf("%d refreshes and %d API calls, want 2 and 3 (no 401 round trips)", fake.refreshes, fake.apiCalls)
	}
}
