package index

import (
	"context"
	"encoding/binary"
)

// preloaded is a source's key hashes, read while its new snapshots are
// being decoded; a refresh uses them if the source has not changed since
// (same id and generation).
type preloaded struct {
	sid, gen int64
	n        int
	keys     keyMap
}

// preload reads a source's key hashes in a read transaction of its own.
func (x *Index) preload(ctx context.Context, source string) (*preloaded, error) {
	conn, err := x.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	p := &preloaded{}
	err = conn.QueryRowContext(ctx, "SELECT id, gen FROM sources WHERE name = ?", source).Scan(&p.sid, &p.gen)
	if err != nil {
		return nil, err
	}
	p.keys, p.n, err = loadKeys(ctx, conn, p.sid)
	return p, err
}

// keyMap finds the local ids whose key hash starts with the given 64
// bits (keyPrefix); the caller compares the full hash with the record.
//
// A refresh looks up the keys of a few new items among many stored ones,
// so the stored prefixes are kept as read, and only the prefixes asked
// for (want) are indexed: one pass over 8 bytes an item, no map of every
// key. want is called once, before put and candidates; candidates knows
// only the prefixes wanted or put.
type keyMap struct {
	stored [][]byte          // the stored prefixes, 8 bytes an id, in id order
	m      map[uint64]uint32 // a prefix -> 1 + the first id with it; 0: none
	dups   map[uint64][]uint32
}

// want indexes the stored ids whose prefix is in ps.
func (k *keyMap) want(ps []uint64) {
	k.m, k.dups = make(map[uint64]uint32, len(ps)), map[uint64][]uint32{}
	for _, p := range ps {
		k.m[p] = 0
	}
	id := uint32(0)
	for _, seg := range k.stored {
		for off := 0; off < len(seg); off += 8 {
			if p := binary.LittleEndian.Uint64(seg[off:]); k.wanted(p) {
				k.put(p, id)
			}
			id++
		}
	}
}

func (k *keyMap) wanted(p uint64) bool {
	_, ok := k.m[p]
	return ok
}

// put records that id has prefix p.
func (k *keyMap) put(p uint64, id uint32) {
	if first := k.m[p]; first != 0 {
		k.dups[p] = append(k.dups[p], id)
	} else {
		k.m[p] = id + 1
	}
}

// candidates calls fn with each id whose key hash has prefix p, until fn
// returns true.
func (k *keyMap) candidates(p uint64, fn func(uint32) bool) {
	first := k.m[p]
	if first == 0 || fn(first-1) {
		return
	}
	for _, id := range k.dups[p] {
		if fn(id) {
			return
		}
	}
}

func keyPrefix(kh [16]byte) uint64 { return binary.LittleEndian.Uint64(kh[:8]) }

// loadKeys reads a source's key hash prefixes, by local id, and returns
// them as a keyMap (to be told what it will be asked: want) with the
// number of records.
func loadKeys(ctx context.Context, q querier, sid int64) (keyMap, int, error) {
	var k keyMap
	rows, err := q.QueryContext(ctx, "SELECT seg, data FROM keys WHERE source = ? ORDER BY seg", sid)
	if err != nil {
		return k, 0, err
	}
	defer rows.Close()
	var segs [][]byte
	n := 0
	for rows.Next() {
		var seg int
		var data []byte
		if err := rows.Scan(&seg, &data); err != nil {
			return k, 0, err
		}
		if seg != len(segs) || n%segSize != 0 || len(data)%8 != 0 || len(data) > 8*segSize {
			return k, 0, damaged("key segment %d of source %d is out of place or has a wrong size", seg, sid)
		}
		segs = append(segs, data)
		n += len(data) / 8
	}
	if err := rows.Err(); err != nil {
		return k, 0, err
	}
	k.stored = segs
	return k, n, nil
}

// encodeKeys is the stored form of a record segment's key prefixes.
func encodeKeys(recs []rec) []byte {
	b := make([]byte, 0, 8*len(recs))
	for i := range recs {
		b = binary.LittleEndian.AppendUint64(b, keyPrefix(recs[i].kh))
	}
	return b
}
