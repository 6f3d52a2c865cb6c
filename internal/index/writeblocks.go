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
// every block so touched in output order, split into blocks of at most
// maxBlock items (an emptied block is deleted).
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

// rewrite stores items (in any order) as block id and, past maxBlock
// items, as new blocks after it; id 0 means only new blocks.
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
	for i, j := range order {
		sorted[i] = items[j]
	}
	if len(sorted) == 0 && id != 0 {
		_, err := w.tx.ExecContext(ctx, "DELETE FROM blocks WHERE id = ?", id)
		return err
	}
	for lo := 0; lo < len(sorted); lo += maxBlock {
		chunk := sorted[lo:min(len(sorted), lo+maxBlock)]
		var tlo, thi any
		for i := range chunk {
			if chunk[i].hasTime {
				if tlo == nil {
					tlo = chunk[i].time
				}
				thi = chunk[i].time
			}
		}
		if err := w.fillText(ctx, chunk); err != nil {
			return err
		}
		k, data := keys[order[lo]], encodeBlock(chunk)
		for i := range chunk { // the text is in the block and the search buffer
			chunk[i].title, chunk[i].url, chunk[i].text = "", "", ""
		}
		bid := id
		if lo == 0 && id != 0 {
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
