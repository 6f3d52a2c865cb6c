package index

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

func TestBlockRoundTrip(t *testing.T) {
	items := []blockItem{
		{id: 7, hasTime: true, time: -5, kind: "saved", key: "k1", raw: []byte(`{"t":"Z\u00fcrich","u":"u"}`), spans: [3]dal.Span{{Off: 6, Len: 11}, {Off: 24, Len: 1}}},
		{id: 0, kind: "", key: "", raw: []byte(`[]`)},
		{id: 1 << 31, hasTime: true, time: 1 << 62, kind: "visits", key: `["x",1]`, raw: []byte("\"b\xffd\""), spans: [3]dal.Span{2: {Off: 1, Len: 3}}},
	}
	for i := range items {
		items[i].forms = textForms(items[i].raw, items[i].spans)
	}
	if items[0].forms != [3]uint8{escaped, verbatim, verbatim} || items[2].forms[2] != unchecked {
		t.Fatalf("forms %v, %v", items[0].forms, items[2].forms)
	}
	got, err := decodeBlock(encodeBlock(items))
	if err != nil || !reflect.DeepEqual(got, items) {
		t.Fatalf("round trip: %v\n%+v\nwant\n%+v", err, got, items)
	}
	for i, want := range [][3]string{{"Zürich", "u", ""}, {}, {"", "", "b\uFFFDd"}} {
		if g := [3]string{got[i].text(0), got[i].text(1), got[i].text(2)}; g != want {
			t.Errorf("item %d: text %q, want %q", i, g, want)
		}
	}
	// A span longer than a quarter of its block (its length is stored
	// shifted by two bits).
	long := []blockItem{{raw: []byte(`"` + strings.Repeat("é", 100) + `"`), spans: [3]dal.Span{{Off: 1, Len: 200}}}}
	if got, err := decodeBlock(encodeBlock(long)); err != nil || got[0].text(0) != strings.Repeat("é", 100) {
		t.Errorf("a long span: %v", err)
	}
	// A key found in the raw JSON is stored as its place there.
	inRaw := []blockItem{{kind: "saved", key: "t3_abc", raw: []byte(`{"id":"t3_abc","x":1}`)}}
	if got, err := decodeBlock(encodeBlock(inRaw)); err != nil || got[0].key != "t3_abc" ||
		len(encodeBlock(inRaw)) >= len(encodeBlock([]blockItem{{kind: "saved", key: "t3_abd", raw: inRaw[0].raw}})) {
		t.Errorf("a key in the raw JSON: %+v, %v", got, err)
	}
	good := encodeBlock(items)
	outside := encodeBlock([]blockItem{{raw: []byte(`"ab"`), spans: [3]dal.Span{{Off: 1, Len: 4}}}})
	for _, bad := range [][]byte{nil, {1}, good[:len(good)-1], append(append([]byte(nil), good...), 'x'), good[:5], outside} {
		if _, err := decodeBlock(bad); err == nil {
			t.Errorf("decodeBlock accepted %q", bad)
		}
	}
}

