package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
)

var t0 = time.Date(2026, 3, 10, 14, 7, 0, 0, time.UTC) // a Tuesday

func TestParse(t *testing.T) {
	tests := []struct {
		text     string
		interval time.Duration
		next     time.Time // Next(t0)
	}{
		{"@daily", 24 * time.Hour, time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"@midnight", 24 * time.Hour, time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"@hourly", time.Hour, time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)},
		{"@weekly", 7 * 24 * time.Hour, time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)},
		{"@monthly", 31 * 24 * time.Hour, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"0 */6 * * *", 6 * time.Hour, time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)},
		{"30 9 * * 1-5", 72 * time.Hour, time.Date(2026, 3, 11, 9, 30, 0, 0, time.UTC)},
		{"*/15 * * * *", 15 * time.Minute, time.Date(2026, 3, 10, 14, 15, 0, 0, time.UTC)},
		{"every 6h", 6 * time.Hour, t0.Add(6 * time.Hour)},
		{"@every 90m", 90 * time.Minute, t0.Add(90 * time.Minute)},
		{"every 2d", 48 * time.Hour, t0.Add(48 * time.Hour)},
		{"every 1d12h", 36 * time.Hour, t0.Add(36 * time.Hour)},
		{"  every 2s ", 2 * time.Second, t0.Add(2 * time.Second)},
	}
	for _, tt := range tests {
		s, err := Parse(tt.text)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.text, err)
			continue
		}
		if got := s.Interval(); got != tt.interval {
			t.Errorf("%q: interval %s, want %s", tt.text, got, tt.interval)
		}
		if got := s.Next(t0); !got.Equal(tt.next) {
			t.Errorf("%q: Next = %s, want %s", tt.text, got, tt.next)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", "empty schedule"},
		{"daily", "expected exactly 5 fields"},
		{"0 0 30 2 *", "never fires"},
		{"61 * * * *", "above maximum"},
		{"every", "expected exactly 5 fields"},
		{"every soon", `cannot read "soon" as a duration`},
		{"every 100ms", "at least 1s"},
		{"@fortnightly", "unrecognized descriptor"},
		{"* * * * * *", "expected exactly 5 fields"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.text, err, tt.want)
		}
	}
}

func TestJitterDeterministicAndSpread(t *testing.T) {
	bound := 10 * time.Minute
	if first, again := Jitter("rtm", bound), Jitter("rtm", bound); first != again {
		t.Fatalf("jitter differs between calls: %v, then %v", first, again)
	}
	seen := map[time.Duration]bool{}
	for _, name := range []string{"rtm", "firefox", "zsh", "bash", "github", "kobo"} {
		j := Jitter(name, bound)
		if j < 0 || j >= bound {
			t.Errorf("%s: jitter %s outside [0, %s)", name, j, bound)
		}
		seen[j] = true
	}
	if len(seen) < 5 {
		t.Errorf("jitters not spread: %v", seen)
	}
	if Jitter("x", 0) != 0 {
		t.Error("zero bound gives non-zero jitter")
	}
	if got := DefaultJitter(MustParse("@daily")); got != MaxDefaultJitter {
		t.Errorf("daily default jitter %s", got)
	}
	if got := DefaultJitter(MustParse("every 10s")); got != time.Second {
		t.Errorf("10s default jitter %s", got)
	}
	// The shortcut through the first gap gives what the longest gap gives.
	for _, text := range []string{"@daily", "@hourly", "*/5 * * * *", "*/5 9-17 * * *", "0,50 * * * *", "30 9 * * 1-5", "every 30m", "every 3h"} {
		s := MustParse(text)
		if got, want := DefaultJitter(s), min(s.Interval()/10, MaxDefaultJitter); got != want {
			t.Errorf("%q: default jitter %s, want %s", text, got, want)
		}
	}
}

