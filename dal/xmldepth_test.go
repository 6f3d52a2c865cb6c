package dal

import (
	"runtime"
	"strings"
	"testing"
)

// A million nested elements (7 MB) are refused as soon as they pass the
// nesting limit, not after building all of them in memory (1 GB).
func TestXMLDepthCheckedWhileReading(t *testing.T) {
	const n = 1000000
	for _, c := range []struct{ name, doc string }{
		{"inside an item", "<r><i>" + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + "</i></r>"},
		{"outside items", "<r>" + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + "<i>x</i></r>"},
	} {
		p := writeSnap(t, t.TempDir(), 0, "xml", c.doc)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, errs := records(t, "xml", p, Spec{Items: []string{"r.i"}})
		runtime.ReadMemStats(&after)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "nested deeper than 10000") || !strings.Contains(errs[0].Error(), p) {
			t.Errorf("%s: errors %v", c.name, errs)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: %d MB allocated before the depth error", c.name, alloc>>20)
		}
	}
}
