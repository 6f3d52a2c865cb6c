package schedule

import (
	"fmt"
	"hash/fnv"
	"time"
)

// DefaultBackoff is the wait before each retry of a failed scheduled run:
// after 5, 15 and 45 minutes; then the regular schedule resumes.
var DefaultBackoff = []time.Duration{5 * time.Minute, 15 * time.Minute, 45 * time.Minute}

// MaxDefaultJitter caps the jitter of a source that sets none.
const MaxDefaultJitter = 10 * time.Minute

// DefaultJitter is the jitter bound of a schedule with none configured: a
// tenth of its interval, at most MaxDefaultJitter. When the first gap
// between firings already reaches the cap (a daily schedule), the longest
// gap, which takes much longer to find, is not needed.
func DefaultJitter(s Spec) time.Duration {
	if s.firstGap() >= 10*MaxDefaultJitter {
		return MaxDefaultJitter
	}
	return min(s.Interval()/10, MaxDefaultJitter)
}

// Jitter returns the fixed delay of a source within [0, bound): derived
// from its name, so it is the same on every start and different between
// sources, which therefore do not all start at the same instant.
func Jitter(source string, bound time.Duration) time.Duration {
	if bound <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(source))
	return time.Duration(h.Sum64() % uint64(bound))
}

// History is what is known of a source's past runs.
type History struct {
	LastSuccess time.Time // end of the newest successful run; zero if none
	LastAttempt time.Time // end of the newest run of any outcome; zero if none
	Failures    int       // consecutive failed runs since the last success
}

// Timing is how one source is scheduled.
type Timing struct {
	Spec    Spec            // the zero Spec: never on a timer (when_present only)
	Jitter  time.Duration   // this source's fixed delay after each firing
	Backoff []time.Duration // waits before retries of a failure; nil: none
}

// Reasons a run is due, for logs.
const (
	ReasonFirst    = "first run"
	ReasonSchedule = "schedule"
	ReasonRetry    = "retry"
)

// Due is when a source should run next and why.
type Due struct {
	At     time.Time // the zero time means "now"; see Never
	Reason string
	Never  bool // no timer: the source runs only when its path appears
}

// Next returns when the source runs next, given its history. A time before
// now means the run was missed (the machine slept or hoard was not
// running) and is due now: this is the catch-up.
//
// Rules: a source that never ran is due now. After a success, the next
// firing after it (plus jitter). After failures, retries follow Backoff
// from the last attempt (5, 15, 45 minutes); after the last retry, the next
// regular firing after the last attempt, and the ladder starts again from
// there if that run fails too.
func (t Timing) Next(h History) Due {
	if t.Spec.IsZero() {
		return Due{Never: true}
	}
	if h.LastSuccess.IsZero() && h.LastAttempt.IsZero() {
		return Due{Reason: ReasonFirst}
	}
	if h.Failures == 0 {
		return Due{At: t.Spec.Next(h.LastSuccess).Add(t.Jitter), Reason: ReasonSchedule}
	}
	regular := t.Spec.Next(h.LastAttempt).Add(t.Jitter)
	if k := (h.Failures - 1) % (len(t.Backoff) + 1); k < len(t.Backoff) {
		retry := h.LastAttempt.Add(t.Backoff[k])
		if retry.Before(regular) {
			return Due{At: retry, Reason: fmt.Sprintf("%s %d of %d after %d failure(s)", ReasonRetry, k+1, len(t.Backoff), h.Failures)}
		}
	}
	return Due{At: regular, Reason: ReasonSchedule}
}

// IsDue reports whether d is due at now.
func (d Due) IsDue(now time.Time) bool { return !d.Never && !d.At.After(now) }

// Missed reports whether d was due more than slack before now: the run is
// a catch-up of one missed while hoard was not running or the machine
// slept.
func (d Due) Missed(now time.Time, slack time.Duration) bool {
	return !d.Never && !d.At.IsZero() && now.Sub(d.At) > slack
}
