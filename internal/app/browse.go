package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// Cursor is a position in a list of items: just after one item (or, with
// Back, just before it), named by the item's time and identity rather
// than by an offset, so that a page is read from the blocks around that
// time instead of from the start, and stays put when a refresh adds items
// elsewhere.
type Cursor struct {
	Time   time.Time `json:"t"` // zero for an item without a time
	Source string    `json:"s"`
	Kind   string    `json:"k"`
	Key    string    `json:"y"`
	Back   bool      `json:"b,omitempty"`
}

// CursorAt is the cursor just after it (or just before it, with back).
func CursorAt(it dal.Item, back bool) *Cursor {
	return &Cursor{Time: it.Time, Source: it.Source, Kind: it.Kind, Key: it.Key, Back: back}
}

// Encode returns the cursor as URL-safe text (see ParseCursor).
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // plain strings and a time: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor reads a cursor written by Encode.
func ParseCursor(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("page cursor %.20q: not base64url: %w", s, err)
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("page cursor %.20q: %w", s, err)
	}
	return &c, nil
}

func (c *Cursor) is(it *dal.Item) bool {
	return it.Source == c.Source && it.Kind == c.Kind && it.Key == c.Key
}

// Browse asks for one page of items.
type Browse struct {
	// Query holds the time bounds, the search words and the display order
	// (Reverse: newest first). Its Limit is not used.
	Query dal.Query
	// Kinds keeps only items of these kinds; none keeps every kind.
	Kinds []string
	Size  int     // items per page; 0 means DefaultPageSize
	At    *Cursor // nil: the first page
}

// DefaultPageSize is the page size of a Browse that sets none.
const DefaultPageSize = 50

// Page is one page of items in display order, with the cursors of the
// pages before and after it (nil when there is none).
type Page struct {
	Items    []dal.Item
	Next     *Cursor
	Prev     *Cursor
	Problems []string // as Reading.Problems
	Warnings []string // as Reading.Warnings
}

