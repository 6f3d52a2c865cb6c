package gpx

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
)

// BenchmarkDecode reads a 28-hour recording at one point a second (100,000
// points with heart rate and cadence: about 23 MB, a multi-day hike).
func BenchmarkDecode(b *testing.B) {
	var s strings.Builder
	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?><gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><name>Long hike</name><trkseg>` + "\n")
	for i := range 100000 {
		fmt.Fprintf(&s, `<trkpt lat="%.7f" lon="%.7f"><ele>%.1f</ele><time>2024-06-01T%02d:%02d:%02dZ</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>%d</gpxtpx:hr><gpxtpx:cad>%d</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>`+"\n",
			46.0+float64(i)*1e-5, 7.0+float64(i)*1e-5, 500+float64(i%1000), (i/3600)%24, (i/60)%60, i%60, 100+i%50, 80+i%10)
	}
	s.WriteString("</trkseg></trk></gpx>\n")
	p := filepath.Join(b.TempDir(), "20240101T000000Z.gpx")
	if err := os.WriteFile(p, []byte(s.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	dectest.Bench(b, Decoder, p, 100001)
}
