package lastfm

import (
	"os"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/source/internal/apisource/apitest"
)

// BenchmarkFirstRun exports a 20,000-scrobble history (100 pages) from
// the fake, paced by the fake clock (no real waiting), and reads it back:
// the cost hoard adds per page and per item, not the network's.
//
//	go test -run '^$' -bench FirstRun -benchtime 3x ./source/lastfm/
func BenchmarkFirstRun(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := apitest.New(b, "api_key = \""+key+"\"\n")
		s := newFake(b, h, 20000)
		bld := buildFor(b, s)
		b.StartTimer()
		start := time.Now()
		if err := h.Run(bld); err != nil {
			b.Fatal(err)
		}
		exported := time.Since(start)
		got := h.Read(Decoder)
		if len(got["scrobbles"]) != 20000 {
			b.Fatalf("%d scrobbles", len(got["scrobbles"]))
		}
		b.StopTimer()
		info, _ := os.Stat(h.Snapshots()[0])
		b.ReportMetric(float64(info.Size()), "snapshot-bytes")
		b.ReportMetric(exported.Seconds(), "export-s")
	}
}
