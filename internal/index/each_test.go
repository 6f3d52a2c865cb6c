package index

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/bench/dal/synth"
	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

// synthIndex indexes a synthetic source of days daily snapshots (1000
// items in view, 100 new a day) as source "bench", in an index closed when
// the test ends.
func synthIndex(t *testing.T, days int) *Index {
	t.Helper()
	dir := t.TempDir()
	if err := synth.Write(dir, days, 1000, 100, false); err != nil {
		t.Fatal(err)
	}
	l, err := snapshot.ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := Open(context.Background(), filepath.Join(t.TempDir(), "index.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if _, err := x.Refresh(context.Background(), Source{Spec: benchSpec, Snaps: l.Snapshots}); err != nil {
		t.Fatal(err)
	}
	return x
}

// Each reads on another goroutine in batches: it must give the items of
// All yields the items in the order of Items, stops when the consumer
// does, and ends with the context's error when it is cancelled.
func TestAllStops(t *testing.T) {
	ctx := context.Background()
	x := synthIndex(t, 3)
	q := Query{Sources: []string{"bench"}}
	all, err := x.Items(ctx, q)
	if err != nil || len(all) != 1200 {
		t.Fatalf("%d items, %v", len(all), err)
	}
	for _, at := range []int{0, 1, 255, 256, 257, 700, 1199} {
		n := 0
		for it, err := range x.All(ctx, q) {
			if err != nil {
				t.Fatal(err)
			}
			if it.Key != all[n].Key {
				t.Fatalf("item %d: key %q, Items has %q", n, it.Key, all[n].Key)
			}
			if n == at {
				break
			}
			n++
		}
		if n != at {
			t.Fatalf("stop at %d: stopped at %d", at, n)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	err = nil
	for _, ierr := range x.All(cctx, q) {
		if ierr != nil {
			err = ierr
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if !errors.Is(err, context.Canceled) || n == len(all) {
		t.Fatalf("cancelled: %d items, %v", n, err)
	}
	// The index is still usable: no connection was left behind.
	if got, err := x.Items(ctx, q); err != nil || len(got) != len(all) {
		t.Fatalf("after stopping: %d items, %v", len(got), err)
	}
}

// A panic in the consumer must not leave the reader holding a connection.
func TestAllPanic(t *testing.T) {
	ctx := context.Background()
	x := synthIndex(t, 2)
	q := Query{Sources: []string{"bench"}}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		for range x.All(ctx, q) {
			panic("consumer")
		}
	}()
	x.db.SetMaxOpenConns(1) // the only connection must come back
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if got, err := x.Items(wctx, q); err != nil || len(got) != 1100 {
		t.Fatalf("after a panic: %d items, %v", len(got), err)
	}
}

// A query over several record segments, keeping one decoded at a time,
// reads what the merge gives.
func TestFewSegmentsKept(t *testing.T) {
	defer func(n int) { keptSegs = n }(keptSegs)
	keptSegs = 1
	dir := t.TempDir()
	if err := synth.Write(dir, 12, 1000, 100, false); err != nil {
		t.Fatal(err)
	}
	src := source(t, dir, benchSpec)
	x, err := Open(context.Background(), filepath.Join(t.TempDir(), "index.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, dq := range []dal.Query{{}, {Reverse: true}, {Search: "café"}, {Search: "zürich", Reverse: true, Limit: 700}} {
		q := Query{Sources: []string{"bench"}, Query: dq}
		got, _ := cached(t, x, src, q)
		if want := uncached(t, src, q); got != want {
			t.Errorf("query %+v: cached output differs (%d and %d bytes)", q, len(got), len(want))
		}
	}
}
