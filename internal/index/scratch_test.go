package index

import (
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

// TestScratchRefresh: HOARD_SCRATCH_INDEX=path HOARD_SCRATCH_DIR=dir.
func TestScratchRefresh(t *testing.T) {
	path, dir := os.Getenv("HOARD_SCRATCH_INDEX"), os.Getenv("HOARD_SCRATCH_DIR")
	if path == "" {
		t.Skip()
	}
	if p := os.Getenv("HOARD_SCRATCH_PROF"); p != "" {
		f, _ := os.Create(p)
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	l, _ := snapshot.ListDir(dir)
	t0 := time.Now()
	x, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	st, err := x.Refresh(ctx, Source{Spec: benchSpec, Snaps: l.Snapshots})
	t2 := time.Now()
	items, err2 := x.Items(ctx, Query{Sources: []string{"bench"}, Limit: 1})
	t3 := time.Now()
	x.Close()
	t4 := time.Now()
	t.Logf("%+v %v %v %d: open %v refresh %v query %v close %v", st, err, err2, len(items), t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3))
}

func TestScratchMerge(t *testing.T) {
	dir := os.Getenv("HOARD_SCRATCH_DIR")
	if dir == "" || os.Getenv("HOARD_SCRATCH_MERGE") == "" {
		t.Skip()
	}
	l, _ := snapshot.ListDir(dir)
	for r := 0; r < 3; r++ {
		for _, ranges := range []bool{false, true} {
			t0 := time.Now()
			res, _ := dal.Merge(ctx, benchSpec, l.Snapshots, dal.Options{Ranges: ranges, LazyText: true})
			t.Logf("ranges %v: %v (%d)", ranges, time.Since(t0), len(res.Items))
		}
	}
}
