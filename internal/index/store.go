package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/hoard-dev/hoard/dal"
)

// The index stores a source's merged items in two forms, both as blobs
// that Go code reads and writes whole (a row per item cost more in the
// pure-Go SQLite driver than everything else a refresh or a query does):
//
//   - records: one fixed-size record per item, by the item's local id (the
//     order in which the index first met it), in segments of segSize
//     records. A record holds what a refresh compares (the key's hash, the
//     content's hash, where the item was first and last seen) and where
//     the item's content is.
//   - blocks: the items' content (envelope and raw JSON) in output order,
//     about a page a block (see cuts). A query of every item reads the
//     blocks in order and nothing else but the records for first and last
//     seen; a refresh rewrites only the blocks it changes.

// segSize is the number of records in one stored segment: the segment's
// key prefixes (8 bytes each, in keys) then take 8,000 bytes, and two such
// rows fit a 16 KiB page (at 1024, one did).
const segSize = 1000

// Record flags.
const (
	recHasTime = 1 << iota // the item has a time (sort before: items without)
	recInvalid             // the newest version is not valid JSON: in no block
	recHasErr              // the item has a stored error
)

// pos32 is a sighting: a snapshot's id in the snapshots table and the
// record's 1-based sequence number in it.
type pos32 struct{ snap, seq uint32 }

// rec is one item's record.
type rec struct {
	kh    [16]byte // keyHash of kind and key
	hash  uint64   // contentHash of the newest version
	time  int64    // Unix ns, when flags has recHasTime
	first pos32
	last  pos32
	block int64 // the block holding the item; 0 when in none
	flags uint8
}

// segVersion is the first byte of a stored record segment.
const segVersion = 1

// encodeSegment is the stored form of a segment's records: a version
// byte, the count, then each record's key hash and content hash as they
// are, and its other fields as varints, most as the difference from the
// record before (ids follow output order at first, so times, sightings
// and blocks change little from one to the next): about 38 bytes a
// record instead of 64.
func encodeSegment(recs []rec) []byte {
	b := make([]byte, 0, 16+len(recs)*48)
	b = append(b, segVersion)
	b = binary.AppendUvarint(b, uint64(len(recs)))
	var prev rec
	for i := range recs {
		r := &recs[i]
		b = append(b, r.kh[:]...)
		b = binary.LittleEndian.AppendUint64(b, r.hash)
		b = append(b, r.flags)
		if r.flags&recHasTime != 0 {
			b = binary.AppendVarint(b, r.time-prev.time)
			prev.time = r.time
		}
		b = binary.AppendVarint(b, int64(r.first.snap)-int64(prev.first.snap))
		b = binary.AppendUvarint(b, uint64(r.first.seq))
		b = binary.AppendVarint(b, int64(r.last.snap)-int64(r.first.snap))
		b = binary.AppendUvarint(b, uint64(r.last.seq))
		b = binary.AppendVarint(b, r.block-prev.block)
		prev.first, prev.block = r.first, r.block
	}
	return b
}

// decodeSegment appends the records of a stored segment to recs.
func decodeSegment(recs []rec, data []byte) ([]rec, error) {
	bad := damaged("a record segment of %d bytes is not what was written", len(data))
	if len(data) == 0 || data[0] != segVersion {
		return recs, bad
	}
	p := 1
	uvarint := func() (uint64, bool) {
		v, n := binary.Uvarint(data[p:])
		p += max(n, 0)
		return v, n > 0
	}
	varint := func() (int64, bool) {
		v, n := binary.Varint(data[p:])
		p += max(n, 0)
		return v, n > 0
	}
	n, ok := uvarint()
	if !ok || n > segSize {
		return recs, bad
	}
	var prev rec
	for range n {
		if len(data)-p < 25 {
			return recs, bad
		}
		var r rec
		copy(r.kh[:], data[p:])
		r.hash = binary.LittleEndian.Uint64(data[p+16:])
		r.flags = data[p+24]
		p += 25
		if r.flags&recHasTime != 0 {
			d, ok := varint()
			if !ok {
				return recs, bad
			}
			r.time = prev.time + d
			prev.time = r.time
		}
		fs, ok1 := varint()
		fq, ok2 := uvarint()
		ls, ok3 := varint()
		lq, ok4 := uvarint()
		bd, ok5 := varint()
		first, last := int64(prev.first.snap)+fs, 0+ls
		last += first
		if !(ok1 && ok2 && ok3 && ok4 && ok5) || first < 0 || first > math.MaxUint32 || last < 0 || last > math.MaxUint32 ||
			fq > math.MaxUint32 || lq > math.MaxUint32 {
			return recs, bad
		}
		r.first, r.last = pos32{uint32(first), uint32(fq)}, pos32{uint32(last), uint32(lq)}
		r.block = prev.block + bd
		prev.first, prev.block = r.first, r.block
		recs = append(recs, r)
	}
	if p != len(data) {
		return recs, bad
	}
	return recs, nil
}

// hasher computes keyHash and contentHash without allocating; one per
// goroutine. (A hash.Hash is an interface: the slices passed to it and the
// sum it appends to escape, 112 bytes of garbage an item.)
type hasher struct {
	h   hash.Hash
	buf []byte
}

