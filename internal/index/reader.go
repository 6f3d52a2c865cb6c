package index

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"slices"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// rawConn is what the reader needs of the SQLite driver's connection: it
// talks to it directly rather than through database/sql, whose Rows.Scan
// converts every column by reflection and copies each blob a second time.
type rawConn interface {
	driver.QueryerContext
	driver.ExecerContext
}

// readItems reads the items of q in batches and passes each to send,
// stopping when send returns false. Everything is read in one read
// transaction, so a refresh committing meanwhile is not seen halfway.
func (x *Index) readItems(ctx context.Context, q Query, send func([]dal.Item) bool) error {
	for attempt := 0; ; attempt++ {
		err := x.readOnce(ctx, q, send)
		if !errors.Is(err, errNoSearch) || attempt == 5 {
			return err
		}
		// Found before any item was sent: write the missing search
		// entries, then read again.
		if err := x.ensureSearch(ctx, q.Sources); err != nil {
			return err
		}
	}
}

// readOnce is readItems, unless a source of a search has no search
// entries: then it returns errNoSearch before sending anything.
func (x *Index) readOnce(ctx context.Context, q Query, send func([]dal.Item) bool) error {
	conn, err := x.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(rawConn)
		if !ok {
			return fmt.Errorf("index: the SQLite driver cannot run queries directly (%T)", dc)
		}
		if _, err := c.ExecContext(ctx, "BEGIN", nil); err != nil {
			return err
		}
		// The connection goes back to the pool: end the transaction even
		// when ctx is done.
		defer c.ExecContext(context.Background(), "ROLLBACK", nil)
		r := &reader{c: c, q: q}
		if err := r.open(ctx); err != nil {
			return err
		}
		return r.run(ctx, send)
	})
}

// reader merges the item streams of a query's sources.
type reader struct {
	c       rawConn
	q       Query
	streams []*stream
}

// stream is one source's items in output order (or reversed), read block
// by block.
type stream struct {
	idx    int // in q.Sources
	name   string
	sid    int64
	stamps map[uint32]time.Time // snapshot id -> stamp
	segs   map[int][]rec        // record segments read lately (at most keptSegs)
	match  *hits                // search hits; nil: every item
	// The blocks to read: those in where (with args), in order, after the
	// last one read (lastK); or, for a search with few hits, those listed.
	where, order, after string
	args                []any
	lastK               []byte      // sort key of the last block read; nil before the first
	done                bool        // the last fetch found the end
	listed              []int64     // nil unless listed
	read                int         // blocks read so far
	ready               [][]byte    // blocks fetched, not yet decoded
	items               []blockItem // the current block, in reading order
	pos                 int
	head                *blockItem // the next item, once peeked
}

// query runs a statement and returns its rows.
func (r *reader) query(ctx context.Context, q string, args ...any) (driver.Rows, error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, err
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return r.c.QueryContext(ctx, q, named)
}

// each calls fn with every row of a query.
func (r *reader) each(ctx context.Context, fn func([]driver.Value) error, q string, args ...any) error {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(dest); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(dest); err != nil {
			return err
		}
	}
}

