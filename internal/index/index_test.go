package index

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

var ctx = context.Background()

func stamp(i int) string {
	return snapshot.FormatStamp(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i))
}

// writeSnap writes snapshot i of a synthetic source: items i..i+4, with
// item i+2 edited in odd snapshots.
func writeSnap(t testing.TB, dir string, i int) {
	t.Helper()
	var parts []string
	for k := i; k < i+5; k++ {
		v := 0
		if k == i+2 && i%2 == 1 {
			v = i
		}
		parts = append(parts, fmt.Sprintf(`{"id":%d,"t":%d,"title":"item %d word%d","v":%d}`, k, 1700000000+k*60, k, k%3, v))
	}
	os.WriteFile(filepath.Join(dir, stamp(i)+".json"), []byte(`{"saved":[`+strings.Join(parts, ",")+`]}`), 0o644)
}

var spec = dal.Spec{Source: "s", Items: []string{"saved"}, Key: []string{"id"}, Time: "t"}

func source(t testing.TB, dir string, sp dal.Spec) Source {
	t.Helper()
	l, err := snapshot.ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Source{Spec: sp, Snaps: l.Snapshots}
}

// render prints items as JSON lines.
func render(items []dal.Item) string {
	var b []byte
	for i := range items {
		b = append(items[i].AppendJSON(b), '\n')
	}
	return string(b)
}

