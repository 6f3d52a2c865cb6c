package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
)

// SourceStatus is one source's state, from the journal and its files.
type SourceStatus struct {
	Source      string     `json:"source"`
	Configured  bool       `json:"configured"`
	LastAttempt *time.Time `json:"last_attempt,omitempty"`
	Outcome     string     `json:"outcome,omitempty"` // of the last attempt
	LastSuccess *time.Time `json:"last_success,omitempty"`
	Failures    int        `json:"consecutive_failures"` // interrupted and locked runs not counted
	LastError   string     `json:"last_error,omitempty"`
	Snapshots   int        `json:"snapshots"`
	Bytes       int64      `json:"bytes"`
	Newest      *time.Time `json:"newest_snapshot,omitempty"`
	Undatable   []string   `json:"undatable_files,omitempty"`
	// Health, for configured sources.
	State    string     `json:"state,omitempty"` // "ok", "never run", "no success yet", or the problems joined by commas
	Problems []string   `json:"problems"`
	Stale    bool       `json:"stale"`
	Failing  bool       `json:"failing"`
	AtRisk   *bool      `json:"at_risk,omitempty"` // absent: gaps not checked
	Gaps     *int       `json:"gaps,omitempty"`
	Schedule string     `json:"schedule,omitempty"`
	Interval float64    `json:"interval_seconds,omitempty"`
	NextRun  *time.Time `json:"next_run,omitempty"`
	WhenPath string     `json:"when_present,omitempty"`
}

// Status reports on every configured source, and on the directories of
// the exports root that no source is configured for (an arctee archive,
// a removed source), from the journal and the files. Journal records that
// cannot be read are told to warn (nil: not told).
func (a *App) Status(now time.Time, warn func(string)) ([]SourceStatus, error) {
	return collectStatus(a.Config.Root, a.Layout, a.Config, now, warn)
}

// RootStatus reports on the directories of any exports root, with no
// config: what the files and the journal say.
func RootStatus(root string, layout paths.Layout, now time.Time, warn func(string)) ([]SourceStatus, error) {
	return collectStatus(root, layout, nil, now, warn)
}

// collectStatus merges the journal and the files of every source, and
// judges the health of the configured ones. cfg may be nil.
func collectStatus(root string, layout paths.Layout, cfg *config.Config, now time.Time, warn func(string)) ([]SourceStatus, error) {
	if warn == nil {
		warn = func(string) {}
	}
	var configured []string
	if cfg != nil {
		configured = cfg.Order
	}
	store := snapshot.New(root)
	onDisk, err := store.Sources()
	if err != nil {
		return nil, err
	}
	entries, bad, err := (&journal.Journal{Path: layout.Journal()}).ReadAll()
	for _, b := range bad {
		warn(b.Error())
	}
	if err != nil {
		warn(fmt.Sprintf("reading the journal: %v (runs after this point are not shown)", err))
	}
	summaries := journal.Summarize(entries)
	records := health.FromJournal(entries)
	isConf := map[string]bool{}
	names := append([]string(nil), configured...)
	for _, n := range configured {
		isConf[n] = true
	}
	var extra []string
	for _, n := range onDisk {
		if !isConf[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	names = append(names, extra...)
	rows := make([]SourceStatus, 0, len(names))
	for _, n := range names {
		row := SourceStatus{Source: n, Configured: isConf[n], Problems: []string{}}
		if err := row.fromFiles(store); err != nil {
			return nil, err
		}
		row.fromJournal(summaries[n])
		if isConf[n] {
			row.judge(cfg, cfg.Sources[n], records[n], now)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (r *SourceStatus) fromFiles(store *snapshot.Store) error {
	l, err := store.List(r.Source)
	if err != nil {
		return err
	}
	r.Snapshots = len(l.Snapshots)
	for _, s := range l.Snapshots {
		r.Bytes += s.Size
	}
	if n := len(l.Snapshots); n > 0 {
		t := l.Snapshots[n-1].Time
		r.Newest = &t
	}
	for _, u := range l.Undatable {
		r.Undatable = append(r.Undatable, u.Path)
	}
	return nil
}

func (r *SourceStatus) fromJournal(s *journal.Summary) {
	if s == nil {
		return
	}
	if e := s.LastAttempt; e != nil {
		t := e.End
		r.LastAttempt, r.Outcome, r.LastError = &t, e.Outcome, e.Error
	}
	if e := s.LastSuccess; e != nil {
		t := e.End
		r.LastSuccess = &t
	}
	r.Failures = s.Failures
}

// CheckGaps looks for gaps in every configured source (reading its
// snapshots through the index) and marks those with gaps at risk.
func (a *App) CheckGaps(ctx context.Context, rows []SourceStatus) error {
	for i := range rows {
		r := &rows[i]
		if !r.Configured {
			continue
		}
		n, err := a.Gaps(ctx, r.Source)
		if err != nil {
			return fmt.Errorf("%s: looking for gaps: %w", r.Source, err)
		}
		r.MarkGaps(n)
	}
	return nil
}

// MarkGaps records that n gaps were found between the source's snapshots
// (as the doctor finds them): a source with gaps is at risk.
func (r *SourceStatus) MarkGaps(n int) {
	atRisk := n > 0
	r.AtRisk, r.Gaps = &atRisk, &n
	if atRisk {
		r.Problems = append(r.Problems, health.AtRisk)
		r.State = strings.Join(r.Problems, ",")
	}
}

// judge fills the health fields of a configured source. Gaps are checked
// apart (CheckGaps), as they read the snapshots; until then at_risk is
// absent.
func (r *SourceStatus) judge(cfg *config.Config, src *config.Source, rec health.Record, now time.Time) {
	policy := health.Policy{FailingAfter: cfg.Daemon.FailingAfter}
	interval := src.Timing.Spec.Interval()
	st := policy.Evaluate(rec, interval, -1, now)
	r.Problems, r.Stale, r.Failing = append([]string{}, st.Problems()...), st.Stale, st.Failing
	r.Failures = rec.Failures
	switch {
	case len(r.Problems) > 0:
		r.State = st.String()
	case rec.LastAttempt.IsZero():
		r.State = "never run"
	case rec.LastSuccess.IsZero():
		r.State = "no success yet"
	default:
		r.State = "ok"
	}
	r.Schedule, r.WhenPath = src.Timing.Spec.String(), src.WhenPresent
	r.Interval = interval.Seconds()
	if due := src.Timing.Next(rec.History); !due.Never {
		t := due.At
		if t.IsZero() || t.Before(now) {
			t = now
		}
		r.NextRun = &t
	}
}

// CheckExit is the error of a status check: nil when no configured
// source has a problem.
func CheckExit(rows []SourceStatus) error {
	var bad []string
	for _, r := range rows {
		if len(r.Problems) > 0 {
			bad = append(bad, r.Source+" ("+r.State+")")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d source(s) need attention: %s", len(bad), strings.Join(bad, ", "))
	}
	return nil
}