func newHasher() *hasher { return &hasher{h: sha256.New(), buf: make([]byte, 0, 256)} }

// nul separates the parts of a hashed version.
var nul = []byte{0}

// keyHash identifies an item within a source across refreshes: the first
// 16 bytes of the SHA-256 of the kind's length, the kind and the key.
func keyHash(h *hasher, kind, key string) [16]byte {
	h.buf = binary.AppendUvarint(h.buf[:0], uint64(len(kind)))
	h.buf = append(append(h.buf, kind...), key...)
	sum := sha256.Sum256(h.buf)
	return [16]byte(sum[:16])
}

// sortKey is an item's place in output order as bytes that compare like
// the order: items without a time first, then by time, then by first
// sighting (the snapshot's rank, then the sequence number). Ranks hold no
// NUL byte, so the terminator keeps shorter ranks first, like Go strings.
func sortKey(dst []byte, hasTime bool, t int64, rank string, seq uint32) []byte {
	if hasTime {
		dst = append(dst, 1)
		dst = binary.BigEndian.AppendUint64(dst, uint64(t)^(1<<63))
	} else {
		dst = append(dst, 0)
		dst = binary.BigEndian.AppendUint64(dst, 0)
	}
	dst = append(dst, rank...)
	dst = append(dst, 0)
	return binary.BigEndian.AppendUint32(dst, seq)
}

// blockItem is one item as a block holds it. Its title, url and text are
// not stored apart: spans says where they are in raw (see text).
type blockItem struct {
	id        uint32 // local id: the index of its record
	hasTime   bool
	time      int64
	kind, key string
	raw       []byte
	spans     [3]dal.Span // title, url, text within raw (dal.Result.TextSpans)
	forms     [3]uint8    // how each span decodes (textForms)
}

// How a span of JSON string contents becomes text: found when the item is
// written (on all cores, for a build) so that a reader does not look for
// escapes or check UTF-8 again.
const (
	verbatim  = iota // no escape, valid UTF-8: the bytes are the text
	escaped          // escapes in valid UTF-8: dal.UnquoteValid
	unchecked        // invalid UTF-8: dal.Unquote
)

// textForms finds the forms of spans of raw.
func textForms(raw []byte, spans [3]dal.Span) (forms [3]uint8) {
	for f, s := range spans {
		v := raw[s.Off : s.Off+s.Len]
		switch {
		case !utf8.Valid(v):
			forms[f] = unchecked
		case bytes.IndexByte(v, '\\') >= 0:
			forms[f] = escaped
		}
	}
	return forms
}

// newBlockItem is an item's block entry, spans and forms found.
func newBlockItem(res *dal.Result, id uint32, hasTime bool, t int64, kind, key string, raw []byte) blockItem {
	it := blockItem{id: id, hasTime: hasTime, time: t, kind: kind, key: key, raw: raw, spans: res.TextSpans(kind, raw)}
	it.forms = textForms(raw, it.spans)
	return it
}

// text returns the item's title (f = 0), url (1) or text (2). Text
// without escapes is raw's bytes as they are, not copied: raw must never
// change after (a block's bytes never do, nor do a merge's).
func (b *blockItem) text(f int) string {
	s := b.spans[f]
	if s.Len == 0 {
		return ""
	}
	v := b.raw[s.Off : s.Off+s.Len]
	switch b.forms[f] {
	case verbatim:
		return unsafe.String(&v[0], len(v))
	case escaped:
		return dal.UnquoteValid(v)
	}
	return dal.Unquote(v)
}

// blockVersion is the first byte of a stored block.
const blockVersion = 2

// itemSize is the stored size of an item in a block (appendBlock), or a
// little more: its spans count as if each were as long as raw, so that
// the size is known before they are.
func itemSize(it *blockItem) int {
	n := uvarintLen(uint64(it.id)) + 1 + uvarintLen(uint64(len(it.kind))) + uvarintLen(uint64(len(it.key))) + uvarintLen(uint64(len(it.raw)))
	if it.hasTime {
		n += uvarintLen(uint64(it.time<<1 ^ it.time>>63)) // zig-zag, as AppendVarint
	}
	if off := keyIn(it); off >= 0 {
		n += uvarintLen(uint64(off))
	} else {
		n += len(it.key)
	}
	return n + 3*uvarintLen(uint64(len(it.raw))<<2) + 3*uvarintLen(uint64(len(it.raw))) + len(it.kind) + len(it.raw)
}

// keyIn is where the item's key is in its raw JSON, as it is (a string
// key is mostly there: "id": "t3_abc"), or -1. The block then holds the
// key's place, not its bytes: the same bytes, wherever they are found.
func keyIn(it *blockItem) int {
	if len(it.key) == 0 {
		return -1
	}
	return bytes.Index(it.raw, unsafe.Slice(unsafe.StringData(it.key), len(it.key)))
}

// Flags of an item in a block.
const (
	itemHasTime = 1 << iota
	itemKeyInRaw
)

