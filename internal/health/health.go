// Package health judges whether a source's data is current: stale (no
// success within twice its expected interval), failing (its last N runs
// failed) or at risk (the data access layer found gaps between its
// snapshots, so items may have been lost). `hoard status` and the daemon
// both use it.
package health

import (
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/schedule"
)

// Problems, in the order they are reported.
const (
	Failing = "failing"
	Stale   = "stale"
	AtRisk  = "at-risk"
)

// StaleFactor times a source's interval without a success makes it stale.
const StaleFactor = 2

// Record is what the journal says about one source, for scheduling and
// health. Runs that were interrupted (hoard stopped) or skipped because
// another run held the lock say nothing about the source and are ignored,
// and so are the journal's prune records. An unchanged run (output
// identical to the newest snapshot, so no file written) is a success: it
// saw the source's data at its time.
type Record struct {
	schedule.History
	LastError string // of the newest failed run, if it came after the last success
}

// FromJournal builds each source's record from journal entries, oldest
// first.
func FromJournal(entries []journal.Entry) map[string]Record {
	out := map[string]Record{}
	for _, e := range entries {
		if e.Outcome == journal.Locked || e.Outcome == journal.Interrupted || !journal.IsRun(e.Outcome) {
			continue
		}
		r := out[e.Source]
		r.Add(e.Outcome, e.End, e.Error)
		out[e.Source] = r
	}
	return out
}

// Add records a run that ended at end with outcome (a journal outcome).
// Interrupted and locked runs (and prune records) are ignored; ok and
// unchanged runs are successes.
func (r *Record) Add(outcome string, end time.Time, errText string) {
	switch outcome {
	case journal.Locked, journal.Interrupted, journal.Pruned:
		return
	case journal.OK, journal.Unchanged:
		r.LastSuccess, r.LastAttempt, r.Failures, r.LastError = end, end, 0, ""
	default:
		r.LastAttempt, r.LastError = end, errText
		r.Failures++
	}
}

// Status is a source's health at one moment.
type Status struct {
	Stale   bool
	Failing bool
	AtRisk  bool
	Gaps    int // gaps the data access layer found; -1 when not checked
}

// Policy holds the thresholds.
type Policy struct {
	FailingAfter int // consecutive failures that make a source failing, >= 1
}

// Evaluate judges a source with expected interval (0 when it has none,
// e.g. a when_present source: never stale) at now. A source that never
// succeeded is not stale (it has no data to go stale), but it is failing
// once its runs fail. gaps < 0 means unknown.
func (p Policy) Evaluate(r Record, interval time.Duration, gaps int, now time.Time) Status {
	st := Status{Gaps: gaps, AtRisk: gaps > 0}
	st.Failing = r.Failures >= max(p.FailingAfter, 1)
	if interval > 0 && !r.LastSuccess.IsZero() {
		st.Stale = now.Sub(r.LastSuccess) > StaleFactor*interval
	}
	return st
}

// Problems lists the problems, most urgent first; nil when healthy.
func (s Status) Problems() []string {
	var p []string
	if s.Failing {
		p = append(p, Failing)
	}
	if s.Stale {
		p = append(p, Stale)
	}
	if s.AtRisk {
		p = append(p, AtRisk)
	}
	return p
}

// String is "ok" or the problems joined with commas.
func (s Status) String() string {
	if p := s.Problems(); len(p) > 0 {
		return strings.Join(p, ",")
	}
	return "ok"
}
