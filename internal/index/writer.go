package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"runtime"
	"sync"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

// writer merges one dal.Result into a source's stored records and blocks,
// inside the refresh's transaction. It applies the rules of dal.Merge:
// the earliest sighting stays first, the latest sighting's version wins.
// All the comparing is done in Go: the source's key hashes are read whole
// (8 bytes an item), the records only in the segments the result touches;
// only the blocks holding a new, changed or moved item are rewritten.
type writer struct {
	tx     *sql.Tx
	source string
	sid    int64
	fts    bool // the source has search entries to keep up to date
	res    *dal.Result
	ranks  map[uint32]string // snapshot id -> rank
	ids    map[string]uint32 // rank -> snapshot id
	recs   map[int][]rec     // record segments read so far
	n      int               // records in all
	keys   keyMap
	dirty  map[int]bool // record segments to write
	newKey map[int]bool // key segments to write

	removes map[int64][]uint32 // block -> ids leaving it
	inserts []insert
	ftsDel  []int64              // search entries to delete before the next writeFTS
	indexed map[uint32]bool      // items with a new version whose old one is in a block
	leaving map[uint32]blockItem // old versions taken out of their blocks
	ftsAdd  []ftsRow
	errSet  map[uint32]string
	errDel  []uint32
}

// insert is an item to place in a block; content nil means the item moves
// with its stored content (its first sighting changed).
type insert struct {
	id      uint32
	content *blockItem
	home    int64 // the block it stays in: its old one, when its place in the order is unchanged; else 0
}

type ftsRow struct {
	rowid            int64
	title, url, text string
}

// loadWriter prepares the merge of res into source sid (fts: which has
// search entries); pre, when it was read at generation gen of that
// source, saves reading the keys. A source being rebuilt has no keys.
func loadWriter(ctx context.Context, tx *sql.Tx, source string, sid, gen int64, fts, rebuild bool, res *dal.Result, pre *preloaded) (*writer, error) {
	w := &writer{tx: tx, source: source, sid: sid, fts: fts, res: res, ranks: map[uint32]string{}, ids: map[string]uint32{},
		recs: map[int][]rec{}, dirty: map[int]bool{}, newKey: map[int]bool{}, removes: map[int64][]uint32{}, errSet: map[uint32]string{},
		indexed: map[uint32]bool{}, leaving: map[uint32]blockItem{}}
	rows, err := tx.QueryContext(ctx, "SELECT id, rank FROM snapshots WHERE source = ?", source)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id uint32
		var rank string
		if err := rows.Scan(&id, &rank); err != nil {
			rows.Close()
			return nil, err
		}
		w.ranks[id], w.ids[rank] = rank, id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rebuild {
		return w, nil
	}
	if pre != nil && pre.sid == sid && pre.gen == gen {
		w.keys, w.n = pre.keys, pre.n
		return w, nil
	}
	w.keys, w.n, err = loadKeys(ctx, tx, sid)
	return w, err
}

