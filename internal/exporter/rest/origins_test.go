package rest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A page redirected to another host is fetched without the API key
// (auth.type = "header" is not among the headers Go strips itself), and
// the snapshot records the URL actually fetched; with the host in
// auth.origins the key goes there too.
func TestRestRedirectKeepsCredentialsHome(t *testing.T) {
	var sawKey atomic.Value
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2: %v", err)
	}
	uploads := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawKey.Store(r.Header.Get("X-Api-Key"))
		if r.Header.Get("X-Api-Key") == "" && r.URL.Query().Get("public") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`[{"id":1},{"id":2}]`))
	}))
	uploads.Listener.Close()
	uploads.Listener = l
	uploads.Start()
	defer uploads.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, uploads.URL+"/data?"+r.URL.RawQuery, http.StatusFound)
	}))
	defer api.Close()

	params := func(origins ...string) *Params {
		return &Params{
			BaseURL:   api.URL,
			Auth:      AuthParams{Type: "header", Header: "X-Api-Key", Origins: origins},
			Endpoints: []EndpointParams{{Name: "things", Path: "/items", Params: map[string]string{"public": "{public}"}}},
			Vars:      map[string]string{"public": "yes"},
		}
	}
	h := newHarness(t, "token = \"k3y-s3cr3t\"\n")
	if err := h.run(params()); err != nil {
		t.Fatal(err)
	}
	if k := sawKey.Load(); k != "" {
		t.Errorf("the other host got X-Api-Key %q", k)
	}
	if text := h.snapshotText(); !strings.Contains(text, `"url":"`+uploads.URL+`/data?public=yes"`) {
		t.Errorf("snapshot does not record the URL fetched (%s/data...):\n%s", uploads.URL, text)
	}

	h = newHarness(t, "token = \"k3y-s3cr3t\"\n")
	if err := h.run(params(uploads.URL)); err != nil {
		t.Fatal(err)
	}
	if k := sawKey.Load(); k != "k3y-s3cr3t" {
		t.Errorf("an origin named in auth.origins got X-Api-Key %q", k)
	}

	// A 401 there says why.
	p := params()
	p.Vars["public"] = ""
	h = newHarness(t, "token = \"k3y-s3cr3t\"\n")
	if err := h.run(p); err == nil || !strings.Contains(err.Error(), "no credentials were sent to http://127.0.0.2") {
		t.Errorf("error %v, want it to say no credentials were sent to the other origin", err)
	}
}

func TestRestAuthOriginsChecked(t *testing.T) {
	for _, bad := range []string{"uploads.example.com", "ftp://x", "https://x/path", "https://x?q=1", "https://u:p@x"} {
		_, err := newExporter(&Params{BaseURL: "https://api.example.com", Auth: AuthParams{Type: "bearer", Origins: []string{bad}},
			Endpoints: []EndpointParams{{Name: "a", Path: "/a"}}})
		if err == nil || !strings.Contains(err.Error(), "auth.origins") {
			t.Errorf("origin %q: error %v", bad, err)
		}
	}
	if _, err := newExporter(&Params{BaseURL: "https://api.example.com", Auth: AuthParams{Type: "bearer", Origins: []string{"https://uploads.example.com:8443"}},
		Endpoints: []EndpointParams{{Name: "a", Path: "/a"}}}); err != nil {
		t.Error(err)
	}
}
