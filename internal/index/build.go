package index

import (
	"bytes"
	"context"
	"database/sql"
	"runtime"
	"sort"
	"sync"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

// build writes a merge result into a source that holds no items (a first
// build, or a rebuild after dropSource): the items go into blocks in
// output order, as the merge sorted them, each with its record, key and
// error. Nothing is compared with stored records or read back, and no
// item's text is held but the block's being encoded. The search entries
// are left for the first search (ensureSearch): writing them costs more
// than the merge.
//
// Blocks are encoded (key and content hashes, text spans) on all cores a
// group at a time, while this goroutine writes the groups before them.
func (w *writer) build(ctx context.Context, snaps []snapshot.Snapshot, progress func(items int)) error {
	snapIDs, err := w.snapIDs(snaps)
	if err != nil {
		return err
	}
	ranks := make([]string, len(snaps))
	for i, s := range snaps {
		ranks[i] = Rank(s)
	}
	items := w.res.Items
	order := outputOrder(items, ranks)
	var base int64 // blocks get the ids after the largest in use
	if err := w.tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM blocks").Scan(&base); err != nil {
		return err
	}
	sizes := make([]int, len(items))
	for i, j := range order {
		m := &items[j]
		sizes[i] = itemSize(&blockItem{id: uint32(i), hasTime: !m.Time.IsZero(), time: m.Time.UnixNano(), kind: m.Kind, key: m.Key, raw: m.Raw})
	}
	ends := cuts(sizes)
	if len(items) == 0 {
		ends = nil
	}
	b := &builder{w: w, items: items, order: order, ranks: ranks, snapIDs: snapIDs, ends: ends, base: base}
	ins, err := newInserter(ctx, w.tx, w.sid)
	if err != nil {
		return err
	}
	defer ins.close()
	const group = 16 // blocks a worker encodes at once
	groups := make(chan chan *built, runtime.GOMAXPROCS(0)+1)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // hands out the groups in order, each to a goroutine of its own, at most cap(groups) at once
		defer close(groups)
		for lo := 0; lo < len(ends); lo += group {
			out := make(chan *built, 1)
			select {
			case groups <- out:
			case <-stop:
				return
			}
			go func(lo, hi int) { out <- b.encode(lo, hi) }(lo, min(len(ends), lo+group))
		}
	}()
	done := 0
	for out := range groups {
		g := <-out
		for i := range g.blocks {
			if err := ins.block(ctx, &g.blocks[i]); err != nil {
				return err
			}
		}
		for i := range g.recs {
			if err := ins.rec(ctx, &g.recs[i]); err != nil {
				return err
			}
		}
		for _, e := range g.errs {
			w.errSet[e.id] = e.msg
		}
		done += len(g.recs)
		if progress != nil {
			progress(done)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	// Items whose newest version is not valid JSON have a record and an
	// error, but no block.
	h := newHasher()
	for i := range w.res.Invalid {
		m := &w.res.Invalid[i]
		id := uint32(len(items) + i)
		r := rec{kh: keyHash(h, m.Kind, m.Key), hash: contentHash(h, m), flags: recInvalid | recHasErr,
			first: pos32{snapIDs[m.First.Snap], uint32(m.First.Seq)}, last: pos32{snapIDs[m.Last.Snap], uint32(m.Last.Seq)}}
		if !m.Time.IsZero() {
			r.flags |= recHasTime
			r.time = m.Time.UnixNano()
		}
		if err := ins.rec(ctx, &r); err != nil {
			return err
		}
		w.errSet[id] = m.Err.Error()
	}
	if err := ins.flush(ctx); err != nil {
		return err
	}
	return w.writeErrors(ctx)
}

// outputOrder is the order of items by sortKey, which the merge's order
// is: the identity, unless the snapshots' ranks do not sort like their
// positions (then items are sorted, to be safe).
func outputOrder(items []dal.Merged, ranks []string) []int {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	key := func(dst []byte, i int) []byte {
		m := &items[i]
		return sortKey(dst, !m.Time.IsZero(), m.Time.UnixNano(), ranks[m.First.Snap], uint32(m.First.Seq))
	}
	var prev, cur []byte
	for i := range items {
		cur = key(cur[:0], i)
		if i > 0 && bytes.Compare(prev, cur) >= 0 {
			keys := make([][]byte, len(items))
			for j := range keys {
				keys[j] = key(nil, j)
			}
			sort.SliceStable(order, func(a, b int) bool { return bytes.Compare(keys[order[a]], keys[order[b]]) < 0 })
			return order
		}
		prev, cur = cur, prev
	}
	return order
}

// builder encodes the blocks of a build.
type builder struct {
	w       *writer
	items   []dal.Merged
	order   []int // items' indexes in output order
	ranks   []string
	snapIDs []uint32
	ends    []int // where each block ends in order
	base    int64 // block n has id base+1+n
}

// built is a group of encoded blocks with the records of their items.
type built struct {
	blocks []encoded
	recs   []rec // ids from the group's first item on
	errs   []itemErr
}

type encoded struct {
	id       int64
	k        []byte
	tlo, thi any
	n        int
	data     *[]byte // from blockBufs, given back once written
}

// blockBufs holds the buffers blocks are encoded in: the driver copies a
// blob when it binds it, so a buffer is free again once its block is
// written (a build would otherwise leave its whole size as garbage).
var blockBufs = sync.Pool{New: func() any { return new([]byte) }}

type itemErr struct {
	id  uint32
	msg string
}

// encode encodes blocks lo to hi (exclusive). An item's id is its place
// in output order.
func (b *builder) encode(lo, hi int) *built {
	start := 0
	if lo > 0 {
		start = b.ends[lo-1]
	}
	g := &built{recs: make([]rec, 0, b.ends[hi-1]-start)}
	h := newHasher()
	var chunk []blockItem
	for n := lo; n < hi; n++ {
		bid := b.base + 1 + int64(n)
		chunk = chunk[:0]
		end := b.ends[n]
		for i := start; i < end; i++ {
			m := &b.items[b.order[i]]
			id := uint32(i)
			r := rec{kh: keyHash(h, m.Kind, m.Key), hash: contentHash(h, m), block: bid,
				first: pos32{b.snapIDs[m.First.Snap], uint32(m.First.Seq)}, last: pos32{b.snapIDs[m.Last.Snap], uint32(m.Last.Seq)}}
			if !m.Time.IsZero() {
				r.flags |= recHasTime
				r.time = m.Time.UnixNano()
			}
			if m.Err != nil {
				r.flags |= recHasErr
				g.errs = append(g.errs, itemErr{id, m.Err.Error()})
			}
			g.recs = append(g.recs, r)
			chunk = append(chunk, newBlockItem(b.w.res, id, r.flags&recHasTime != 0, r.time, m.Kind, m.Key, m.Raw))
		}
		first := &b.items[b.order[start]]
		tlo, thi := timeRange(chunk)
		buf := blockBufs.Get().(*[]byte)
		*buf = appendBlock((*buf)[:0], chunk)
		g.blocks = append(g.blocks, encoded{id: bid, tlo: tlo, thi: thi, n: len(chunk), data: buf,
			k: sortKey(nil, !first.Time.IsZero(), first.Time.UnixNano(), b.ranks[first.First.Snap], uint32(first.First.Seq))})
		start = end
	}
	return g
}

// inserter writes a build's blocks and its records a segment at a time,
// with prepared statements.
type inserter struct {
	blocks, recs, keys *sql.Stmt
	sid                int64
	seg                int
	pending            []rec
}

func newInserter(ctx context.Context, tx *sql.Tx, sid int64) (*inserter, error) {
	ins := &inserter{sid: sid, pending: make([]rec, 0, segSize)}
	var err error
	if ins.blocks, err = tx.PrepareContext(ctx, "INSERT INTO blocks (id, source, k, t_lo, t_hi, n, data) VALUES (?, ?, ?, ?, ?, ?, ?)"); err != nil {
		return nil, err
	}
	if ins.recs, err = tx.PrepareContext(ctx, "INSERT INTO recs (source, seg, data) VALUES (?, ?, ?)"); err != nil {
		ins.close()
		return nil, err
	}
	if ins.keys, err = tx.PrepareContext(ctx, "INSERT INTO keys (source, seg, data) VALUES (?, ?, ?)"); err != nil {
		ins.close()
		return nil, err
	}
	return ins, nil
}

func (ins *inserter) close() {
	for _, s := range []*sql.Stmt{ins.blocks, ins.recs, ins.keys} {
		if s != nil {
			s.Close()
		}
	}
}

func (ins *inserter) block(ctx context.Context, b *encoded) error {
	_, err := ins.blocks.ExecContext(ctx, b.id, ins.sid, b.k, b.tlo, b.thi, b.n, *b.data)
	blockBufs.Put(b.data)
	b.data = nil
	return err
}

// rec adds the next record, writing its segment once full.
func (ins *inserter) rec(ctx context.Context, r *rec) error {
	ins.pending = append(ins.pending, *r)
	if len(ins.pending) == segSize {
		return ins.flush(ctx)
	}
	return nil
}

// flush writes the records not written yet (a last, partial segment).
func (ins *inserter) flush(ctx context.Context) error {
	if len(ins.pending) == 0 {
		return nil
	}
	if _, err := ins.recs.ExecContext(ctx, ins.sid, ins.seg, encodeSegment(ins.pending)); err != nil {
		return err
	}
	if _, err := ins.keys.ExecContext(ctx, ins.sid, ins.seg, encodeKeys(ins.pending)); err != nil {
		return err
	}
	ins.seg++
	ins.pending = ins.pending[:0]
	return nil
}
