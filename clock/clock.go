// Package clock is hoard's one view of time: wall time, which decides
// schedules and stamps; monotonic time, which does not advance while the
// machine sleeps and so reveals a wall-clock jump; and sleeping that ends
// early when a context is done. Retry loops, rate limits, the scheduler and
// the runner all take a Clock, and tests give them a Fake.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock is a time source. Implementations are safe for concurrent use.
type Clock interface {
	Now() time.Time      // wall clock, without a monotonic reading
	Mono() time.Duration // monotonic time since some fixed start
	// Sleep waits for d, or returns ctx.Err() as soon as ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// System is the real clock.
var System Clock = system{start: time.Now()}

type system struct{ start time.Time }

func (c system) Now() time.Time                                   { return time.Now().Round(0) }
func (c system) Mono() time.Duration                              { return time.Since(c.start) }
func (c system) Sleep(ctx context.Context, d time.Duration) error { return Sleep(ctx, d) }

// Sleep waits for d or until ctx is done, and returns ctx's error in that
// case. A non-positive d returns at once (with ctx's error, if any).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Fake is a Clock that moves only when told to, for tests. Sleep returns
// at once, having advanced both readings by d and recorded it; Advance
// lets time pass; Jump moves only the wall clock, as a suspend and resume
// does.
type Fake struct {
	mu     sync.Mutex
	wall   time.Time
	mono   time.Duration
	sleeps []time.Duration
}

// NewFake returns a fake clock reading t.
func NewFake(t time.Time) *Fake { return &Fake{wall: t} }

// Now implements Clock.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall
}

// Mono implements Clock.
func (c *Fake) Mono() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mono
}

// Sleep implements Clock: it returns ctx's error, if any, at once.
func (c *Fake) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.wall, c.mono = c.wall.Add(d), c.mono+d
		c.sleeps = append(c.sleeps, d)
	}
	return ctx.Err()
}

// Advance lets d pass.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall, c.mono = c.wall.Add(d), c.mono+d
}

// Jump moves the wall clock by d without the monotonic clock.
func (c *Fake) Jump(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = c.wall.Add(d)
}

// Sleeps returns every positive sleep so far, in order.
func (c *Fake) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Slept returns the total of the sleeps so far.
func (c *Fake) Slept() time.Duration {
	var total time.Duration
	for _, d := range c.Sleeps() {
		total += d
	}
	return total
}
