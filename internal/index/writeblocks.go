package index

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// writeBlocks takes the leaving items out of their blocks, puts the
// arriving ones into the block whose range holds their key, and rewrites
// every block so touched in output order, split when it has grown too
// large (see cuts; an emptied block is deleted).
func (w *writer) writeBlocks(ctx context.Context) error {
	if len(w.removes) == 0 && len(w.inserts) == 0 {
		return nil
	}
	targets, err := w.targets(ctx)
	if err != nil {
		return err
	}
	var need []int64
	for id := range w.removes {
		need = append(need, id)
	}
	touched, err := w.loadBlocks(ctx, append(need, targets...))
	if err != nil {
		return err
	}
	// Every item of a rewritten block gets its record checked (its block
	// may change): read the segments of all of them.
	err = w.load(ctx, func(yield func(uint32) bool) {
		for _, items := range touched {
			for i := range items {
				if !yield(items[i].id) {
					return
				}
			}
		}
	})
	if err != nil {
		return err
	}
	leaving := w.leaving
	for id, ids := range w.removes {
		gone := map[uint32]bool{}
		for _, i := range ids {
			gone[i] = true
		}
		kept := touched[id][:0]
		for _, it := range touched[id] {
			if gone[it.id] {
				leaving[it.id] = it
			} else {
				kept = append(kept, it)
			}
		}
		touched[id] = kept
	}
	for i, in := range w.inserts {
		it := in.content
		if it == nil {
			old, ok := leaving[in.id]
			if !ok {
				return damaged("item %d of %s is missing from its block", in.id, w.source)
			}
			it = &old
		}
		touched[targets[i]] = append(touched[targets[i]], *it)
	}
	if err := w.search(ctx); err != nil {
		return err
	}
	for id, items := range touched {
		if err := w.rewrite(ctx, id, items); err != nil {
			return err
		}
	}
	return nil
}

