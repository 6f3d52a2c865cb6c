package health

import (
	"reflect"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/journal"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func TestFromJournal(t *testing.T) {
	h := func(d int) time.Time { return t0.Add(time.Duration(d) * time.Hour) }
	entries := []journal.Entry{
		{Source: "a", End: h(1), Outcome: journal.Failed, Error: "old"},
		{Source: "a", End: h(2), Outcome: journal.OK},
		{Source: "a", End: h(3), Outcome: journal.Failed, Error: "boom"},
		{Source: "a", End: h(4), Outcome: journal.Interrupted},
		{Source: "a", End: h(5), Outcome: journal.TimedOut, Error: "timed out"},
		{Source: "a", End: h(6), Outcome: journal.Locked},
		{Source: "b", End: h(1), Outcome: journal.Failed, Error: "x"},
		{Source: "c", End: h(1), Outcome: journal.Interrupted},
	}
	got := FromJournal(entries)
	a := got["a"]
	if !a.LastSuccess.Equal(h(2)) || !a.LastAttempt.Equal(h(5)) || a.Failures != 2 || a.LastError != "timed out" {
		t.Errorf("a = %+v", a)
	}
	if b := got["b"]; !b.LastSuccess.IsZero() || b.Failures != 1 {
		t.Errorf("b = %+v", b)
	}
	if _, ok := got["c"]; ok {
		t.Errorf("a source with only interrupted runs has a record: %+v", got["c"])
	}
}

func TestEvaluate(t *testing.T) {
	p := Policy{FailingAfter: 3}
	day := 24 * time.Hour
	ok := Record{}
	ok.LastSuccess, ok.LastAttempt = t0.Add(-day), t0.Add(-day)
	old := Record{}
	old.LastSuccess = t0.Add(-49 * time.Hour)
	failing := ok
	failing.Failures = 3
	twice := ok
	twice.Failures = 2
	never := Record{}
	never.LastAttempt, never.Failures = t0, 5
	tests := []struct {
		name     string
		r        Record
		interval time.Duration
		gaps     int
		want     []string
	}{
		{"healthy", ok, day, 0, nil},
		{"stale after twice the interval", old, day, -1, []string{Stale}},
		{"not stale within twice", ok, day, -1, nil},
		{"no interval: never stale", old, 0, -1, nil},
		{"failing at N", failing, day, -1, []string{Failing}},
		{"not failing below N", twice, day, -1, nil},
		{"never succeeded: failing, not stale", never, day, -1, []string{Failing}},
		{"gaps: at risk", ok, day, 2, []string{AtRisk}},
		{"all", func() Record { r := old; r.Failures = 4; return r }(), day, 1, []string{Failing, Stale, AtRisk}},
	}
	for _, tt := range tests {
		st := p.Evaluate(tt.r, tt.interval, tt.gaps, t0)
		if got := st.Problems(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if s := (Status{}).String(); s != "ok" {
		t.Errorf("healthy string %q", s)
	}
	if s := (Status{Failing: true, Stale: true}).String(); s != "failing,stale" {
		t.Errorf("string %q", s)
	}
}

// An unchanged run is a success that saw the data at its time; a prune
// record is not a run at all.
func TestFromJournalUnchangedAndPruned(t *testing.T) {
	h := func(d int) time.Time { return t0.Add(time.Duration(d) * 24 * time.Hour) }
	entries := []journal.Entry{
		{Source: "a", End: h(0), Outcome: journal.OK, Path: "/r/a/x.txt"},
		{Source: "a", End: h(1), Outcome: journal.Failed, Error: "boom"},
		{Source: "a", End: h(9), Outcome: journal.Unchanged, Path: "/r/a/x.txt", Confirmed: "20260310T120000Z"},
		{Source: "a", End: h(10), Outcome: journal.Pruned, Path: "/r/a/old.txt"},
	}
	a := FromJournal(entries)["a"]
	if !a.LastSuccess.Equal(h(9)) || !a.LastAttempt.Equal(h(9)) || a.Failures != 0 || a.LastError != "" {
		t.Errorf("record %+v: want the unchanged run as the last success and attempt", a)
	}
	st := Policy{FailingAfter: 1}.Evaluate(a, 24*time.Hour, 0, h(10))
	if st.Stale || st.Failing {
		t.Errorf("a source confirmed unchanged a day ago is %v", st)
	}
	only := FromJournal(entries[:2])["a"]
	if st := (Policy{FailingAfter: 3}).Evaluate(only, 24*time.Hour, 0, h(10)); !st.Stale {
		t.Errorf("without the unchanged run the source should be stale: %v", st)
	}
}
