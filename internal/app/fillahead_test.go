package app

import (
	"strconv"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// fillAhead yields every item once, in order, filled, and stops when
// yield does, without touching the input items.
func TestFillAhead(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 257, 1000, 5000} {
		items := make([]dal.Item, n)
		for i := range items {
			items[i].Key = strconv.Itoa(i)
		}
		fill := func(it *dal.Item) { it.Title = "t" + it.Key }
		var got int
		fillAhead(items, fill, func(it dal.Item, err error) bool {
			if err != nil || it.Key != strconv.Itoa(got) || it.Title != "t"+it.Key {
				t.Fatalf("n=%d: item %d is %q %q (%v)", n, got, it.Key, it.Title, err)
			}
			got++
			return true
		})
		if got != n {
			t.Fatalf("n=%d: %d items", n, got)
		}
		for i := range items {
			if items[i].Title != "" {
				t.Fatalf("n=%d: input item %d was filled", n, i)
			}
		}
		got = 0
		fillAhead(items, fill, func(dal.Item, error) bool {
			got++
			return got != n/2+1
		})
		if n > 0 && got != n/2+1 {
			t.Fatalf("n=%d: stopped after %d items, want %d", n, got, n/2+1)
		}
	}
}