// uncached is what a merge without the index gives.
func uncached(t testing.TB, src Source, q Query) string {
	t.Helper()
	res, err := dal.Merge(ctx, src.Spec, src.Snaps, dal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	items, err := dal.Select(ctx, []*dal.Result{res}, q.Query)
	if err != nil {
		t.Fatal(err)
	}
	return render(items)
}

func cached(t testing.TB, x *Index, src Source, q Query) (string, Stats) {
	t.Helper()
	st, err := x.Refresh(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	items, err := x.Items(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return render(items), st
}

func TestRefreshAddChangeDelete(t *testing.T) {
	dir := t.TempDir()
	x, err := Open(ctx, filepath.Join(t.TempDir(), "index.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	q := Query{Sources: []string{"s"}}
	check := func(step string, wantDecoded int, wantRebuilt bool) {
		t.Helper()
		src := source(t, dir, spec)
		got, st := cached(t, x, src, q)
		if want := uncached(t, src, q); got != want {
			t.Fatalf("%s: cached\n%s\nuncached\n%s", step, got, want)
		}
		if st.Decoded != wantDecoded || st.Rebuilt != wantRebuilt {
			t.Errorf("%s: stats %+v, want decoded %d rebuilt %v", step, st, wantDecoded, wantRebuilt)
		}
	}
	for i := range 4 {
		writeSnap(t, dir, i)
	}
	check("first", 4, true)
	check("warm", 0, false)
	writeSnap(t, dir, 4)
	check("one new snapshot", 1, false)
	// A snapshot inserted in the past is also just decoded.
	os.WriteFile(filepath.Join(dir, "20231231T120000Z.json"), []byte(`{"saved":[{"id":0,"t":1,"v":"older"},{"id":-1,"t":2}]}`), 0o644)
	check("older snapshot added", 1, false)
	os.WriteFile(filepath.Join(dir, stamp(1)+".json"), []byte(`{"saved":[{"id":1,"t":5,"v":"rewritten"}]}`), 0o644)
	check("changed", 6, true)
	os.Remove(filepath.Join(dir, stamp(0)+".json"))
	check("deleted", 5, true)
	check("settled", 0, false)
	// A spec change rebuilds.
	sp := spec
	sp.Title = "v"
	src := source(t, dir, sp)
	if _, st := cached(t, x, src, q); !st.Rebuilt || !strings.Contains(st.Reason, "settings") {
		t.Errorf("spec change: %+v", st)
	}
}

func TestQueriesMatchUncached(t *testing.T) {
	dir := t.TempDir()
	for i := range 6 {
		writeSnap(t, dir, i)
	}
	os.WriteFile(filepath.Join(dir, stamp(7)+".json"), []byte(`{"saved":[{"id":"x","title":"Zürich CAFÉ word1"},{"id":"bad","t":"soon"},{"id":"inv","x":tru}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, stamp(8)+".json"), []byte(`{"saved":[{"id":"y"`), 0o644)
	x, err := Open(ctx, filepath.Join(t.TempDir(), "index.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	src := source(t, dir, spec)
	base := time.Unix(1700000000, 0)
	for _, dq := range []dal.Query{
		{}, {Reverse: true}, {Limit: 3}, {Reverse: true, Limit: 2},
		{After: base.Add(3 * time.Minute)}, {Before: base.Add(5 * time.Minute)},
		{After: base.Add(2 * time.Minute), Before: base.Add(4 * time.Minute), Reverse: true},
		{Search: "word1"}, {Search: "zürich café"}, {Search: "WOR*"}, {Search: `item "4`}, {Search: "nothing-here"},
	} {
		q := Query{Sources: []string{"s"}, Query: dq}
		got, _ := cached(t, x, src, q)
		if want := uncached(t, src, q); got != want {
			t.Errorf("query %+v: cached\n%s\nuncached\n%s", q, got, want)
		}
	}
	errs, err := x.Errors(ctx, []string{"s"})
	res, _ := dal.Merge(ctx, spec, src.Snaps, dal.Options{})
	var want []string
	for _, e := range res.Errors() {
		want = append(want, e.Error())
	}
	if err != nil || len(errs) != 3 || strings.Join(sorted(errs), "\n") != strings.Join(sorted(want), "\n") {
		t.Errorf("stored errors:\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestDeletedAndCorruptIndex(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		writeSnap(t, dir, i)
	}
	src := source(t, dir, spec)
	q := Query{Sources: []string{"s"}}
	want := uncached(t, src, q)
	path := filepath.Join(t.TempDir(), "cache", "index.sqlite")
	for _, damage := range []func(){
		func() { Remove(path) },
		func() {
			os.WriteFile(path, bytes.Repeat([]byte("garbage!"), 1000), 0o600)
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		},
	} {
		x, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := cached(t, x, src, q); got != want {
			t.Fatal("cached output differs")
		}
		x.Close()
		damage()
		x, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopening after damage: %v", err)
		}
		if got, st := cached(t, x, src, q); got != want || !st.Rebuilt {
			t.Fatalf("after damage: rebuilt %v, output equal %v", st.Rebuilt, got == want)
		}
		x.Close()
	}
}

// TestConcurrentRefresh runs refreshes from several processes (this test
// binary re-run as a helper) and goroutines at once, with readers going.
func TestConcurrentRefresh(t *testing.T) {
	if os.Getenv("HOARD_INDEX_HELPER") != "" {
		helperRefresh(t)
		return
	}
	dir := t.TempDir()
	for i := range 20 {
		writeSnap(t, dir, i)
	}
	path := filepath.Join(t.TempDir(), "index.sqlite")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentRefresh$")
			cmd.Env = append(os.Environ(), "HOARD_INDEX_HELPER="+path, "HOARD_INDEX_DIR="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("helper: %v\n%s", err, out)
			}
		}()
	}
	wg.Add(1)
	go func() { // a reader in this process
		defer wg.Done()
		for range 20 {
			x, err := Open(ctx, path)
			if err != nil {
				errs <- err
				return
			}
			if _, err := x.Items(ctx, Query{Sources: []string{"s"}}); err != nil {
				errs <- fmt.Errorf("reader: %w", err)
			}
			x.Close()
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	x, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	src := source(t, dir, spec)
	q := Query{Sources: []string{"s"}}
	if got, st := cached(t, x, src, q); got != uncached(t, src, q) || st.Decoded != 0 {
		t.Errorf("after concurrent refreshes: decoded %d, equal %v", st.Decoded, got == uncached(t, src, q))
	}
}

func helperRefresh(t *testing.T) {
	path, dir := os.Getenv("HOARD_INDEX_HELPER"), os.Getenv("HOARD_INDEX_DIR")
	for round := range 3 {
		x, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.Refresh(ctx, source(t, dir, spec)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		x.Close()
	}
}

// TestVersionChangesRebuild: a decoder's version bump rebuilds the
// sources on the next refresh; an index of another schema version is
// recreated when opened, with the current page size.
func TestVersionChangesRebuild(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		writeSnap(t, dir, i)
	}
	path := filepath.Join(t.TempDir(), "index.sqlite")
	x, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	src := source(t, dir, spec)
	q := Query{Sources: []string{"s"}}
	want, _ := cached(t, x, src, q)
	d := dal.JSON
	d.Version++
	_, st := cached(t, x, src, q)
	d.Version--
	if !st.Rebuilt || !strings.Contains(st.Reason, "decoder version") {
		t.Errorf("decoder version bump: %+v", st)
	}
	if _, err := x.db.Exec("PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	x.Close()
	x, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	got, st := cached(t, x, src, q)
	if !st.Rebuilt || st.Reason != "not indexed yet" || got != want {
		t.Errorf("after a schema change: %+v, same output %v", st, got == want)
	}
	var size int
	if err := x.db.QueryRow("PRAGMA page_size").Scan(&size); err != nil || size != pageSize {
		t.Errorf("recreated index has pages of %d bytes (%v), want %d", size, err, pageSize)
	}
}

// RefreshWith reports every snapshot decoded and, for a rebuild, the
// items written, ending with all of them.
func TestRefreshProgress(t *testing.T) {
	dir := t.TempDir()
	for i := range 6 {
		writeSnap(t, dir, i)
	}
	x, err := Open(ctx, filepath.Join(t.TempDir(), "index.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var mu sync.Mutex
	var got []Progress
	opt := RefreshOptions{Progress: func(p Progress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}}
	if _, err := x.RefreshWith(ctx, source(t, dir, spec), opt); err != nil {
		t.Fatal(err)
	}
	snaps := map[int]bool{}
	for _, p := range got {
		if p.Source != "s" || p.OfSnapshots != 6 || p.Items > p.OfItems {
			t.Fatalf("progress %+v", p)
		}
		snaps[p.Snapshots] = true
	}
	if last := got[len(got)-1]; len(snaps) != 7 || last.Items != 10 || last.OfItems != 10 || last.Snapshots != 6 {
		t.Errorf("progress %+v", got)
	}
	writeSnap(t, dir, 6)
	got = nil
	if _, err := x.RefreshWith(ctx, source(t, dir, spec), opt); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != (Progress{Source: "s", Snapshots: 1, OfSnapshots: 1}) {
		t.Errorf("incremental refresh's progress %+v", got)
	}
}
