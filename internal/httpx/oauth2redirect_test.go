package httpx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A token endpoint that redirects elsewhere (another port here) does not
// get the refresh token and the client credentials sent on: a 307 would
// resend the form, and Go keeps Authorization across ports.
func TestOAuth2TokenRedirectNotFollowed(t *testing.T) {
	var leaked atomic.Value
	leaked.Store("")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		leaked.Store(r.Header.Get("Authorization") + " " + string(body))
		w.Write([]byte(`{"access_token":"a","expires_in":3600}`))
	}))
	defer other.Close()
	token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/token", http.StatusTemporaryRedirect)
	}))
	defer token.Close()
	o := &OAuth2{TokenURL: token.URL + "/token", ClientID: "cid", ClientSecret: "client-s3cret"}
	o.SetTokens("refresh-s3cret", "")
	err := o.Refresh(context.Background())
	if l := leaked.Load().(string); strings.Contains(l, "refresh-s3cret") || strings.Contains(l, "Basic") {
		t.Errorf("the other origin got %q", l)
	}
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("error %v, want the redirect refused", err)
	}
}
