package httpx

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sessionAuth is a Refresher whose token changes on each refresh.
type sessionAuth struct{ n atomic.Int32 }

func (a *sessionAuth) Apply(req *http.Request) error {
	req.Header.Set("Authorization", fmt.Sprintf("Bearer tok-%d", a.n.Load()))
	return nil
}

func (a *sessionAuth) Refresh(context.Context) error { a.n.Add(1); return nil }

// expiredToken answers as a Bluesky PDS does for an expired access token.
func expiredToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprint(w, `{"error":"ExpiredToken","message":"Token has expired"}`)
}

func isExpired(r *Response) bool { return strings.Contains(string(r.Body), `"ExpiredToken"`) }

// A 400 that AuthExpired recognises is handled like a 401: one refresh,
// then the request again with the new credentials.
func TestAuthExpiredRefreshesOnce(t *testing.T) {
	srv, s := serve(t, expiredToken, ok)
	auth := &sessionAuth{}
	c := newClient(newFakeClock(), Options{Auth: auth, AuthExpired: isExpired})
	resp, err := get(t, c, srv.URL, nil)
	if err != nil || resp.Status != 200 {
		t.Fatalf("status %v, err %v", resp, err)
	}
	if auth.n.Load() != 1 || s.n.Load() != 2 || s.reqs[1].Header.Get("Authorization") != "Bearer tok-1" {
		t.Fatalf("%d refreshes, %d requests; second sent %q", auth.n.Load(), s.n.Load(), s.reqs[1].Header.Get("Authorization"))
	}
}

// Still expired after the refresh: the 400 is final, not a loop; other
// 400s are never taken for expiry.
func TestAuthExpiredIsFinalAfterOneRefresh(t *testing.T) {
	srv, s := serve(t, expiredToken)
	auth := &sessionAuth{}
	c := newClient(newFakeClock(), Options{Auth: auth, AuthExpired: isExpired})
	resp, err := get(t, c, srv.URL, nil)
	if err != nil || resp.Status != 400 || auth.n.Load() != 1 || s.n.Load() != 2 {
		t.Fatalf("status %v err %v, %d refreshes, %d requests; want the 400 after one refresh", resp, err, auth.n.Load(), s.n.Load())
	}
	srv2, s2 := serve(t, status(400))
	auth2 := &sessionAuth{}
	c2 := newClient(newFakeClock(), Options{Auth: auth2, AuthExpired: isExpired})
	if resp, err := get(t, c2, srv2.URL, nil); err != nil || resp.Status != 400 || auth2.n.Load() != 0 || s2.n.Load() != 1 {
		t.Fatalf("plain 400: status %v err %v, %d refreshes", resp, err, auth2.n.Load())
	}
}

// Reddit sends the requests left with a fraction ("0.0"); the client
// still pauses until the reset.
func TestRemainingWithFraction(t *testing.T) {
	srv, _ := serve(t, status(200, "X-Ratelimit-Remaining", "0.0", "X-Ratelimit-Reset", "42"), ok)
	clk := newFakeClock()
	c := newClient(clk, Options{RateLimit: RateLimit{ResetFormat: "delta"}})
	for range 2 {
		if _, err := get(t, c, srv.URL, nil); err != nil {
			t.Fatal(err)
		}
	}
	if clk.Slept() != 42*time.Second {
		t.Fatalf("paused %v, want 42s", clk.Slept())
	}
}
