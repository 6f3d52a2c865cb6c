package snapshot

import (
	"testing"
	"time"
)

// FuzzParseName: any name parses or errors without panicking, and every
// name hoard writes parses back to its own time and sequence.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"20200102T170015Z.json", "browser-20200102170015.sqlite", "2020-01-02T17:00:15+01:00.x", "20200102", "x"} {
		f.Add(s, int64(1577984415), uint16(0))
	}
	f.Fuzz(func(t *testing.T, name string, unix int64, seq uint16) {
		parseName(name)
		at := time.Unix(unix%(1<<33), 0).UTC()
		if at.Year() < 1970 || at.Year() > 2200 {
			return
		}
		written := StampName(at, "json", Zstd)(int(seq % 1000))
		pn, err := parseName(written)
		if err != nil || !pn.Time.Equal(at) || pn.Seq != int(seq%1000) || pn.Ext != "json" || pn.Codec != Zstd {
			t.Fatalf("%s parsed as %+v, %v", written, pn, err)
		}
	})
}