// targets finds, for each insert, the block whose range holds its sort
// key: the last block whose first key is not greater, else the first
// block; 0 (a new block) when the source has none. An edit in place
// stays in its block and an item at the end goes to the last block; the
// others are looked up in one statement.
func (w *writer) targets(ctx context.Context) ([]int64, error) {
	out := make([]int64, len(w.inserts))
	var lastID int64
	var lastK []byte
	err := w.tx.QueryRowContext(ctx, "SELECT id, k FROM blocks WHERE source = ? ORDER BY k DESC LIMIT 1", w.sid).Scan(&lastID, &lastK)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var ask []string
	var askAt []int
	for i, in := range w.inserts {
		key := w.sortKeyOf(nil, in.id)
		switch {
		case in.home != 0:
			out[i] = in.home
		case lastID == 0:
			out[i] = 0
		case bytes.Compare(key, lastK) >= 0:
			out[i] = lastID
		default:
			ask, askAt = append(ask, hex.EncodeToString(key)), append(askAt, i)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ask)
	rows, err := w.tx.QueryContext(ctx, `SELECT j.key, coalesce(
			(SELECT id FROM blocks WHERE source = ?1 AND k <= unhex(j.value) ORDER BY k DESC LIMIT 1),
			(SELECT id FROM blocks WHERE source = ?1 ORDER BY k LIMIT 1), 0)
		FROM json_each(?2) j`, w.sid, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var id int64
		if err := rows.Scan(&i, &id); err != nil {
			return nil, err
		}
		out[askAt[i]] = id
	}
	return out, rows.Err()
}

// loadBlocks reads and decodes the given blocks (0, a new block, is
// empty), in one statement.
func (w *writer) loadBlocks(ctx context.Context, ids []int64) (map[int64][]blockItem, error) {
	out := map[int64][]blockItem{}
	var want []int64
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = nil
			if id != 0 {
				want = append(want, id)
			}
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(want)
	rows, err := w.tx.QueryContext(ctx, // "+source": look the blocks up by id, not by scanning the source's.
		"SELECT id, data FROM blocks WHERE id IN (SELECT value FROM json_each(?)) AND +source = ?", string(list), w.sid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		if out[id], err = decodeBlock(data); err != nil {
			return nil, fmt.Errorf("block %d of %s: %w", id, w.source, err)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found != len(want) {
		return nil, damaged("%d blocks of %s are missing", len(want)-found, w.source)
	}
	return out, nil
}

// rewrite stores items (in any order) as block id and, when they no
// longer fit in one (see cuts), as new blocks after it; id 0 means only
// new blocks.
func (w *writer) rewrite(ctx context.Context, id int64, items []blockItem) error {
	keys := make([][]byte, len(items))
	for i := range items {
		keys[i] = w.sortKeyOf(nil, items[i].id)
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return bytes.Compare(keys[order[a]], keys[order[b]]) < 0 })
	sorted := make([]blockItem, len(items))
	sizes := make([]int, len(items))
	for i, j := range order {
		sorted[i] = items[j]
		sizes[i] = itemSize(&sorted[i])
	}
	if len(sorted) == 0 && id != 0 {
		_, err := w.tx.ExecContext(ctx, "DELETE FROM blocks WHERE id = ?", id)
		return err
	}
	lo := 0
	for n, hi := range cuts(sizes) {
		chunk := sorted[lo:hi]
		k, data := keys[order[lo]], encodeBlock(chunk)
		tlo, thi := timeRange(chunk)
		lo = hi
		bid := id
		if n == 0 && id != 0 {
			if _, err := w.tx.ExecContext(ctx, "UPDATE blocks SET k = ?, t_lo = ?, t_hi = ?, n = ?, data = ? WHERE id = ?",
				k, tlo, thi, len(chunk), data, id); err != nil {
				return err
			}
		} else {
			err := w.tx.QueryRowContext(ctx, "INSERT INTO blocks (source, k, t_lo, t_hi, n, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				w.sid, k, tlo, thi, len(chunk), data).Scan(&bid)
			if err != nil {
				return err
			}
		}
		for i := range chunk {
			if r := w.rec(chunk[i].id); r.block != bid {
				r.block = bid
				w.touch(chunk[i].id)
			}
		}
	}
	return nil
}

// timeRange is the oldest and newest time of items in output order, as
// stored with their block: NULL when none has a time.
func timeRange(items []blockItem) (lo, hi any) {
	for i := range items {
		if items[i].hasTime {
			if lo == nil {
				lo = items[i].time
			}
			hi = items[i].time
		}
	}
	return lo, hi
}

// Blocks are sized in bytes so that one fits a page with its row: reading
// it then follows no chain of overflow pages, and a page holds little
// besides it.
//
// A row's payload stays in its leaf page up to 16,349 bytes (the page
// size less 35); the block's row adds its key (the first item's sortKey,
// about 50 bytes with the snapshot's rank) and a few integers to the
// block's bytes.
var (
	blockFill = 15850 // the size blocks are cut to when split or built
	blockMax  = 16150 // the size past which a rewritten block is split
	maxBlock  = 4096  // the most items in a block; tests lower it
)

// cuts splits items of the given sizes, in order, into blocks and returns
// where each block ends: one block when they fit in blockMax bytes and
// maxBlock items, else the fewest blocks of about equal size, each at
// most blockFill bytes give or take half an item, never above blockMax
// unless an item alone is. The slack between the two sizes lets an edit
// that grows an item a little leave its block whole.
func cuts(sizes []int) []int {
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total <= blockMax && len(sizes) <= maxBlock {
		return []int{len(sizes)}
	}
	k := max((total+blockFill-1)/blockFill, (len(sizes)+maxBlock-1)/maxBlock)
	target := (total + k - 1) / k
	var out []int
	cur, n := 0, 0
	for i, s := range sizes {
		if n > 0 && (cur+s > blockMax || cur+s/2 > target || n == maxBlock) {
			out = append(out, i)
			cur, n = 0, 0
		}
		cur += s
		n++
	}
	return append(out, len(sizes))
}