// TestCuts: blocks that fit stay whole; larger ones are cut into blocks
// of about equal size, none over blockMax but a single large item.
func TestCuts(t *testing.T) {
	for _, tt := range []struct {
		sizes []int
		want  []int
	}{
		{nil, []int{0}},
		{[]int{100, 200}, []int{2}},
		{[]int{16000}, []int{1}},
		{[]int{40000}, []int{1}},
		{[]int{15000, 15000}, []int{1, 2}},
		{[]int{8000, 8000, 8000}, []int{2, 3}},
		{[]int{1000, 40000, 1000}, []int{1, 2, 3}},
	} {
		if got := cuts(tt.sizes); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("cuts(%v) = %v, want %v", tt.sizes, got, tt.want)
		}
	}
	sizes := make([]int, 1000)
	for i := range sizes {
		sizes[i] = 500 + i%700
	}
	lo, total, n := 0, 0, 0
	for _, hi := range cuts(sizes) {
		size := 0
		for _, s := range sizes[lo:hi] {
			size += s
		}
		if size > blockMax || hi <= lo {
			t.Fatalf("block %d-%d: %d bytes", lo, hi, size)
		}
		total, n, lo = total+size, n+1, hi
	}
	if lo != len(sizes) || total/n < blockFill*9/10 {
		t.Errorf("%d blocks of %d bytes on average", n, total/n)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	recs := []rec{{kh: keyHash(newHasher(), "saved", "x"), hash: 1<<64 - 1, time: -1, first: pos32{1, 2}, last: pos32{3, 1<<32 - 1}, block: 1 << 40, flags: recHasTime | recHasErr},
		{first: pos32{1<<32 - 1, 0}, last: pos32{0, 5}, block: 0, flags: recInvalid}, {time: math.MinInt64, flags: recHasTime}, {time: math.MaxInt64, flags: recHasTime}}
	for range segSize - len(recs) {
		r := rec{hash: rng.Uint64(), first: pos32{rng.Uint32(), rng.Uint32()}, last: pos32{rng.Uint32() >> rng.IntN(32), rng.Uint32()},
			block: rng.Int64() >> rng.IntN(64), flags: uint8(rng.IntN(8))}
		if r.flags&recHasTime != 0 {
			r.time = rng.Int64() - rng.Int64()
		}
		copy(r.kh[:], fmt.Sprint(rng.Uint64()))
		recs = append(recs, r)
	}
	data := encodeSegment(recs)
	got, err := decodeSegment(nil, data)
	if err != nil || !reflect.DeepEqual(got, recs) {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range [][]byte{nil, {2}, data[:len(data)-1], append(append([]byte(nil), data...), 0), {1, 0x81, 0x10}} {
		if _, err := decodeSegment(nil, bad); !IsCorrupt(err) {
			t.Errorf("decodeSegment of %d bytes: %v", len(bad), err)
		}
	}
	if keyHash(newHasher(), "ab", "c") == keyHash(newHasher(), "a", "bc") {
		t.Error("keyHash does not separate kind from key")
	}
}

// TestRandomRefreshesMatchUncached is a property test of the block store:
// random snapshots (items edited, vanishing and coming back, times tied,
// missing or changed, invalid items, snapshots inserted in the past) are
// added to two sources one at a time; after each incremental refresh,
// every query over one source or both gives exactly what merging the
// snapshots without the index gives. Blocks are made small, so items keep
// moving between blocks and blocks split and empty.
func TestRandomRefreshesMatchUncached(t *testing.T) {
	defer func(n, h, f, fill, bmax int) {
		maxBlock, manyHits, ftsBatch, blockFill, blockMax = n, h, f, fill, bmax
	}(maxBlock, manyHits, ftsBatch, blockFill, blockMax)
	ftsBatch = 5
	for seed := range uint64(4) {
		manyHits = []int{512, 2}[seed%2] // both ways of reading a search's blocks
		// Blocks of three items, or of about 300 bytes (two or three
		// items): items keep moving between blocks, blocks split and empty.
		maxBlock, blockFill, blockMax = 3, 15600, 16100
		if seed >= 2 {
			maxBlock, blockFill, blockMax = 4096, 250, 330
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) { randomRefreshes(t, rand.New(rand.NewPCG(seed, 1))) })
	}
}

