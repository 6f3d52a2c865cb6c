package index

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/bench/dal/synth"
	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

var benchSpec = dal.Spec{Source: "bench", Items: []string{"saved"}, Key: []string{"id"}, Time: "created_utc"}

// benchSnaps returns the snapshots of $HOARD_BENCH_DIR (made by
// bench/dal/gen), else of a small synthetic source made for this run.
func benchSnaps(b *testing.B) []snapshot.Snapshot {
	dir := os.Getenv("HOARD_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
		if err := synth.Write(dir, 30, 2000, 100, false); err != nil {
			b.Fatal(err)
		}
	}
	l, err := snapshot.ListDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	return l.Snapshots
}

// buildIndex indexes snaps into a new index file and returns its path.
// With $HOARD_BENCH_KEEP set to a directory, the file is kept there and
// reused by later runs (for profiling the refresh alone; delete the
// directory after changing the index's code).
func buildIndex(b *testing.B, snaps []snapshot.Snapshot) string {
	path := filepath.Join(b.TempDir(), "index.sqlite")
	if keep := os.Getenv("HOARD_BENCH_KEEP"); keep != "" {
		path = filepath.Join(keep, fmt.Sprintf("base-%d.sqlite", len(snaps)))
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	x, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Refresh(context.Background(), Source{Spec: benchSpec, Snaps: snaps}); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkWarmQuery reads every merged item back from a fresh index.
func BenchmarkWarmQuery(b *testing.B) {
	snaps := benchSnaps(b)
	x, err := Open(context.Background(), buildIndex(b, snaps))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for b.Loop() {
		items, err := x.Items(context.Background(), Query{Sources: []string{"bench"}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(items)), "items")
	}
}

// BenchmarkWarmEach streams every merged item from a fresh index, the way
// the CLI prints them, holding none.
func BenchmarkWarmEach(b *testing.B) {
	snaps := benchSnaps(b)
	x, err := Open(context.Background(), buildIndex(b, snaps))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for b.Loop() {
		n, size := 0, 0
		for it, err := range x.All(context.Background(), Query{Sources: []string{"bench"}}) {
			if err != nil {
				b.Fatal(err)
			}
			n, size = n+1, size+len(it.Raw)
		}
		b.ReportMetric(float64(n), "items")
	}
}

// BenchmarkRefreshOne is a refresh that finds one new snapshot. Between
// refreshes (timer stopped) it also merges that snapshot alone, as
// BenchmarkDecodeOne does, and reports the ratio of the two
// ("x-decode"), so that both are measured under the same conditions.
func BenchmarkRefreshOne(b *testing.B) {
	snaps := benchSnaps(b)
	base := buildIndex(b, snaps[:len(snaps)-1])
	work := filepath.Join(b.TempDir(), "work.sqlite")
	var refresh, decode time.Duration
	for b.Loop() {
		b.StopTimer()
		copyFile(b, base, work)
		x, err := Open(context.Background(), work)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		st, err := x.Refresh(context.Background(), Source{Spec: benchSpec, Snaps: snaps})
		refresh += time.Since(t0)
		b.StopTimer()
		if err != nil || st.Decoded != 1 || st.Rebuilt {
			b.Fatalf("refresh %+v %v", st, err)
		}
		x.Close()
		t0 = time.Now()
		if _, err := dal.Merge(context.Background(), benchSpec, snaps[len(snaps)-1:], dal.Options{Ranges: true}); err != nil {
			b.Fatal(err)
		}
		decode += time.Since(t0)
		b.StartTimer()
	}
	b.ReportMetric(float64(decode.Microseconds())/1000/float64(b.N), "decode-ms/op")
	b.ReportMetric(float64(refresh)/float64(decode), "x-decode")
}

// BenchmarkDecodeOne merges the newest snapshot alone (what a refresh
// must at least do).
func BenchmarkDecodeOne(b *testing.B) {
	snaps := benchSnaps(b)
	last := snaps[len(snaps)-1:]
	b.SetBytes(last[0].Size)
	for b.Loop() {
		if _, err := dal.Merge(context.Background(), benchSpec, last, dal.Options{Ranges: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func copyFile(b *testing.B, from, to string) {
	Remove(to)
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	// Written back now, not while the next refresh is timed.
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDecodeOneStdlib decodes the newest snapshot fully with
// encoding/json, for scale: what "decoding a file" costs a program that
// parses every item.
func BenchmarkDecodeOneStdlib(b *testing.B) {
	snaps := benchSnaps(b)
	last := snaps[len(snaps)-1]
	b.SetBytes(last.Size)
	for b.Loop() {
		data, err := os.ReadFile(last.Path)
		if err != nil {
			b.Fatal(err)
		}
		var doc struct {
			Saved []map[string]any `json:"saved"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild indexes every snapshot into a new index file: the first
// query of a source.
func BenchmarkBuild(b *testing.B) {
	snaps := benchSnaps(b)
	dir := b.TempDir()
	for b.Loop() {
		path := filepath.Join(dir, "index.sqlite")
		Remove(path)
		x, err := Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := x.Refresh(context.Background(), Source{Spec: benchSpec, Snaps: snaps}); err != nil {
			b.Fatal(err)
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
