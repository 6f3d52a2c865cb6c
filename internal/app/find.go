package app

import (
	"context"
	"errors"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

// ErrNotFound says that no item has the source, kind and key asked for.
var ErrNotFound = errors.New("no such item")

// Find returns the item of target t with this kind and key. When at is
// not zero it is the item's time, which lets the index read only the
// blocks of that time; an item not found there (its newest version has
// another time) is looked for among all items. No item is ErrNotFound.
func (rd Reader) Find(ctx context.Context, t Target, kind, key string, at time.Time) (dal.Item, error) {
	s, err := rd.Open(ctx, []Target{t})
	if err != nil {
		return dal.Item{}, err
	}
	defer s.Close()
	return s.Find(ctx, t.Spec.Source, kind, key, at)
}

// Find returns the item of one of the session's sources; see Reader.Find.
func (s *Session) Find(ctx context.Context, source, kind, key string, at time.Time) (dal.Item, error) {
	want := Cursor{Source: source, Kind: kind, Key: key}
	find := func(q dal.Query) (dal.Item, bool, error) {
		r, err := s.Read(ctx, q)
		if err != nil {
			return dal.Item{}, false, err
		}
		defer r.Close()
		for it, err := range r.Items {
			if err != nil {
				return dal.Item{}, false, err
			}
			if want.is(&it) {
				return it, true, nil
			}
		}
		return dal.Item{}, false, nil
	}
	if !at.IsZero() {
		it, ok, err := find(dal.Query{After: at, Before: at.Add(time.Nanosecond)})
		if err != nil || ok {
			return it, err
		}
	}
	it, ok, err := find(dal.Query{})
	if err == nil && !ok {
		err = ErrNotFound
	}
	return it, err
}

// Snapshots lists the target's snapshots in time order; files whose names
// hold no date are returned as warnings. A directory that does not exist
// yet has none.
func (t Target) Snapshots() ([]snapshot.Snapshot, []string, error) { return t.list() }

// SnapshotsAt returns the snapshots of snaps whose stamp is at: those an
// item's first or last sighting names (several when exports of one second
// were told apart by a sequence number).
func SnapshotsAt(snaps []snapshot.Snapshot, at time.Time) []snapshot.Snapshot {
	var out []snapshot.Snapshot
	for _, s := range snaps {
		if s.Time.Equal(at) {
			out = append(out, s)
		}
	}
	return out
}
