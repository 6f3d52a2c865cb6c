package cli

import (
	"errors"
	"strconv"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// fillAhead yields every item once, in order, filled, and stops at the
// first error from yield without touching the input items.
func TestFillAhead(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 257, 1000, 5000} {
		items := make([]dal.Item, n)
		for i := range items {
			items[i].Key = strconv.Itoa(i)
		}
		fill := func(it *dal.Item) { it.Title = "t" + it.Key }
		var got int
		err := fillAhead(items, fill, func(it *dal.Item) error {
			if it.Key != strconv.Itoa(got) || it.Title != "t"+it.Key {
				t.Fatalf("n=%d: item %d is %q %q", n, got, it.Key, it.Title)
			}
			got++
			return nil
		})
		if err != nil || got != n {
			t.Fatalf("n=%d: %d items, %v", n, got, err)
		}
		for i := range items {
			if items[i].Title != "" {
				t.Fatalf("n=%d: input item %d was filled", n, i)
			}
		}
		stop := errors.New("stop")
		got = 0
		err = fillAhead(items, fill, func(*dal.Item) error {
			if got++; got == n/2+1 {
				return stop
			}
			return nil
		})
		if n > 0 && (err != stop || got != n/2+1) {
			t.Fatalf("n=%d: stopped after %d items with %v", n, got, err)
		}
	}
}