func randomRefreshes(t *testing.T, rng *rand.Rand) {
	dirs := map[string]string{"a": t.TempDir(), "b": t.TempDir()}
	x, err := Open(ctx, filepath.Join(t.TempDir(), "index.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	used := map[string]bool{}
	t0 := int64(1700000000)
	for step := range 30 {
		name := []string{"a", "b"}[rng.IntN(2)]
		day := step
		if step > 3 && rng.IntN(4) == 0 {
			day = rng.IntN(step) // a snapshot in the past
		}
		stampName := snapshot.FormatStamp(base.AddDate(0, 0, day).Add(time.Duration(rng.IntN(3600)) * time.Second))
		if used[name+stampName] {
			continue
		}
		used[name+stampName] = true
		var parts []string
		for _, k := range rng.Perm(30)[:rng.IntN(12)] {
			var tm string
			switch rng.IntN(8) {
			case 0: // no time
			case 1:
				tm = `,"t":"soon"` // unreadable time
			default:
				tm = fmt.Sprintf(`,"t":%d`, t0+int64(rng.IntN(6))*60)
			}
			long := "" // now and then a title longer than a small block
			if rng.IntN(10) == 0 {
				long = strings.Repeat(" caf\u00e9", 40)
			}
			item := fmt.Sprintf(`{"id":%d%s,"title":"item %d word%d%s","v":%d}`, k, tm, k, rng.IntN(4), long, rng.IntN(3))
			if rng.IntN(25) == 0 {
				item = fmt.Sprintf(`{"id":%d,"x":tru}`, k) // invalid JSON
			}
			parts = append(parts, item)
		}
		os.WriteFile(filepath.Join(dirs[name], stampName+".json"), []byte(`{"saved":[`+strings.Join(parts, ",")+`]}`), 0o644)
		srcs := map[string]Source{}
		for n, d := range dirs {
			sp := spec
			sp.Source = n
			srcs[n] = source(t, d, sp)
			st, err := x.Refresh(ctx, srcs[n])
			if err != nil {
				t.Fatal(err)
			}
			if st.Rebuilt && st.Reason != "not indexed yet" {
				t.Fatalf("step %d: %s rebuilt: %s", step, n, st.Reason)
			}
		}
		for _, names := range [][]string{{"a"}, {"b"}, {"a", "b"}, {"b", "a"}} {
			for _, dq := range []dal.Query{
				{}, {Reverse: true}, {Limit: 4}, {Reverse: true, Limit: 3},
				{After: time.Unix(t0+120, 0)}, {Before: time.Unix(t0+180, 0), Reverse: true},
				{Search: "word1"}, {Search: "word2", Reverse: true, Limit: 2},
				{After: time.Unix(t0+60, 0), Before: time.Unix(t0+240, 0), Limit: 9},
				{After: time.Unix(t0+60, 0), Reverse: true, Limit: 6},
				{Search: "word1", After: time.Unix(t0+120, 0), Limit: 5},
			} {
				q := Query{Sources: names, Query: dq}
				got, err := x.Items(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var results []*dal.Result
				for _, n := range names {
					res, err := dal.Merge(ctx, srcs[n].Spec, srcs[n].Snaps, dal.Options{})
					if err != nil {
						t.Fatal(err)
					}
					results = append(results, res)
				}
				want, err := dal.Select(ctx, results, q.Query)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := render(got), render(want); g != w {
					t.Fatalf("step %d, query %+v: cached\n%s\nuncached\n%s", step, q, g, w)
				}
			}
		}
	}
}

// TestKeyMap: ids whose key hashes share their first 64 bits are all
// offered as candidates, so a collision never merges two items; the ids
// of wanted prefixes are found among the stored ones and those put later.
func TestKeyMap(t *testing.T) {
	var seg []byte
	for _, p := range []uint64{3, 7, 9, 7, 4} { // ids 0 to 4
		seg = binary.LittleEndian.AppendUint64(seg, p)
	}
	k := keyMap{stored: [][]byte{seg[:16], seg[16:]}}
	k.want([]uint64{7, 8, 4, 7})
	k.put(7, 5)
	k.put(8, 6)
	for _, tt := range []struct {
		p    uint64
		want []uint32
	}{{7, []uint32{1, 3, 5}}, {8, []uint32{6}}, {4, []uint32{4}}, {9, nil}, {5, nil}} {
		var got []uint32
		k.candidates(tt.p, func(id uint32) bool { got = append(got, id); return false })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("candidates of %d: %v, want %v", tt.p, got, tt.want)
		}
	}
	var got []uint32
	k.candidates(7, func(id uint32) bool { got = append(got, id); return true })
	if !reflect.DeepEqual(got, []uint32{1}) {
		t.Errorf("stopping at the first: %v", got)
	}
}

// itemSize is never less than what an item adds to a block, and close.
func TestItemSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		raw := make([]byte, rng.IntN(3000))
		it := blockItem{id: rng.Uint32() >> rng.IntN(32), hasTime: rng.IntN(2) == 0, time: rng.Int64() >> rng.IntN(64) * int64(1-2*rng.IntN(2)),
			kind: strings.Repeat("k", rng.IntN(200)), key: strings.Repeat("x", rng.IntN(300)), raw: raw}
		for f := range it.spans {
			if l := rng.IntN(len(raw) + 1); l > 0 {
				it.spans[f] = dal.Span{Off: rng.IntN(len(raw) - l + 1), Len: l}
			}
		}
		got := len(encodeBlock([]blockItem{it, it})) - len(encodeBlock([]blockItem{it}))
		if est := itemSize(&it); est < got || est > got+12 {
			t.Fatalf("%+v: itemSize %d, stored %d", it.spans, est, got)
		}
	}
}
