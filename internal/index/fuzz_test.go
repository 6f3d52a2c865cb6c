package index

import (
	"reflect"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// FuzzDecodeBlock: a stored block that is not what hoard wrote (a bug, bit
// rot) is an error, never a panic or an out-of-range slice; a block that
// decodes encodes back to one that decodes to the same items.
func FuzzDecodeBlock(f *testing.F) {
	f.Add(encodeBlock([]blockItem{
		{id: 7, hasTime: true, time: -5, kind: "saved", key: "k1", raw: []byte(`{"t":"Z\u00fcrich","u":"u"}`), spans: [3]dal.Span{{Off: 6, Len: 11}, {Off: 24, Len: 1}}},
		{id: 1 << 31, kind: "x", raw: []byte(`["t\u0000"]`), spans: [3]dal.Span{2: {Off: 2, Len: 7}}},
	}))
	f.Add(encodeBlock(nil))
	f.Add([]byte{2, 2, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := decodeBlock(data)
		if err != nil {
			if !IsCorrupt(err) {
				t.Fatalf("error %v does not mark the index as damaged", err)
			}
			return
		}
		again, err := decodeBlock(encodeBlock(items))
		if err != nil {
			t.Fatalf("re-encoded block: %v", err)
		}
		if len(items) == 0 && len(again) == 0 {
			return
		}
		for i := range items { // empty and nil raw JSON are the same bytes
			if len(items[i].raw) == 0 {
				items[i].raw = nil
			}
			if len(again[i].raw) == 0 {
				again[i].raw = nil
			}
		}
		if !reflect.DeepEqual(items, again) {
			t.Fatalf("round trip:\n%+v\n%+v", items, again)
		}
		for i := range items { // the spans are within the raw JSON
			for f := range 3 {
				items[i].text(f)
			}
		}
	})
}

// FuzzDecodeSegment: a stored record segment that is not what hoard wrote
// is an error marking damage, never a panic; one that decodes encodes back
// to the same records.
func FuzzDecodeSegment(f *testing.F) {
	f.Add(encodeSegment([]rec{{hash: 7, time: -5, first: pos32{1, 2}, last: pos32{3, 4}, block: 9, flags: recHasTime}, {flags: recInvalid}}))
	f.Add(encodeSegment(nil))
	f.Add([]byte{1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := decodeSegment(nil, data)
		if err != nil {
			if !IsCorrupt(err) {
				t.Fatalf("error %v does not mark the index as damaged", err)
			}
			return
		}
		again, err := decodeSegment(nil, encodeSegment(recs))
		if err != nil || !reflect.DeepEqual(recs, again) && len(recs) > 0 {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, recs, again)
		}
	})
}
