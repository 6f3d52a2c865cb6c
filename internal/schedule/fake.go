package schedule

import (
	"sync"
	"time"
)

// FakeClock is a Clock that moves only when told to, for tests. Advance
// moves both readings, as time passing does; Jump moves only the wall
// clock, as a suspend and resume does.
type FakeClock struct {
	mu   sync.Mutex
	wall time.Time
	mono time.Duration
}

// NewFakeClock returns a fake clock reading t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{wall: t} }

// Now implements Clock.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall
}

// Mono implements Clock.
func (c *FakeClock) Mono() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mono
}

// Advance lets d pass.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall, c.mono = c.wall.Add(d), c.mono+d
}

// Jump moves the wall clock by d without the monotonic clock.
func (c *FakeClock) Jump(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = c.wall.Add(d)
}
