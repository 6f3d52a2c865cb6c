package dal

import (
	"context"
	"os"
	"testing"

	"github.com/hoard-dev/hoard/snapshot"
)

// BenchmarkMergeDir merges the directory in $HOARD_BENCH_DIR (made by
// bench/dal/gen) by id; it is skipped when the variable is unset.
func BenchmarkMergeDir(b *testing.B) {
	dir := os.Getenv("HOARD_BENCH_DIR")
	if dir == "" {
		b.Skip("set HOARD_BENCH_DIR to a directory made by bench/dal/gen")
	}
	l, err := snapshot.ListDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, s := range l.Snapshots {
		size += s.Size
	}
	b.SetBytes(size)
	spec := Spec{Source: "bench", Items: []string{"saved"}, Key: []string{"id"}, Time: "created_utc"}
	for b.Loop() {
		res, err := Merge(context.Background(), spec, l.Snapshots, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Errors()) > 0 {
			b.Fatal(res.Errors()[0])
		}
		b.ReportMetric(float64(len(res.Items)), "items")
	}
}