func TestNext(t *testing.T) {
	daily := Timing{Spec: MustParse("@daily"), Jitter: 3 * time.Minute, Backoff: DefaultBackoff}
	every := Timing{Spec: MustParse("every 6h"), Backoff: DefaultBackoff}
	midnight := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		timing Timing
		h      History
		at     time.Time
		reason string
	}{
		{"never ran: now", daily, History{}, time.Time{}, ReasonFirst},
		{"after success: next firing plus jitter", daily, History{LastSuccess: t0, LastAttempt: t0}, midnight.Add(3 * time.Minute), ReasonSchedule},
		{"interval from last success", every, History{LastSuccess: t0, LastAttempt: t0}, t0.Add(6 * time.Hour), ReasonSchedule},
		{"first failure: retry after 5m", daily, History{LastSuccess: t0.Add(-24 * time.Hour), LastAttempt: t0, Failures: 1}, t0.Add(5 * time.Minute), "retry 1 of 3"},
		{"second failure: 15m", daily, History{LastAttempt: t0, Failures: 2}, t0.Add(15 * time.Minute), "retry 2 of 3"},
		{"third failure: 45m", daily, History{LastAttempt: t0, Failures: 3}, t0.Add(45 * time.Minute), "retry 3 of 3"},
		{"ladder exhausted: next regular firing", daily, History{LastAttempt: t0, Failures: 4}, midnight.Add(3 * time.Minute), ReasonSchedule},
		{"ladder starts again", daily, History{LastAttempt: t0, Failures: 5}, t0.Add(5 * time.Minute), "retry 1 of 3"},
		{"regular firing sooner than retry", Timing{Spec: MustParse("every 10m"), Backoff: DefaultBackoff}, History{LastAttempt: t0, Failures: 3}, t0.Add(10 * time.Minute), ReasonSchedule},
		{"no backoff: regular", Timing{Spec: MustParse("@hourly")}, History{LastAttempt: t0, Failures: 1}, time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), ReasonSchedule},
	}
	for _, tt := range tests {
		d := tt.timing.Next(tt.h)
		if !d.At.Equal(tt.at) || !strings.HasPrefix(d.Reason, tt.reason) || d.Never {
			t.Errorf("%s: got %s %q, want %s %q", tt.name, d.At, d.Reason, tt.at, tt.reason)
		}
	}
	if d := (Timing{}).Next(History{}); !d.Never || d.IsDue(t0) {
		t.Errorf("zero spec: %+v", d)
	}
}

// Catch-up: a daily source whose last success is two days old is due at
// once, and reported as missed; one that ran an hour ago is not.
func TestCatchUp(t *testing.T) {
	daily := Timing{Spec: MustParse("@daily"), Backoff: DefaultBackoff}
	now := t0
	old := daily.Next(History{LastSuccess: now.Add(-48 * time.Hour), LastAttempt: now.Add(-48 * time.Hour)})
	if !old.IsDue(now) || !old.Missed(now, time.Minute) {
		t.Errorf("two-day-old success: due %v missed %v (%s)", old.IsDue(now), old.Missed(now, time.Minute), old.At)
	}
	fresh := daily.Next(History{LastSuccess: now.Add(-time.Hour), LastAttempt: now.Add(-time.Hour)})
	if fresh.IsDue(now) {
		t.Errorf("hour-old success is due: %s", fresh.At)
	}
	// A weekday schedule missed on a Tuesday is caught up on Tuesday,
	// although the interval (the weekend gap) has not elapsed.
	weekdays := Timing{Spec: MustParse("30 9 * * 1-5")}
	mon := time.Date(2026, 3, 9, 9, 30, 0, 0, time.UTC)
	d := weekdays.Next(History{LastSuccess: mon, LastAttempt: mon})
	if !d.IsDue(t0) {
		t.Errorf("missed Tuesday run not due on Tuesday afternoon: %s", d.At)
	}
	first := daily.Next(History{})
	if !first.IsDue(now) || first.Missed(now, time.Minute) {
		t.Errorf("first run: %+v", first)
	}
}

func TestJumpDetector(t *testing.T) {
	c := clock.NewFake(t0)
	j := JumpDetector{Threshold: time.Minute}
	if _, jumped := j.Observe(c); jumped {
		t.Fatal("first observation jumped")
	}
	c.Advance(time.Hour)
	if d, jumped := j.Observe(c); jumped {
		t.Errorf("plain time passing reported as a jump of %s", d)
	}
	c.Advance(time.Minute)
	c.Jump(8 * time.Hour) // suspended overnight
	if d, jumped := j.Observe(c); !jumped || d != 8*time.Hour {
		t.Errorf("suspend: jump %s, %v", d, jumped)
	}
	c.Jump(-2 * time.Hour)
	if d, jumped := j.Observe(c); !jumped || d != -2*time.Hour {
		t.Errorf("clock set back: jump %s, %v", d, jumped)
	}
	c.Jump(30 * time.Second)
	if _, jumped := j.Observe(c); jumped {
		t.Error("a jump below the threshold was reported")
	}
}

func TestPresenceOncePerAppearance(t *testing.T) {
	exists := false
	stat := func(string) bool { return exists }
	p := Presence{Path: "/media/KOBOeReader"}
	var got []bool
	for _, e := range []bool{false, true, true, true, false, false, true, true} {
		exists = e
		got = append(got, p.Poll(stat))
	}
	want := []bool{false, true, false, false, false, false, true, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("appearances %v, want %v", got, want)
		}
	}
	q := Presence{Path: "x"}
	exists = true
	if !q.Poll(stat) {
		t.Error("a path present at the first poll is not an appearance")
	}
}