// uvarintLen is the length of v as a uvarint.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// encodeBlock is the stored form of items: a version byte, the count,
// each item's id, flags, time, field lengths, key place (keyIn) and text
// spans, then all the items' kinds and the keys not in their raw JSON,
// then all their raw JSON. Keeping the strings together
// lets a reader turn them into one string and slice the fields out of it.
func encodeBlock(items []blockItem) []byte { return appendBlock(nil, items) }

// appendBlock appends the stored form of items to b.
func appendBlock(b []byte, items []blockItem) []byte {
	size := 16
	for i := range items {
		size += itemSize(&items[i])
	}
	b = slices.Grow(b, size)
	b = append(b, blockVersion)
	b = binary.AppendUvarint(b, uint64(len(items)))
	keyOffs := make([]int, len(items))
	for i := range items {
		it := &items[i]
		b = binary.AppendUvarint(b, uint64(it.id))
		var flags byte
		if it.hasTime {
			flags |= itemHasTime
		}
		if keyOffs[i] = keyIn(it); keyOffs[i] >= 0 {
			flags |= itemKeyInRaw
		}
		b = append(b, flags)
		if it.hasTime {
			b = binary.AppendVarint(b, it.time)
		}
		b = binary.AppendUvarint(b, uint64(len(it.kind)))
		b = binary.AppendUvarint(b, uint64(len(it.key)))
		b = binary.AppendUvarint(b, uint64(len(it.raw)))
		if keyOffs[i] >= 0 {
			b = binary.AppendUvarint(b, uint64(keyOffs[i]))
		}
		for f, s := range it.spans {
			b = binary.AppendUvarint(b, uint64(s.Len)<<2|uint64(it.forms[f]))
			if s.Len > 0 {
				b = binary.AppendUvarint(b, uint64(s.Off))
			}
		}
	}
	for i := range items {
		b = append(b, items[i].kind...)
		if keyOffs[i] < 0 {
			b = append(b, items[i].key...)
		}
	}
	for i := range items {
		b = append(b, items[i].raw...)
	}
	return b
}

var errBlock = damaged("an item block is not what was written")

// decodeBlock reads a stored block without copying it: the items' raw
// JSON and their strings alias data, which must never change after (the
// strings are built over bytes no slice hands out).
func decodeBlock(data []byte) ([]blockItem, error) {
	if len(data) == 0 || data[0] != blockVersion {
		return nil, errBlock
	}
	r := bytes.NewReader(data[1:])
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(len(data)) {
		return nil, errBlock
	}
	items := make([]blockItem, n)
	lens := make([]int, 3*n)
	keyOffs := make([]int, n)
	strLen, rawLen := 0, 0
	uvarint := func() (int, bool) {
		v, err := binary.ReadUvarint(r)
		return int(v), err == nil && v <= uint64(len(data))
	}
	for i := range items {
		it := &items[i]
		id, err := binary.ReadUvarint(r)
		if err != nil || id > math.MaxUint32 {
			return nil, errBlock
		}
		it.id = uint32(id)
		flags, err := r.ReadByte()
		if err != nil || flags&^(itemHasTime|itemKeyInRaw) != 0 {
			return nil, errBlock
		}
		if flags&itemHasTime != 0 {
			it.hasTime = true
			if it.time, err = binary.ReadVarint(r); err != nil {
				return nil, errBlock
			}
		}
		for j := range 3 {
			v, ok := uvarint()
			if !ok {
				return nil, errBlock
			}
			lens[3*i+j] = v
		}
		keyOffs[i] = -1
		if flags&itemKeyInRaw != 0 {
			off, ok := uvarint()
			if !ok || off+lens[3*i+1] > lens[3*i+2] {
				return nil, errBlock
			}
			keyOffs[i] = off
		} else {
			strLen += lens[3*i+1]
		}
		strLen += lens[3*i]
		rawLen += lens[3*i+2]
		for j := range it.spans {
			v, err := binary.ReadUvarint(r) // the length << 2 | the form
			if err != nil || v&3 > unchecked || v>>2 > uint64(len(data)) {
				return nil, errBlock
			}
			l := int(v >> 2)
			it.forms[j] = uint8(v & 3)
			if l == 0 {
				continue
			}
			off, ok := uvarint()
			if !ok || off+l > lens[3*i+2] {
				return nil, errBlock
			}
			it.spans[j] = dal.Span{Off: off, Len: l}
		}
	}
	off := len(data) - r.Len()
	if strLen > len(data) || rawLen > len(data) || off+strLen+rawLen != len(data) {
		return nil, errBlock
	}
	var strs string
	if strLen > 0 {
		strs = unsafe.String(&data[off], strLen)
	}
	raws := data[off+strLen:]
	s, w := 0, 0
	for i := range items {
		it, l := &items[i], lens[3*i:3*i+3]
		it.kind = strs[s : s+l[0]]
		s += l[0]
		it.raw = raws[w : w+l[2] : w+l[2]]
		w += l[2]
		if k := keyOffs[i]; k >= 0 {
			if l[1] > 0 {
				it.key = unsafe.String(&it.raw[k], l[1])
			}
		} else {
			it.key = strs[s : s+l[1]]
			s += l[1]
		}
	}
	return items, nil
}