// Page reads one page of the items of ts that b selects. The first page
// costs what a read with a limit costs; a later page starts from the
// blocks at its cursor's time (items without a time, which a time bound
// never selects, are found by reading past the timed ones). Asking for
// the page before the first one gives the first page.
func (rd Reader) Page(ctx context.Context, ts []Target, b Browse) (*Page, error) {
	s, err := rd.Open(ctx, ts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Page(ctx, b)
}

// Page reads one page of the session's items; see Reader.Page.
func (s *Session) Page(ctx context.Context, b Browse) (*Page, error) {
	size := b.Size
	if size <= 0 {
		size = DefaultPageSize
	}
	kinds := kindSet(b.Kinds)
	if b.At == nil {
		p := &Page{}
		items, err := s.collect(ctx, b.Query, kinds, nil, size+1, p)
		if err != nil {
			return nil, err
		}
		if len(items) > size {
			items = items[:size]
			p.Next = CursorAt(items[size-1], false)
		}
		p.Items = items
		return p, nil
	}
	c := *b.At
	q := b.Query
	if c.Back {
		q.Reverse = !q.Reverse
	}
	p := &Page{}
	items, err := s.collect(ctx, q, kinds, &c, size+1, p)
	if err != nil {
		return nil, err
	}
	if !c.Back {
		more := len(items) > size
		if more {
			items = items[:size]
		}
		p.Items = items
		if len(items) > 0 {
			p.Prev = CursorAt(items[0], true)
			if more {
				p.Next = CursorAt(items[len(items)-1], false)
			}
		}
		return p, nil
	}
	if len(items) <= size {
		first := b
		first.At = nil
		return s.Page(ctx, first)
	}
	items = items[:size]
	slices.Reverse(items)
	p.Items = items
	p.Prev = CursorAt(items[0], true)
	p.Next = CursorAt(items[len(items)-1], false)
	return p, nil
}

func kindSet(kinds []string) map[string]bool {
	if len(kinds) == 0 {
		return nil
	}
	m := map[string]bool{}
	for _, k := range kinds {
		m[k] = true
	}
	return m
}

// FilterKinds keeps the items of seq whose kind is one of kinds (every
// item when kinds is empty); errors pass through.
func FilterKinds(seq iter.Seq2[dal.Item, error], kinds []string) iter.Seq2[dal.Item, error] {
	set := kindSet(kinds)
	if set == nil {
		return seq
	}
	return func(yield func(dal.Item, error) bool) {
		for it, err := range seq {
			if err == nil && !set[it.Kind] {
				continue
			}
			if !yield(it, err) {
				return
			}
		}
	}
}

// collect reads at most n items of ts in q's order (of the kinds in the
// set, when not nil), strictly after the item at: the read starts at at's
// time, skips the items of that time up to and including at, and keeps
// the rest. Items without a time come first in forward order and last in
// reverse order; they are reached after the timed ones when no time bound
// excludes them. An anchor that is not found (a "latest" source dropped
// it) skips nothing of its time.
func (s *Session) collect(ctx context.Context, q dal.Query, kinds map[string]bool, at *Cursor, n int, p *Page) ([]dal.Item, error) {
	q.Limit = 0
	unbounded := q.After.IsZero() && q.Before.IsZero()
	var out []dal.Item
	read := func(q dal.Query, keep func(*dal.Item) bool) error {
		r, err := s.Read(ctx, q)
		if err != nil {
			return err
		}
		defer r.Close()
		p.Problems, p.Warnings = r.Problems, r.Warnings
		for it, err := range r.Items {
			if err != nil {
				return err
			}
			if kinds != nil && !kinds[it.Kind] {
				continue
			}
			if !keep(&it) || len(out) >= n {
				return nil
			}
		}
		return nil
	}
	add := func(it *dal.Item) bool {
		out = append(out, *it)
		return len(out) < n
	}
	if at == nil {
		return out, read(q, add)
	}
	g := &group{at: at}
	if !at.Time.IsZero() {
		q1 := q
		if q.Reverse {
			q1.Before = earliest(q.Before, at.Time.Add(time.Nanosecond))
		} else {
			q1.After = latest(q.After, at.Time)
		}
		err := read(q1, func(it *dal.Item) bool { return g.take(it, add) })
		if err != nil {
			return nil, err
		}
		g.flush(add)
		if len(out) >= n || !q.Reverse || !unbounded {
			return out, nil
		}
		// Reverse order without bounds: the items without a time follow.
		return out, read(q, func(it *dal.Item) bool { return !it.Time.IsZero() || add(it) })
	}
	if !unbounded {
		return out, nil // a time bound selects no item without a time
	}
	err := read(q, func(it *dal.Item) bool {
		if q.Reverse && !it.Time.IsZero() && !g.started {
			return true // the timed items come before the untimed ones
		}
		return g.take(it, add)
	})
	if err != nil {
		return nil, err
	}
	g.flush(add)
	return out, nil
}

// group holds the items that share the anchor's time until the anchor's
// place among them is known.
type group struct {
	at      *Cursor
	started bool
	done    bool
	items   []dal.Item
}

// take handles the next item: items of the anchor's time are held, the
// first other item ends the group. It returns false when no more items
// are wanted.
func (g *group) take(it *dal.Item, add func(*dal.Item) bool) bool {
	if g.done {
		return add(it)
	}
	g.started = true
	if it.Time.Equal(g.at.Time) {
		g.items = append(g.items, *it)
		return true
	}
	if !g.flush(add) {
		return false
	}
	return add(it)
}

// flush passes on the group's items after the anchor (all of them when
// the anchor is not among them) and ends the group.
func (g *group) flush(add func(*dal.Item) bool) bool {
	if g.done {
		return true
	}
	g.done = true
	rest := g.items
	for i := range g.items {
		if g.at.is(&g.items[i]) {
			rest = g.items[i+1:]
			break
		}
	}
	for i := range rest {
		if !add(&rest[i]) {
			return false
		}
	}
	g.items = nil
	return true
}

func earliest(bound, t time.Time) time.Time {
	if bound.IsZero() || t.Before(bound) {
		return t
	}
	return bound
}

func latest(bound, t time.Time) time.Time {
	if bound.IsZero() || t.After(bound) {
		return t
	}
	return bound
}
