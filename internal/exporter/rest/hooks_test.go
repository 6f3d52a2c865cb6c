package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
)

// countingAuth is a session login: each Refresh gets a new token.
type countingAuth struct{ n atomic.Int32 }

func (a *countingAuth) Apply(req *http.Request) error {
	req.Header.Set("Authorization", "Bearer session-"+string(rune('0'+a.n.Load())))
	return nil
}
func (a *countingAuth) Refresh(context.Context) error { a.n.Add(1); return nil }

// The Auth hook replaces [auth], and AuthExpired makes a 400 that means
// "expired" a refresh and a retry, as for a 401.
func TestHooksAuthAndExpiry(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer session-1" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"ExpiredToken","message":"Token has expired"}`))
			return
		}
		w.Write([]byte(`[{"id":1},{"id":2}]`))
	}))
	defer srv.Close()
	h := newHarness(t, "")
	auth := &countingAuth{}
	var sawEnv *export.Env
	ex, err := NewWithHooks(&Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{Name: "things", Path: "/things", Key: "id"}}}, Hooks{
		Auth:        func(env *export.Env) (httpx.Auth, error) { sawEnv = env; return auth, nil },
		AuthExpired: func(r *httpx.Response) bool { return strings.Contains(string(r.Body), "ExpiredToken") },
		Clock:       h.clock, Rand: func() float64 { return 0.5 },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.runExporter(ex); err != nil {
		t.Fatal(err)
	}
	if sawEnv == nil || auth.n.Load() != 1 || calls.Load() != 2 || len(h.items()) != 2 {
		t.Fatalf("hook called %v, %d refreshes, %d calls, %d items", sawEnv != nil, auth.n.Load(), calls.Load(), len(h.items()))
	}
}

// for_each.required: a parent without the id fails the run, naming the
// field, instead of saving an export with nothing in it.
func TestForEachRequired(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"userid":null}`))
	}))
	defer srv.Close()
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{
		{Name: "profile", Path: "/profile"},
		{Name: "annotations", Path: "/search", Params: map[string]string{"user": "{id}"}, ForEach: ForEachParams{Endpoint: "profile", Field: "userid", Required: true}},
	}}
	h := newHarness(t, "")
	err := h.run(p)
	if err == nil || !strings.Contains(err.Error(), "no userid found in the items of profile") || !export.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent error naming userid", err)
	}
	if len(h.snapshots()) != 0 {
		t.Fatal("a snapshot was saved")
	}
	p.Endpoints[1].ForEach.Required = false
	if err := h.run(p); err != nil {
		t.Fatalf("without required: %v", err)
	}
}

// Integer cursors compare exactly, beyond float64's 53 bits.
func TestCompareCursorLargeIntegers(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"109000000000000001", "109000000000000000", 1},
		{"109000000000000000", "109000000000000001", -1},
		{"9999999", "109000000000000000", -1},
		{"110", "110", 0},
		{"1.5", "2", -1},
	} {
		if got := compareCursor(c.a, c.b); got != c.want {
			t.Errorf("compareCursor(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
