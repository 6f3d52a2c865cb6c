package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// renewer hands out tok-1, tok-2, ... each living for life (0: unknown),
// or fails with fail.
type renewer struct {
	mu   sync.Mutex
	n    int
	life time.Duration
	now  time.Time
	fail error
}

func (r *renewer) renew(context.Context) (string, time.Time, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return "", time.Time{}, r.fail
	}
	r.n++
	var exp time.Time
	if r.life > 0 {
		exp = r.now.Add(r.life)
	}
	return fmt.Sprintf("tok-%d", r.n), exp, nil
}

func bearerOf(t *testing.T, tok *AccessToken, now time.Time, renew RenewFunc) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://api.test/", nil)
	if err := tok.Apply(req, now, renew); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return req.Header.Get("Authorization")
}

func TestAccessTokenRenewsWhenMissingOrExpired(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &renewer{life: time.Hour, now: t0}
	var tok AccessToken
	if got := bearerOf(t, &tok, t0, r.renew); got != "Bearer tok-1" || r.n != 1 {
		t.Fatalf("no token yet: got %q after %d renewals, want Bearer tok-1 after 1", got, r.n)
	}
	if got := bearerOf(t, &tok, t0.Add(time.Hour-time.Second), r.renew); got != "Bearer tok-1" || r.n != 1 {
		t.Fatalf("before expiry: got %q after %d renewals, want Bearer tok-1 after 1", got, r.n)
	}
	if got := bearerOf(t, &tok, t0.Add(time.Hour), r.renew); got != "Bearer tok-2" || r.n != 2 {
		t.Fatalf("at expiry: got %q after %d renewals, want Bearer tok-2 after 2", got, r.n)
	}
}

func TestAccessTokenWithoutExpiryIsKept(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &renewer{}
	var tok AccessToken
	tok.Set("from-secrets")
	if got := bearerOf(t, &tok, t0.Add(1000*time.Hour), r.renew); got != "Bearer from-secrets" || r.n != 0 {
		t.Fatalf("got %q after %d renewals, want the set token and no renewal", got, r.n)
	}
	// a 401 renews it through Renew
	if err := tok.Renew(context.Background(), r.renew); err != nil || tok.Get() != "tok-1" {
		t.Fatalf("Renew: %v, token %q, want tok-1", err, tok.Get())
	}
}

func TestAccessTokenFailedRenewalKeepsToken(t *testing.T) {
	boom := errors.New("token endpoint down")
	r := &renewer{fail: boom}
	var tok AccessToken
	tok.Set("old")
	if err := tok.Renew(context.Background(), r.renew); !errors.Is(err, boom) {
		t.Fatalf("Renew: %v, want %v", err, boom)
	}
	if tok.Get() != "old" {
		t.Fatalf("token after a failed renewal: %q, want old", tok.Get())
	}
	var none AccessToken
	req, _ := http.NewRequest(http.MethodGet, "http://api.test/", nil)
	if err := none.Apply(req, time.Now(), r.renew); !errors.Is(err, boom) {
		t.Fatalf("Apply without a token: %v, want %v", err, boom)
	}
	if h := req.Header.Get("Authorization"); h != "" {
		t.Fatalf("Apply failed but set Authorization %q", h)
	}
}

// Renewals are serialised: renew never runs twice at once, so state only
// renewals touch needs no lock of its own.
func TestAccessTokenRenewalsSerialised(t *testing.T) {
	var mu sync.Mutex
	running, overlap, calls := 0, false, 0
	renew := func(context.Context) (string, time.Time, error) {
		mu.Lock()
		running++
		calls++
		if running > 1 {
			overlap = true
		}
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return "tok", time.Time{}, nil
	}
	var tok AccessToken
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := tok.Renew(context.Background(), renew); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if overlap || calls != 8 {
		t.Fatalf("overlap %v, calls %d: want 8 calls, none at once", overlap, calls)
	}
}

func TestExpiresIn(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if got, want := ExpiresIn(t0, 3600), t0.Add(3600*time.Second-30*time.Second); !got.Equal(want) {
		t.Errorf("ExpiresIn(3600) = %v, want %v", got, want)
	}
	for _, s := range []int64{0, -5} {
		if got := ExpiresIn(t0, s); !got.IsZero() {
			t.Errorf("ExpiresIn(%d) = %v, want zero (unknown)", s, got)
		}
	}
}

// Requests that find no token at the same moment wait for one renewal
// instead of each renewing (a rotating refresh token spent once).
func TestAccessTokenConcurrentApplyRenewsOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &renewer{life: time.Hour, now: t0}
	// a renewal slow enough that every request arrives during the first
	slow := func(ctx context.Context) (string, time.Time, error) {
		time.Sleep(20 * time.Millisecond)
		return r.renew(ctx)
	}
	var tok AccessToken
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, "http://api.test/", nil)
			if err := tok.Apply(req, t0, slow); err != nil {
				t.Error(err)
			}
			got[i] = req.Header.Get("Authorization")
		}()
	}
	wg.Wait()
	if r.n != 1 {
		t.Fatalf("%d renewals for 8 requests without a token, want 1", r.n)
	}
	for i, h := range got {
		if h != "Bearer tok-1" {
			t.Fatalf("request %d sent %q, want Bearer tok-1", i, h)
		}
	}
}
