package dal

import (
	"context"
	"os"
	"testing"

	"github.com/hoard-dev/hoard/bench/dal/synth"
	"github.com/hoard-dev/hoard/snapshot"
)

var benchSpec = Spec{Source: "bench", Items: []string{"saved"}, Key: []string{"id"}, Time: "created_utc"}

// benchDir returns $HOARD_BENCH_DIR (a directory made by bench/dal/gen),
// else a small synthetic source made for this run.
func benchDir(b *testing.B, s, w, g int) []snapshot.Snapshot {
	dir := os.Getenv("HOARD_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
		if err := synth.Write(dir, s, w, g, false); err != nil {
			b.Fatal(err)
		}
	}
	l, err := snapshot.ListDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	return l.Snapshots
}

func totalSize(snaps []snapshot.Snapshot) (n int64) {
	for _, s := range snaps {
		n += s.Size
	}
	return n
}

// BenchmarkScanJSON is the raw JSON throughput of one core: finding the
// item boundaries of one snapshot of 5000 items (about 4 MB).
func BenchmarkScanJSON(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Write(dir, 1, 5000, 0, false); err != nil {
		b.Fatal(err)
	}
	l, _ := snapshot.ListDir(dir)
	snap := l.Snapshots[0]
	b.SetBytes(snap.Size)
	for b.Loop() {
		n := 0
		for _, err := range JSON.Records(context.Background(), snap.Path, &benchSpec) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 5000 {
			b.Fatalf("%d records", n)
		}
	}
}

// BenchmarkMerge merges a synthetic source (or $HOARD_BENCH_DIR) by id:
// all cores, envelope text left lazy as hoard items does.
func BenchmarkMerge(b *testing.B) {
	snaps := benchDir(b, 30, 2000, 100)
	b.SetBytes(totalSize(snaps))
	for b.Loop() {
		res, err := Merge(context.Background(), benchSpec, snaps, Options{LazyText: true})
		if err != nil {
			b.Fatal(err)
		}
		if errs := res.Errors(); len(errs) > 0 {
			b.Fatal(errs[0])
		}
		b.ReportMetric(float64(len(res.Items)), "items")
	}
}