// open finds the sources, runs the search and lists each source's blocks
// to read.
func (r *reader) open(ctx context.Context) error {
	bySid := map[int64]*stream{}
	fts := dal.FTSQuery(r.q.Search)
	for i, name := range r.q.Sources {
		s := &stream{idx: i, name: name, stamps: map[uint32]time.Time{}, segs: map[int][]rec{}}
		found, searchable := false, false
		err := r.each(ctx, func(v []driver.Value) error {
			s.sid, found = v[0].(int64), true
			n, _ := v[1].(int64)
			searchable = n == 1
			return nil
		}, "SELECT id, fts FROM sources WHERE name = ?", name)
		if err != nil {
			return err
		}
		if !found {
			continue // never indexed: no items
		}
		if fts != "" && !searchable {
			return errNoSearch
		}
		err = r.each(ctx, func(v []driver.Value) error {
			id, _ := v[0].(int64)
			ns, _ := v[1].(int64)
			s.stamps[uint32(id)] = time.Unix(0, ns).UTC()
			return nil
		}, "SELECT id, stamp_ns FROM snapshots WHERE source = ?", name)
		if err != nil {
			return err
		}
		r.streams = append(r.streams, s)
		bySid[s.sid] = s
	}
	if fts != "" {
		for _, s := range r.streams {
			s.match = &hits{}
		}
		err := r.each(ctx, func(v []driver.Value) error {
			rowid, _ := v[0].(int64)
			if s := bySid[rowid>>32]; s != nil {
				s.match.add(uint32(rowid))
			}
			return nil
		}, "SELECT rowid FROM items_fts WHERE items_fts MATCH ?", fts)
		if err != nil {
			return fmt.Errorf("search %q: %w", r.q.Search, err)
		}
	}
	for _, s := range r.streams {
		if err := r.start(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// start prepares a stream's reading: the blocks that can hold an item
// within the time bounds, in reading order. With a search of few hits it
// lists the blocks holding a hit; otherwise fetch reads the blocks in
// order a group at a time, each group starting after the last block read,
// so that a query with a small limit reads only the first blocks.
func (r *reader) start(ctx context.Context, s *stream) error {
	s.where, s.args = "source = ?", []any{s.sid}
	if !r.q.After.IsZero() {
		s.where, s.args = s.where+" AND t_hi >= ?", append(s.args, r.q.After.UnixNano())
	}
	if !r.q.Before.IsZero() {
		s.where, s.args = s.where+" AND t_lo < ?", append(s.args, r.q.Before.UnixNano())
	}
	s.order, s.after = "k", "k > ?"
	if r.q.Reverse {
		s.order, s.after = "k DESC", "k < ?"
	}
	// With few search hits, only their blocks are read; with many, the
	// blocks are read in order like without a search (a limit then stops
	// the reading early), saving the look-up of every hit's block.
	if s.match == nil || s.match.n > manyHits {
		return nil
	}
	blocks := map[int64]bool{}
	for id := range s.match.all {
		rc, err := r.rec(ctx, s, id)
		if err != nil {
			return err
		}
		if rc.block != 0 {
			blocks[rc.block] = true
		}
	}
	list, _ := json.Marshal(slices.Sorted(maps.Keys(blocks)))
	s.listed = []int64{}
	return r.each(ctx, func(v []driver.Value) error {
		id, _ := v[0].(int64)
		s.listed = append(s.listed, id)
		return nil
	}, "SELECT id FROM blocks WHERE "+s.where+" AND id IN (SELECT value FROM json_each(?)) ORDER BY "+s.order, append(s.args, string(list))...)
}

// keptSegs is the most record segments a stream keeps decoded (about
// 74 KB each).
var keptSegs = 32

// hits are a stream's search hits, one bit per local id: an eighth of a
// byte per item, however many match.
type hits struct {
	bits []uint64
	n    int
}

func (h *hits) add(id uint32) {
	if w := int(id / 64); w >= len(h.bits) {
		h.bits = append(h.bits, make([]uint64, w+1-len(h.bits))...)
	}
	if !h.has(id) {
		h.bits[id/64] |= 1 << (id % 64)
		h.n++
	}
}

func (h *hits) has(id uint32) bool {
	w := int(id / 64)
	return w < len(h.bits) && h.bits[w]&(1<<(id%64)) != 0
}

// all yields the ids in increasing order.
func (h *hits) all(yield func(uint32) bool) {
	for w, b := range h.bits {
		for b != 0 {
			i := bits.TrailingZeros64(b)
			if !yield(uint32(w*64 + i)) {
				return
			}
			b &= b - 1
		}
	}
}

// manyHits is the number of search hits above which a search reads all
// the blocks within the time bounds, in order.
var manyHits = 512

// fetchGroup is the most blocks a stream reads with one statement: it
// reads one block first, then twice as many each time, so that a query
// with a small limit reads little. Each statement's rows are read to the
// end before any other runs: the reader never keeps a statement open
// while running another.
const fetchGroup = 256

// fetch reads the stream's next group of blocks into s.ready; none at
// the stream's end.
func (r *reader) fetch(ctx context.Context, s *stream) error {
	s.ready = s.ready[:0]
	n := min(fetchGroup, s.read+1)
	if s.listed != nil {
		return r.fetchListed(ctx, s, n)
	}
	if s.done {
		return nil
	}
	q, args := "SELECT k, data FROM blocks WHERE "+s.where, s.args
	if s.lastK != nil {
		q, args = q+" AND "+s.after, append(slices.Clip(args), s.lastK)
	}
	err := r.each(ctx, func(v []driver.Value) error {
		k, _ := v[0].([]byte)
		b, ok := v[1].([]byte)
		if !ok || k == nil {
			return damaged("a block of %s holds %T", s.name, v[1])
		}
		s.lastK = k
		s.ready = append(s.ready, b)
		return nil
	}, q+" ORDER BY "+s.order+" LIMIT ?", append(slices.Clip(args), n)...)
	s.read += len(s.ready)
	s.done = len(s.ready) < n
	return err
}

// fetchListed reads the next n of the stream's listed blocks.
func (r *reader) fetchListed(ctx context.Context, s *stream, n int) error {
	ids := s.listed[s.read:min(len(s.listed), s.read+n)]
	s.read += len(ids)
	if len(ids) == 0 {
		return nil
	}
	list, _ := json.Marshal(ids)
	data := make(map[int64][]byte, len(ids))
	err := r.each(ctx, func(v []driver.Value) error {
		id, _ := v[0].(int64)
		b, ok := v[1].([]byte)
		if !ok {
			return damaged("block %d of %s holds %T", id, s.name, v[1])
		}
		data[id] = b
		return nil
	}, "SELECT id, data FROM blocks WHERE id IN (SELECT value FROM json_each(?))", string(list))
	if err != nil {
		return err
	}
	for _, id := range ids {
		b, ok := data[id]
		if !ok {
			return damaged("block %d of %s is gone", id, s.name)
		}
		s.ready = append(s.ready, b)
	}
	return nil
}

// rec returns the record of item id, reading its segment if needed.
func (r *reader) rec(ctx context.Context, s *stream, id uint32) (*rec, error) {
	seg := int(id) / segSize
	recs, ok := s.segs[seg]
	if !ok {
		err := r.each(ctx, func(v []driver.Value) error {
			data, _ := v[0].([]byte)
			var err error
			recs, err = decodeSegment(nil, data)
			return err
		}, "SELECT data FROM recs WHERE source = ? AND seg = ?", s.sid, seg)
		if err != nil {
			return nil, err
		}
		if len(s.segs) >= keptSegs {
			clear(s.segs) // a query reads them mostly in order: memory stays bounded
		}
		s.segs[seg] = recs
	}
	if i := int(id) - seg*segSize; i < len(recs) {
		return &recs[i], nil
	}
	return nil, damaged("%s has no record of item %d", s.name, id)
}

// peek returns the stream's next item within the query, or nil at its end.
func (r *reader) peek(ctx context.Context, s *stream) (*blockItem, error) {
	for s.head == nil {
		if s.pos == len(s.items) {
			if len(s.ready) == 0 {
				if err := r.fetch(ctx, s); err != nil {
					return nil, err
				}
				if len(s.ready) == 0 {
					return nil, nil
				}
			}
			items, err := decodeBlock(s.ready[0])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.name, err)
			}
			s.ready = s.ready[1:]
			if r.q.Reverse {
				slices.Reverse(items)
			}
			s.items, s.pos = items, 0
			continue
		}
		it := &s.items[s.pos]
		s.pos++
		if r.keep(s, it) {
			s.head = it
		}
	}
	return s.head, nil
}

// keep applies the time bounds and the search.
func (r *reader) keep(s *stream, it *blockItem) bool {
	if s.match != nil && !s.match.has(it.id) {
		return false
	}
	if r.q.After.IsZero() && r.q.Before.IsZero() {
		return true
	}
	return it.hasTime && (r.q.After.IsZero() || it.time >= r.q.After.UnixNano()) &&
		(r.q.Before.IsZero() || it.time < r.q.Before.UnixNano())
}

// before reports whether a (of stream sa) comes before b (of sb) in the
// output order across sources: items without a time first, then by
// time, then by the order of the sources.
func before(a *blockItem, sa *stream, b *blockItem, sb *stream) bool {
	switch {
	case a.hasTime != b.hasTime:
		return !a.hasTime
	case a.time != b.time:
		return a.time < b.time
	}
	return sa.idx < sb.idx
}

// run merges the streams and sends the items in batches.
func (r *reader) run(ctx context.Context, send func([]dal.Item) bool) error {
	const batch = 256
	items := make([]dal.Item, 0, batch)
	for n := 0; r.q.Limit <= 0 || n < r.q.Limit; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var best *stream
		var bestIt *blockItem
		for _, s := range r.streams {
			it, err := r.peek(ctx, s)
			if err != nil {
				return err
			}
			if it == nil {
				continue
			}
			if best == nil || before(it, s, bestIt, best) != r.q.Reverse {
				best, bestIt = s, it
			}
		}
		if best == nil {
			break
		}
		best.head = nil
		it, err := r.item(ctx, best, bestIt)
		if err != nil {
			return err
		}
		if items = append(items, it); len(items) == batch {
			if !send(items) {
				return nil
			}
			items = make([]dal.Item, 0, batch)
		}
	}
	if len(items) > 0 {
		send(items)
	}
	return nil
}

// item builds the dal.Item of a block item.
func (r *reader) item(ctx context.Context, s *stream, b *blockItem) (dal.Item, error) {
	rc, err := r.rec(ctx, s, b.id)
	if err != nil {
		return dal.Item{}, err
	}
	it := dal.Item{Source: s.name, Kind: b.kind, Key: b.key, Title: b.text(0), URL: b.text(1), Text: b.text(2),
		Raw: b.raw, FirstSeen: s.stamps[rc.first.snap], LastSeen: s.stamps[rc.last.snap]}
	if b.hasTime {
		it.Time = time.Unix(0, b.time).UTC()
	}
	return it, nil
}
