package index

import (
	"reflect"
	"testing"
)

// FuzzDecodeBlock: a stored block that is not what hoard wrote (a bug, bit
// rot) is an error, never a panic or an out-of-range slice; a block that
// decodes encodes back to one that decodes to the same items.
func FuzzDecodeBlock(f *testing.F) {
	f.Add(encodeBlock([]blockItem{
		{id: 7, hasTime: true, time: -5, kind: "saved", key: "k1", title: "Zürich", url: "u", raw: []byte(`{"a":1}`)},
		{id: 1 << 31, kind: "x", text: "t\x00", raw: []byte(`[]`)},
	}))
	f.Add(encodeBlock(nil))
	f.Add([]byte{1, 2, 0, 0})
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
	})
}
