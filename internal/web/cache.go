package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
)

// profileCache keeps each source's profile (items per kind and per day:
// a full read of the source) until its snapshots change, so that the
// dashboard and the source pages cost a listing of the snapshots, not a
// read of every item. One profile of a source is computed at a time.
type profileCache struct {
	mu      sync.Mutex
	entries map[string]*profileEntry
}

type profileEntry struct {
	mu      sync.Mutex // held while computing
	sig     string
	loc     *time.Location
	profile sourceProfile
}

// sourceProfile is what the web app keeps of a source until its
// snapshots change: the doctor's report (items, time span, errors, gaps),
// the app's profile (items per kind and per day), and how many items may
// carry coordinates (their raw JSON names one of the members Coordinates
// reads), so that the map skips the sources that have none.
type sourceProfile struct {
	Checkup app.Checkup
	app.Profile
	MaybePlaces int
}

func newProfileCache() *profileCache { return &profileCache{entries: map[string]*profileEntry{}} }

// signature names the state of a target's snapshots: their names, sizes
// and modification times, and the files whose names hold no date.
func signature(t app.Target) (string, error) {
	snaps, undatable, err := t.Snapshots()
	if err != nil {
		return "", err
	}
	h := fnv.New128a()
	for _, s := range snaps {
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", s.Path, s.Size, s.Mtime.UnixNano())
	}
	for _, u := range undatable {
		fmt.Fprintf(h, "%s\n", u)
	}
	return fmt.Sprintf("%d:%x", len(snaps), h.Sum(nil)), nil
}

// get returns the profile of t in loc, computing it when the snapshots
// changed since it was last computed.
func (c *profileCache) get(ctx context.Context, rd app.Reader, t app.Target, loc *time.Location) (sourceProfile, error) {
	sig, err := signature(t)
	if err != nil {
		return sourceProfile{}, err
	}
	c.mu.Lock()
	e := c.entries[t.Spec.Source]
	if e == nil {
		e = &profileEntry{}
		c.entries[t.Spec.Source] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sig == sig && e.loc == loc {
		return e.profile, nil
	}
	var sp sourceProfile
	cs, err := rd.Doctor(ctx, []app.Target{t})
	if err != nil {
		return sp, err
	}
	sp.Checkup = cs[0]
	p, err := rd.ProfileEach(ctx, t, loc, func(it *dal.Item) {
		if mayHaveCoordinates(it.Raw) {
			sp.MaybePlaces++
		}
	})
	if err != nil {
		return sp, err
	}
	sp.Profile = p
	e.sig, e.loc, e.profile = sig, loc, sp
	return sp, nil
}

// Warm computes every configured source's profile, so that the first
// dashboard does not wait for them; it returns when done or when ctx is.
func (s *Server) Warm(ctx context.Context) {
	ts, err := s.o.App.Targets(nil)
	if err != nil {
		return
	}
	for _, t := range ts {
		if ctx.Err() != nil {
			return
		}
		if _, err := s.profiles.get(ctx, s.reader(), t, s.o.Location); err != nil && ctx.Err() == nil {
			s.o.Log.Warn("reading a source for the dashboard", "source", t.Spec.Source, "error", err)
		}
	}
}
