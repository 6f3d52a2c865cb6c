// Package schedule decides when sources run: it parses schedules (cron
// expressions, @-shortcuts and plain intervals), computes the next run of a
// source from its history (catch-up, per-source jitter, retries with
// backoff), notices wall-clock jumps (sleep and wake) and device paths
// appearing. It never runs anything itself and never sleeps: every function
// takes the time as an argument or through a Clock, so it is tested with a
// fake one.
package schedule

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/robfig/cron/v3"
)

// Spec is a parsed schedule: either a cron expression (5 fields or an
// @-shortcut) anchored to the wall clock, or a fixed interval anchored to
// the previous run. The zero Spec never fires.
type Spec struct {
	text     string
	every    time.Duration      // > 0 for "every 6h"
	cron     *cron.SpecSchedule // for cron expressions and @-shortcuts
	interval time.Duration      // for "every": the interval
	// gap is, for a cron expression, the longest gap between two firings,
	// computed on first use: sampling years of firings takes milliseconds,
	// which every command would pay for every source when it loads the
	// config, though only freshness checks need it.
	gap func() time.Duration
}

// Default is the schedule of a source that sets none.
const Default = "@daily"

// MinEvery is the shortest interval accepted by "every".
const MinEvery = time.Second

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Parse reads a schedule:
//
//	@yearly @monthly @weekly @daily (= @midnight) @hourly
//	"0 */6 * * *"        five cron fields: minute hour day-of-month month day-of-week
//	"CRON_TZ=Europe/Paris 0 3 * * *"
//	"every 6h", "every 90m", "every 2d", "@every 6h"
//
// Cron expressions use the local time zone unless they name one.
func Parse(text string) (Spec, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return Spec{}, errors.New(`empty schedule (use e.g. "@daily", "0 */6 * * *" or "every 6h")`)
	}
	if rest, ok := cutEvery(t); ok {
		return parseEvery(t, rest)
	}
	sched, err := parser.Parse(t)
	if err != nil {
		return Spec{}, fmt.Errorf("schedule %q: %v (use e.g. \"@daily\", \"0 */6 * * *\" or \"every 6h\")", text, err)
	}
	cs, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return Spec{}, fmt.Errorf("schedule %q: unsupported form", text)
	}
	switch first := cs.Next(gapRef); {
	case first.IsZero():
		return Spec{}, fmt.Errorf("schedule %q: it never fires", text)
	case cs.Next(first).IsZero():
		return Spec{}, fmt.Errorf("schedule %q: it fires only once", text)
	}
	gap, _ := gaps.LoadOrStore(t, sync.OnceValue(func() time.Duration { return longestGap(cs) }))
	return Spec{text: t, cron: cs, gap: gap.(func() time.Duration)}, nil
}

// MustParse is Parse for schedules known to be valid; it panics otherwise.
func MustParse(text string) Spec {
	s, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return s
}

func cutEvery(t string) (string, bool) {
	for _, p := range []string{"every ", "@every "} {
		if strings.HasPrefix(t, p) {
			return strings.TrimSpace(t[len(p):]), true
		}
	}
	return "", false
}

func parseEvery(text, d string) (Spec, error) {
	v, err := duration.Parse(d)
	if err != nil {
		return Spec{}, fmt.Errorf("schedule %q: %v", text, err)
	}
	if v < MinEvery {
		return Spec{}, fmt.Errorf("schedule %q: the interval must be at least %s", text, MinEvery)
	}
	return Spec{text: text, every: v, interval: v}, nil
}

// gapRef is the fixed time from which a cron schedule's gaps are sampled.
var gapRef = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// gaps holds the lazily computed longest gap of each cron expression met
// (its text to a func() time.Duration), so that sources sharing a schedule
// compute it once.
var gaps sync.Map

// firstGap is the time between the first two firings after the reference
// time: at most the longest gap, and found with two steps instead of
// thousands.
func (s Spec) firstGap() time.Duration {
	if s.cron == nil {
		return s.interval
	}
	first := s.cron.Next(gapRef)
	return s.cron.Next(first).Sub(first)
}

// longestGap samples the cron schedule's firings over a few years from
// gapRef and returns the longest gap between two of them: the interval
// within which a healthy source must have run. The schedule fires at least
// twice after gapRef (Parse checks).
func longestGap(cs *cron.SpecSchedule) time.Duration {
	ref := gapRef
	prev := cs.Next(ref)
	var gap time.Duration
	for i := 0; i < 2000 && prev.Sub(ref) < 5*366*24*time.Hour; i++ {
		next := cs.Next(prev)
		if next.IsZero() {
			break
		}
		gap = max(gap, next.Sub(prev))
		prev = next
	}
	return gap
}

// String returns the schedule as written.
func (s Spec) String() string { return s.text }

// IsZero reports whether s is the zero Spec, which never fires.
func (s Spec) IsZero() bool { return s.text == "" }

// Every returns the interval of an "every" schedule, or 0 for a cron one.
func (s Spec) Every() time.Duration { return s.every }

// Cron returns the parsed cron expression, or nil for an "every" schedule.
func (s Spec) Cron() *cron.SpecSchedule { return s.cron }

// Interval is the longest time between two firings: the expected interval
// from which freshness is judged.
func (s Spec) Interval() time.Duration {
	if s.gap != nil {
		return s.gap()
	}
	return s.interval
}

// Next returns the first firing strictly after t (for an interval schedule,
// t plus the interval). It returns the zero time for the zero Spec.
func (s Spec) Next(t time.Time) time.Time {
	switch {
	case s.every > 0:
		return t.Add(s.every)
	case s.cron != nil:
		return s.cron.Next(t)
	}
	return time.Time{}
}
