package gpx

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// FuzzDecoder: records are JSON objects whatever the file holds, and the
// decoder never panics.
func FuzzDecoder(f *testing.F) {
	for _, name := range []string{"garmin-etrex-current.gpx", "gpsbabel-1.0.gpx"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	f.Add([]byte(`<gpx><trk><name>a</name><trkseg><trkpt lat="1e1" lon="-0"><extensions><a><b>x</b></a></extensions></trkpt></trkseg></trk><rte><rtept lat="x" lon="1"/></rte></gpx>`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in []byte) {
		p := filepath.Join(dir, "20240101T000000Z.gpx")
		if err := os.WriteFile(p, in, 0o600); err != nil {
			t.Fatal(err)
		}
		for rec, err := range Decoder.Records(t.Context(), p, &dal.Spec{}) {
			if err == nil && (!json.Valid(rec.Raw) || rec.Raw[0] != '{') {
				t.Fatalf("record %q is not a JSON object", rec.Raw)
			}
		}
	})
}