// load reads the record segments holding ids that are not read yet.
func (w *writer) load(ctx context.Context, ids func(yield func(uint32) bool)) error {
	var want []int
	seen := map[int]bool{}
	for id := range ids {
		seg := int(id) / segSize
		if _, ok := w.recs[seg]; !ok && !seen[seg] && int(id) < w.n {
			seen[seg] = true
			want = append(want, seg)
		}
	}
	if len(want) == 0 {
		return nil
	}
	list, _ := json.Marshal(want)
	rows, err := w.tx.QueryContext(ctx, "SELECT seg, data FROM recs WHERE source = ? AND seg IN (SELECT value FROM json_each(?))", w.sid, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seg int
		var data []byte
		if err := rows.Scan(&seg, &data); err != nil {
			return err
		}
		recs := make([]rec, 0, segSize)
		if recs, err = decodeSegment(recs, data); err != nil {
			return err
		}
		if want := min(segSize, w.n-seg*segSize); len(recs) != want {
			return damaged("record segment %d of %s holds %d records, not %d", seg, w.source, len(recs), want)
		}
		w.recs[seg] = recs
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, seg := range want {
		if _, ok := w.recs[seg]; !ok {
			return damaged("record segment %d of %s is missing", seg, w.source)
		}
	}
	return nil
}

// rec is item id's record; its segment must have been loaded.
func (w *writer) rec(id uint32) *rec {
	return &w.recs[int(id)/segSize][int(id)%segSize]
}

// add appends a record and returns its id; the last segment, if not
// full, must have been loaded.
func (w *writer) add(r rec) uint32 {
	id, seg := uint32(w.n), w.n/segSize
	if w.n%segSize == 0 {
		w.recs[seg] = make([]rec, 0, segSize)
	}
	w.recs[seg] = append(w.recs[seg], r)
	w.n++
	w.dirty[seg], w.newKey[seg] = true, true
	w.keys.put(keyPrefix(r.kh), id)
	return id
}

// lookup finds the id of the item whose key hash is kh; the segments of
// its candidates must have been loaded.
func (w *writer) lookup(kh [16]byte) (uint32, bool) {
	var found uint32
	ok := false
	w.keys.candidates(keyPrefix(kh), func(id uint32) bool {
		if w.rec(id).kh == kh {
			found, ok = id, true
		}
		return ok
	})
	return found, ok
}

// loadRecs reads all of a source's records.
func loadRecs(ctx context.Context, q querier, sid int64) ([]rec, error) {
	rows, err := q.QueryContext(ctx, "SELECT seg, data FROM recs WHERE source = ? ORDER BY seg", sid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs []rec
	for rows.Next() {
		var seg int
		var data []byte
		if err := rows.Scan(&seg, &data); err != nil {
			return nil, err
		}
		if seg*segSize != len(recs) {
			return nil, damaged("record segment %d of source %d is out of place", seg, sid)
		}
		if recs, err = decodeSegment(recs, data); err != nil {
			return nil, err
		}
	}
	return recs, rows.Err()
}

// earlier reports whether sighting a comes before b.
func (w *writer) earlier(a, b pos32) bool {
	if ra, rb := w.ranks[a.snap], w.ranks[b.snap]; ra != rb {
		return ra < rb
	}
	return a.seq < b.seq
}

func (w *writer) touch(id uint32) { w.dirty[int(id)/segSize] = true }

// sortKeyOf is the output-order key of item id as its record stands.
func (w *writer) sortKeyOf(dst []byte, id uint32) []byte {
	r := w.rec(id)
	return sortKey(dst, r.flags&recHasTime != 0, r.time, w.ranks[r.first.snap], r.first.seq)
}

// merge compares every merged item with its record and plans the changes.
// snaps are the snapshots the result was merged from.
func (w *writer) merge(ctx context.Context, snaps []snapshot.Snapshot) error {
	snapIDs, err := w.snapIDs(snaps)
	if err != nil {
		return err
	}
	lists := [][]dal.Merged{w.res.Items, w.res.Invalid}
	sums := [][]sums{hashAll(lists[0]), hashAll(lists[1])}
	prefixes := make([]uint64, 0, len(sums[0])+len(sums[1]))
	for _, l := range sums {
		for i := range l {
			prefixes = append(prefixes, keyPrefix(l[i].key))
		}
	}
	w.keys.want(prefixes)
	// Read the records that can match, and the last segment (new items
	// are appended to it).
	err = w.load(ctx, func(yield func(uint32) bool) {
		if w.n > 0 {
			yield(uint32(w.n - 1))
		}
		for _, l := range sums {
			for i := range l {
				w.keys.candidates(keyPrefix(l[i].key), func(id uint32) bool { return !yield(id) })
			}
		}
	})
	if err != nil {
		return err
	}
	for li, list := range lists {
		for i := range list {
			m, kh, ch := &list[i], sums[li][i].key, sums[li][i].content
			first := pos32{snapIDs[m.First.Snap], uint32(m.First.Seq)}
			last := pos32{snapIDs[m.Last.Snap], uint32(m.Last.Seq)}
			id, ok := w.lookup(kh)
			if !ok {
				id = w.add(rec{kh: kh, first: first, last: last})
				w.setVersion(id, m, ch)
				continue
			}
			r := w.rec(id)
			old := *r
			moved := false
			if w.earlier(first, r.first) {
				r.first, moved = first, true
				w.touch(id)
			}
			if w.earlier(r.last, last) {
				r.last = last
				w.touch(id)
				if ch != r.hash {
					w.setVersion(id, m, ch)
					if n := len(w.inserts) - 1; n >= 0 && w.inserts[n].id == id && old.block != 0 &&
						!moved && old.time == r.time && old.flags&recHasTime == r.flags&recHasTime {
						w.inserts[n].home = old.block // an edit in place, the common case
					}
					continue
				}
			}
			if moved && r.block != 0 {
				w.removes[r.block] = append(w.removes[r.block], id)
				w.inserts = append(w.inserts, insert{id: id})
				r.block = 0 // until the rewrite places it
			}
		}
	}
	return nil
}

// snapIDs are the ids in the snapshots table of the snapshots a result
// was merged from.
func (w *writer) snapIDs(snaps []snapshot.Snapshot) ([]uint32, error) {
	ids := make([]uint32, len(snaps))
	for i, s := range snaps {
		id, ok := w.ids[Rank(s)]
		if !ok {
			return nil, damaged("snapshot %s was not recorded", s.Path)
		}
		ids[i] = id
	}
	return ids, nil
}

// sums are an item's key and content hashes.
type sums struct {
	key     [16]byte
	content uint64
}

// hashAll computes the hashes of items on all cores.
func hashAll(items []dal.Merged) []sums {
	out := make([]sums, len(items))
	n := min(runtime.GOMAXPROCS(0), 1+len(items)/512)
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := newHasher()
			for i := g; i < len(items); i += n {
				out[i] = sums{keyHash(h, items[i].Kind, items[i].Key), contentHash(h, &items[i])}
			}
		}()
	}
	wg.Wait()
	return out
}

