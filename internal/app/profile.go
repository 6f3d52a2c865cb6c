package app

import (
	"context"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// Profile is what one pass over a source's items tells: how many there
// are, of which kinds, and how many fall on each day.
type Profile struct {
	Items       int
	Untimed     int            // items without a time
	First, Last time.Time      // item times; zero when no item has one
	Kinds       map[string]int // items per kind
	Days        map[Day]int    // items per day, in the location asked for
	Problems    []string       // as Reading.Problems
}

// Day is a calendar day.
type Day struct {
	Year  int
	Month time.Month
	Day   int
}

// DayOf returns the day of t in loc.
func DayOf(t time.Time, loc *time.Location) Day {
	y, m, d := t.In(loc).Date()
	return Day{y, m, d}
}

// Start returns the first instant of the day in loc.
func (d Day) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Profile reads every item of t once (through the index unless the
// reader has none) and counts them by kind and by day in loc. It costs a
// full read of the source: callers that show it often keep it until the
// source's snapshots change.
func (rd Reader) Profile(ctx context.Context, t Target, loc *time.Location) (Profile, error) {
	return rd.ProfileEach(ctx, t, loc, nil)
}

// ProfileEach is Profile, calling each (when not nil) with every item
// read, so that a caller counts more in the same pass.
func (rd Reader) ProfileEach(ctx context.Context, t Target, loc *time.Location, each func(*dal.Item)) (Profile, error) {
	p := Profile{Kinds: map[string]int{}, Days: map[Day]int{}}
	r, err := rd.Read(ctx, []Target{t}, dal.Query{})
	if err != nil {
		return p, err
	}
	defer r.Close()
	p.Problems = r.Problems
	for it, err := range r.Items {
		if err != nil {
			return p, err
		}
		p.Items++
		p.Kinds[it.Kind]++
		if each != nil {
			each(&it)
		}
		if it.Time.IsZero() {
			p.Untimed++
			continue
		}
		if p.First.IsZero() || it.Time.Before(p.First) {
			p.First = it.Time
		}
		if it.Time.After(p.Last) {
			p.Last = it.Time
		}
		p.Days[DayOf(it.Time, loc)]++
	}
	return p, nil
}
