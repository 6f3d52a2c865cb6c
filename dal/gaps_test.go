package dal

import (
	"fmt"
	"testing"
)

func TestGaps(t *testing.T) {
	dir := t.TempDir()
	// A window of 3 items per day, 2 new items a day; day 3 is missing
	// (exports skipped) so days 2 and 4 do not overlap.
	for _, d := range []int{0, 1, 2, 4, 5} {
		doc := "["
		for k := 2*d + 1; k <= 2*d+3; k++ {
			doc += fmt.Sprintf(`{"id":%d,"t":%d},`, k, 1700000000+k*100)
		}
		doc += `{"id":"other","k":1}]`
		writeSnap(t, dir, d, "json", doc)
	}
	res := mergeDir(t, dir, Spec{Key: []string{"id"}, Time: "t"})
	gaps := Gaps(res.Files)
	if len(gaps) != 1 {
		t.Fatalf("gaps %+v", gaps)
	}
	g := gaps[0]
	if g.From.Unix() != 1700000000+7*100 || g.To.Unix() != 1700000000+9*100 || g.Before != res.Files[2].Snapshot.Path || g.After != res.Files[3].Snapshot.Path {
		t.Errorf("gap %+v", g)
	}
	// Without ranges there is nothing to compare.
	for i := range res.Files {
		res.Files[i].Ranges = nil
	}
	if len(Gaps(res.Files)) != 0 {
		t.Error("gaps without ranges")
	}
}
