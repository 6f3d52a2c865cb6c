package dal

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/snapshot"
)

// BenchmarkHugeValue merges one snapshot holding a single 200 MB string
// value (HOARD_BENCH_HUGE_MB sets the size): the cost should grow
// linearly with the value. Figures, end to end on a zstd file: docs/benchmarks.md
// ("One huge value", bench/dal/huge.sh).
func BenchmarkHugeValue(b *testing.B) {
	mb := 200
	if s := os.Getenv("HOARD_BENCH_HUGE_MB"); s != "" {
		var err error
		if mb, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "20240101T000000Z.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	f.WriteString(`[{"id":1,"text":"`)
	piece := strings.Repeat("abcdefgh ", 1<<17)
	for n := 0; n < mb<<20; n += len(piece) {
		f.WriteString(piece)
	}
	f.WriteString(`"},{"id":2}]`)
	f.Close()
	l, err := snapshot.ListDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(mb) << 20)
	b.ResetTimer()
	for b.Loop() {
		res, err := Merge(context.Background(), Spec{Key: []string{"id"}, MaxItemSize: 1 << 30}, l.Snapshots, Options{})
		if err != nil || len(res.Items) != 2 || len(res.Errors()) != 0 {
			b.Fatalf("%v %d %v", err, len(res.Items), res.Errors())
		}
	}
}