// setVersion makes m, whose content hash is ch, the stored version of
// item id.
func (w *writer) setVersion(id uint32, m *dal.Merged, ch uint64) {
	w.touch(id)
	r := w.rec(id)
	hadErr := r.flags&recHasErr != 0
	r.hash, r.time, r.flags = ch, 0, 0
	if !m.Time.IsZero() {
		r.flags |= recHasTime
		r.time = m.Time.UnixNano()
	}
	switch {
	case m.Err != nil:
		r.flags |= recHasErr
		w.errSet[id] = m.Err.Error()
	case hadErr:
		w.errDel = append(w.errDel, id)
	}
	if r.block != 0 {
		w.removes[r.block] = append(w.removes[r.block], id)
		w.indexed[id] = true
		r.block = 0 // until the rewrite places it
	}
	if m.Raw == nil {
		r.flags |= recInvalid
		if w.indexed[id] && w.fts {
			w.ftsDel = append(w.ftsDel, w.rowid(id))
		}
		return
	}
	it := newBlockItem(w.res, id, r.flags&recHasTime != 0, r.time, m.Kind, m.Key, m.Raw)
	w.inserts = append(w.inserts, insert{id: id, content: &it})
}

// search plans the search entries of the new versions, once the old
// ones are out of their blocks (in leaving), for a source that has
// search entries.
func (w *writer) search(ctx context.Context) error {
	if !w.fts {
		return nil
	}
	for _, in := range w.inserts {
		b := in.content
		if b == nil {
			continue // moved with its content: its entry stays
		}
		if w.indexed[b.id] {
			// An edit that left the text alone (a score, a counter) keeps
			// its search entry.
			if old := w.leaving[b.id]; old.text(0) == b.text(0) && old.text(1) == b.text(1) && old.text(2) == b.text(2) {
				continue
			}
			w.ftsDel = append(w.ftsDel, w.rowid(b.id))
		}
		w.ftsAdd = append(w.ftsAdd, ftsRow{w.rowid(b.id), b.text(0), b.text(1), b.text(2)})
		if len(w.ftsAdd) >= ftsBatch {
			if err := w.writeFTS(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// ftsBatch is how many search rows are buffered before being written.
var ftsBatch = 4096

// writeFTS deletes the search entries to replace, then writes the
// buffered rows (an edited item's new entry has the old one's rowid).
func (w *writer) writeFTS(ctx context.Context) error {
	if err := deleteFTS(ctx, w.tx, w.ftsDel); err != nil {
		return err
	}
	w.ftsDel = w.ftsDel[:0]
	err := insertFTS(ctx, w.tx, w.ftsAdd)
	w.ftsAdd = w.ftsAdd[:0]
	return err
}

// insertFTS writes search entries, many a statement.
func insertFTS(ctx context.Context, tx *sql.Tx, rows []ftsRow) error {
	return multiInsert(ctx, tx, "INSERT INTO items_fts (rowid, title, url, text)", 4, func(yield func([]any) error) error {
		for _, f := range rows {
			if err := yield([]any{f.rowid, f.title, f.url, f.text}); err != nil {
				return err
			}
		}
		return nil
	})
}

// rowid is item id's row in items_fts.
func (w *writer) rowid(id uint32) int64 { return w.sid<<32 | int64(id) }

// flush writes the planned changes: blocks, records, search entries,
// errors.
func (w *writer) flush(ctx context.Context) error {
	if err := w.writeBlocks(ctx); err != nil {
		return err
	}
	if err := w.writeFTS(ctx); err != nil {
		return err
	}
	for seg := range w.dirty {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO recs (source, seg, data) VALUES (?, ?, ?)
			ON CONFLICT (source, seg) DO UPDATE SET data = excluded.data`, w.sid, seg, encodeSegment(w.recs[seg])); err != nil {
			return err
		}
	}
	for seg := range w.newKey {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO keys (source, seg, data) VALUES (?, ?, ?)
			ON CONFLICT (source, seg) DO UPDATE SET data = excluded.data`, w.sid, seg, encodeKeys(w.recs[seg])); err != nil {
			return err
		}
	}
	return w.writeErrors(ctx)
}

// writeErrors writes the items' errors that changed.
func (w *writer) writeErrors(ctx context.Context) error {
	for _, id := range w.errDel {
		if _, err := w.tx.ExecContext(ctx, "DELETE FROM item_errors WHERE source = ? AND id = ?", w.sid, id); err != nil {
			return err
		}
	}
	for id, msg := range w.errSet {
		if _, err := w.tx.ExecContext(ctx, "INSERT OR REPLACE INTO item_errors (source, id, err) VALUES (?, ?, ?)", w.sid, id, msg); err != nil {
			return err
		}
	}
	return nil
}

// deleteFTS removes search entries by rowid.
func deleteFTS(ctx context.Context, tx *sql.Tx, rowids []int64) error {
	const chunk = 4096
	for lo := 0; lo < len(rowids); lo += chunk {
		list, _ := json.Marshal(rowids[lo:min(len(rowids), lo+chunk)])
		if _, err := tx.ExecContext(ctx, "DELETE FROM items_fts WHERE rowid IN (SELECT value FROM json_each(?))", string(list)); err != nil {
			return err
		}
	}
	return nil
}

// dropSource removes a source's items, search entries, snapshots and
// name.
func dropSource(ctx context.Context, tx *sql.Tx, source string) error {
	var sid int64
	var fts bool
	err := tx.QueryRowContext(ctx, "SELECT id, fts FROM sources WHERE name = ?", source).Scan(&sid, &fts)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err == nil && fts {
		recs, err := loadRecs(ctx, tx, sid)
		if err != nil {
			return err
		}
		var rowids []int64
		for i := range recs {
			if recs[i].block != 0 {
				rowids = append(rowids, sid<<32|int64(i))
			}
		}
		if err := deleteFTS(ctx, tx, rowids); err != nil {
			return err
		}
	}
	for _, q := range []struct {
		sql string
		arg any
	}{
		{"DELETE FROM blocks WHERE source = ?", sid},
		{"DELETE FROM recs WHERE source = ?", sid},
		{"DELETE FROM keys WHERE source = ?", sid},
		{"DELETE FROM item_errors WHERE source = ?", sid},
		{"DELETE FROM snapshots WHERE source = ?", source},
		{"DELETE FROM sources WHERE name = ?", source},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.arg); err != nil {
			return err
		}
	}
	return nil
}
