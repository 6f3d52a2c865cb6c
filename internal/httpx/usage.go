package httpx

import (
	"strconv"
	"strings"
	"time"
)

// UsageLimit is a rate limit announced as comma-separated limits and
// usages, one per fixed window, instead of a remaining count and a reset
// time. Strava sends X-RateLimit-Limit: 200,2000 and X-RateLimit-Usage:
// 15,150 for its 15-minute and daily windows. Windows are aligned on UTC,
// as Strava's are: a 15-minute window ends at :00, :15, :30 and :45, a
// day at midnight UTC.
type UsageLimit struct {
	Limit, Usage string          // header names
	Windows      []time.Duration // the windows, in the headers' order
}

// usageReset returns the end of the longest window of resp whose usage
// has reached its limit (less reserve), or the zero time when none has.
func usageReset(limits []UsageLimit, resp *Response, reserve int, now time.Time) time.Time {
	var until time.Time
	for _, u := range limits {
		limit := numbers(resp.Header.Get(u.Limit))
		used := numbers(resp.Header.Get(u.Usage))
		for i, w := range u.Windows {
			if i >= len(limit) || i >= len(used) || w <= 0 || limit[i]-used[i] > reserve {
				continue
			}
			if end := now.UTC().Truncate(w).Add(w); end.After(until) {
				until = end
			}
		}
	}
	return until
}

// numbers reads "200,2000" as [200 2000]; a value that is not a number
// ends the list there.
func numbers(v string) []int {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}

// noteUsage pauses the client until the end of a spent window.
func (c *Client) noteUsage(resp *Response) {
	rl := c.o.RateLimit
	if rl.Disabled || len(rl.Usage) == 0 {
		return
	}
	t := usageReset(rl.Usage, resp, rl.Reserve, c.o.Clock.Now())
	if t.IsZero() {
		return
	}
	c.mu.Lock()
	if t.After(c.pause) {
		c.pause = t
	}
	c.mu.Unlock()
}
