package schedule

import (
	"os"
	"time"
)

// Clock is the daemon's view of time. Wall time decides schedules; the
// monotonic reading, which does not advance while the machine sleeps,
// lets a wall-clock jump be noticed. Implementations are safe for
// concurrent use.
type Clock interface {
	Now() time.Time      // wall clock
	Mono() time.Duration // monotonic time since some fixed start
}

// System is the real clock.
var System Clock = systemClock{start: time.Now()}

type systemClock struct{ start time.Time }

func (c systemClock) Now() time.Time      { return time.Now().Round(0) }
func (c systemClock) Mono() time.Duration { return time.Since(c.start) }

// JumpDetector notices the wall clock moving differently from the
// monotonic clock between two observations: the machine slept and woke up,
// or someone set the clock. Not safe for concurrent use.
type JumpDetector struct {
	Threshold time.Duration // smaller differences are ignored
	wall      time.Time
	mono      time.Duration
	primed    bool
}

// Observe records the clock's readings and returns how far the wall clock
// jumped relative to the monotonic clock since the previous observation
// (positive: forward, as after a suspend), and whether that exceeds the
// threshold. The first observation never reports a jump.
func (j *JumpDetector) Observe(c Clock) (time.Duration, bool) {
	wall, mono := c.Now(), c.Mono()
	defer func() { j.wall, j.mono, j.primed = wall, mono, true }()
	if !j.primed {
		return 0, false
	}
	skew := wall.Sub(j.wall) - (mono - j.mono)
	return skew, skew > j.Threshold || skew < -j.Threshold
}

// Presence turns polls of a path into appearances: it reports true once
// each time the path goes from absent to present (a device was plugged
// in). A path present at the first poll counts as an appearance. Not safe
// for concurrent use.
type Presence struct {
	Path    string
	present bool
}

// Poll checks the path with exists and reports whether it just appeared.
func (p *Presence) Poll(exists func(string) bool) bool {
	now := exists(p.Path)
	appeared := now && !p.present
	p.present = now
	return appeared
}

// Exists reports whether path exists (a stat that follows symlinks). It is
// cheap enough to call every few seconds.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
