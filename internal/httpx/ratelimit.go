package httpx

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit names the response headers that announce a rate limit. When a
// response says that at most Reserve requests remain, the client pauses
// until the reset time before sending the next request (or stops with a
// *WaitError when that is further away than MaxWait).
type RateLimit struct {
	Remaining   string // header with the requests left; default X-RateLimit-Remaining
	Reset       string // header with the reset time; default X-RateLimit-Reset
	ResetFormat string // "epoch", "delta", "date" or "auto" (default): see ParseReset
	Reserve     int    // pause when remaining <= Reserve; default 0
	Disabled    bool   // ignore rate-limit headers
	// Usage are limits announced per window as a limit and a usage
	// (Strava); see UsageLimit.
	Usage []UsageLimit
}

func (r RateLimit) withDefaults() RateLimit {
	if r.Remaining == "" {
		r.Remaining = "X-RateLimit-Remaining"
	}
	if r.Reset == "" {
		r.Reset = "X-RateLimit-Reset"
	}
	if r.ResetFormat == "" {
		r.ResetFormat = "auto"
	}
	return r
}

// ValidResetFormat reports whether f is a ResetFormat value.
func ValidResetFormat(f string) bool {
	switch f {
	case "", "auto", "epoch", "delta", "date":
		return true
	}
	return false
}

// ParseReset reads a reset header value: "epoch" is Unix seconds, "delta"
// is seconds from now, "date" is an HTTP date or RFC 3339 time, and "auto"
// takes a number above 10^9 as epoch, a smaller one as delta, anything
// else as a date.
func ParseReset(v, format string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	n, numErr := strconv.ParseFloat(v, 64)
	switch {
	case numErr == nil && (format == "epoch" || format == "auto" && n > 1e9):
		return time.Unix(0, int64(n*1e9)), true
	case numErr == nil && (format == "delta" || format == "auto"):
		return now.Add(time.Duration(n * float64(time.Second))), true
	case numErr == nil:
		return time.Time{}, false
	}
	if format != "date" && format != "auto" {
		return time.Time{}, false
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// retryAfter parses Retry-After (delta seconds or HTTP date) into a wait.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(s)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// rateLimited reports a 429, or a 403 that is really a rate limit (GitHub
// answers an exhausted limit with 403 and remaining 0, and its secondary
// limits with 403 and Retry-After).
func (c *Client) rateLimited(resp *Response) bool {
	if resp.Status == http.StatusTooManyRequests {
		return true
	}
	if resp.Status != http.StatusForbidden {
		return false
	}
	if resp.Header.Get("Retry-After") != "" {
		return true
	}
	left, ok := remaining(resp.Header, c.o.RateLimit)
	return ok && left == 0
}

// remaining reads the requests left from the rate-limit header: an integer,
// or a number with a fraction as Reddit sends ("599.0").
func remaining(h http.Header, rl RateLimit) (float64, bool) {
	if rl.Disabled {
		return 0, false
	}
	left, err := strconv.ParseFloat(strings.TrimSpace(h.Get(rl.Remaining)), 64)
	return left, err == nil
}

// serverWait is how long a rate-limited response asks us to wait:
// Retry-After, else the rate-limit reset, else 0 (use backoff).
func (c *Client) serverWait(resp *Response) time.Duration {
	now := c.o.Clock.Now()
	if d := retryAfter(resp.Header, now); d > 0 {
		return d
	}
	if c.o.RateLimit.Disabled {
		return 0
	}
	if t := usageReset(c.o.RateLimit.Usage, resp, 0, now); t.After(now) {
		return t.Sub(now)
	}
	if t, ok := ParseReset(resp.Header.Get(c.o.RateLimit.Reset), c.o.RateLimit.ResetFormat, now); ok && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// noteRateLimit remembers a reset time when the limit is (nearly) spent.
func (c *Client) noteRateLimit(resp *Response) {
	rl := c.o.RateLimit
	if rl.Disabled {
		return
	}
	c.noteUsage(resp)
	left, ok := remaining(resp.Header, rl)
	if !ok || left > float64(rl.Reserve) {
		return
	}
	now := c.o.Clock.Now()
	t, ok := ParseReset(resp.Header.Get(rl.Reset), rl.ResetFormat, now)
	if !ok || !t.After(now) {
		return
	}
	c.mu.Lock()
	if t.After(c.pause) {
		c.pause = t
	}
	c.mu.Unlock()
}

// beforeSend waits for a rate-limit reset and for the pacer.
func (c *Client) beforeSend(ctx context.Context, req *http.Request) error {
	c.mu.Lock()
	until := c.pause
	c.mu.Unlock()
	now := c.o.Clock.Now()
	if d := until.Sub(now); d > 0 {
		if d > c.o.MaxWait {
			return &WaitError{Method: req.Method, URL: c.RedactURL(req.URL), Wait: d, Max: c.o.MaxWait,
				Reason: fmt.Sprintf("rate limit spent until %s", until.UTC().Format(time.RFC3339))}
		}
		c.o.Log.Info("http: rate limit reached, pausing", "until", until.UTC().Format(time.RFC3339), "wait", d)
		if err := c.o.Clock.Sleep(ctx, d); err != nil {
			return err
		}
		now = c.o.Clock.Now()
	}
	if c.limiter == nil {
		return nil
	}
	r := c.limiter.ReserveN(now, 1)
	return c.o.Clock.Sleep(ctx, r.DelayFrom(now))
}
