package rest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAuthFromSecrets(t *testing.T) {
	cases := []struct {
		auth    AuthParams
		secrets string
		check   func(*http.Request) bool
	}{
		{AuthParams{Type: "bearer"}, `token = "t-123"`, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer t-123" }},
		{AuthParams{Type: "bearer", Secret: "pat"}, `pat = "t-456"`, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer t-456" }},
		{AuthParams{Type: "basic"}, "username = \"me\"\npassword = \"pw-1\"", func(r *http.Request) bool { u, p, _ := r.BasicAuth(); return u == "me" && p == "pw-1" }},
		{AuthParams{Type: "header", Header: "X-Api-Key"}, `token = "k-1"`, func(r *http.Request) bool { return r.Header.Get("X-Api-Key") == "k-1" }},
		{AuthParams{Type: "query", Param: "api_key"}, `token = "k-2"`, func(r *http.Request) bool { return r.URL.Query().Get("api_key") == "k-2" }},
		{AuthParams{Type: "cookie"}, `cookie = "sid=abc; csrftoken=def"`, func(r *http.Request) bool { c, err := r.Cookie("csrftoken"); return err == nil && c.Value == "def" }},
	}
	for _, tc := range cases {
		t.Run(tc.auth.Type+tc.auth.Secret, func(t *testing.T) {
			var got *http.Request
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Clone(r.Context())
				fmt.Fprint(w, `[]`)
			}))
			defer srv.Close()
			h := newHarness(t, tc.secrets+"\n")
			p := &Params{BaseURL: srv.URL, Auth: tc.auth, Endpoints: []EndpointParams{{Name: "x", Path: "/x"}}}
			if err := h.run(p); err != nil {
				t.Fatal(err)
			}
			if got == nil || !tc.check(got) {
				t.Fatalf("credentials not sent as configured: %v %v", got.Header, got.URL)
			}
			if raw := h.snapshotText(); strings.Contains(raw, "k-2") || strings.Contains(raw, "t-123") {
				t.Fatalf("a credential reached the snapshot: %s", raw)
			}
		})
	}
}
