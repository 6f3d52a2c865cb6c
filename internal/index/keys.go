package index

import (
	"context"
	"encoding/binary"
	"fmt"
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
type keyMap struct {
	m    map[uint64]uint32
	dups map[uint64][]uint32 // further ids sharing a prefix (rare)
}

func (k *keyMap) put(p uint64, id uint32) {
	if _, taken := k.m[p]; taken {
		k.dups[p] = append(k.dups[p], id)
	} else {
		k.m[p] = id
	}
}

// candidates calls fn with each id whose key hash has prefix p, until fn
// returns true.
func (k *keyMap) candidates(p uint64, fn func(uint32) bool) {
	id, ok := k.m[p]
	if !ok || fn(id) {
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
// them as a keyMap with the number of records.
func loadKeys(ctx context.Context, q querier, sid int64) (keyMap, int, error) {
	k := keyMap{dups: map[uint64][]uint32{}}
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
			return k, 0, fmt.Errorf("index: key segment %d of source %d is damaged or out of place", seg, sid)
		}
		segs = append(segs, data)
		n += len(data) / 8
	}
	if err := rows.Err(); err != nil {
		return k, 0, err
	}
	k.m = make(map[uint64]uint32, n+n/4)
	id := uint32(0)
	for _, data := range segs {
		for off := 0; off < len(data); off += 8 {
			k.put(binary.LittleEndian.Uint64(data[off:]), id)
			id++
		}
	}
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
