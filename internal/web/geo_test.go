package web

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// readFixture reads a file of testdata/geo as a snapshot, with the real
// decoders, and returns its items by kind.
func readFixture(t *testing.T, file string, spec dal.Spec) map[string][]dal.Item {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "geo", file))
	if err != nil {
		t.Fatal(err)
	}
	ext := filepath.Ext(file)
	if err := os.WriteFile(filepath.Join(dir, "20240601T000000Z"+ext), data, 0o600); err != nil {
		t.Fatal(err)
	}
	spec.Source = "geo"
	out := map[string][]dal.Item{}
	for it, err := range dal.Dir(context.Background(), dir, spec) {
		if err != nil {
			t.Fatal(err)
		}
		out[it.Kind] = append(out[it.Kind], it)
	}
	return out
}

// describe prints a shape with 4 decimals: "P lat,lon" and "T lat,lon lat,lon".
func describeShape(s Shape) string {
	var parts []string
	f := func(p LatLon) string { return fmt.Sprintf("%.4f,%.4f", p.Lat, p.Lon) }
	for _, t := range s.Tracks {
		var pts []string
		for _, p := range t {
			pts = append(pts, f(p))
		}
		parts = append(parts, "T "+strings.Join(pts, " "))
	}
	for _, p := range s.Points {
		parts = append(parts, "P "+f(p))
	}
	return strings.Join(parts, "; ")
}

func TestCoordinatesOfRealFormats(t *testing.T) {
	xml := dal.XML
	for _, tc := range []struct {
		file string
		spec dal.Spec
		want map[string][]string // kind -> shape of each item, in order
	}{
		{"records.json", dal.Spec{Items: []string{"locations"}}, map[string][]string{"locations": {
			"P 35.6617,139.6787",
			"P 41.4216,2.1685",
			"P -0.1444,151.1000", // an overflowed latitudeE7, mended
			"",                   // 0,0 is no place
		}}},
		{"semantic.json", dal.Spec{Items: []string{"timelineObjects"}}, map[string][]string{"timelineObjects": {
			// start and end locations and the path (map order of members is not kept: sorted below)
			"P 41.3962,2.1537; P 41.4084,2.1704; T 41.4084,2.1704 41.4001,2.1650 41.3962,2.1537",
			"P 41.3962,2.1537",
		}}},
		{"timeline.json", dal.Spec{Items: []string{"semanticSegments", "rawSignals"}}, map[string][]string{
			"semanticSegments": {
				"T 48.8584,2.2945 48.8606,2.3376 48.8530,2.3499",
				"P 48.8530,2.3499",
				"P 48.8530,2.3499; P 48.8738,2.2950",
				"P 40.4168,-3.7038",
			},
			"rawSignals": {"P 48.8584,2.2945", ""},
		}},
		{"strava.json", dal.Spec{}, map[string][]string{dal.DefaultKind: {
			"P 38.5000,-120.2000; P 43.2520,-126.4530; T 38.5000,-120.2000 40.7000,-120.9500 43.2520,-126.4530",
			"",
		}}},
		{"track.gpx", dal.Spec{Decoder: xml, Items: []string{"gpx.trk", "gpx.wpt"}}, map[string][]string{
			"gpx.trk": {"T 47.3782,8.5402 47.3700,8.5200 47.3495,8.4916; T 47.3495,8.4916 47.3782,8.5402"},
			"gpx.wpt": {"P 47.3495,8.4916"},
		}},
		{"track.gpx", dal.Spec{Decoder: xml, Items: []string{"gpx.trk.trkseg.trkpt"}}, map[string][]string{
			"gpx.trk.trkseg.trkpt": {"P 47.3782,8.5402", "P 47.3700,8.5200", "P 47.3495,8.4916", "P 47.3495,8.4916", "P 47.3782,8.5402"},
		}},
		{"places.geojson", dal.Spec{Decoder: dal.JSON, Items: []string{"features"}}, map[string][]string{"features": {
			"P 51.5072,-0.1276",
			"T 51.5072,-0.1276 51.5138,-0.0877",
		}}},
	} {
		t.Run(tc.file+fmt.Sprint(tc.spec.Items), func(t *testing.T) {
			items := readFixture(t, tc.file, tc.spec)
			for kind, want := range tc.want {
				if len(items[kind]) != len(want) {
					t.Fatalf("%s: %d items, want %d (kinds %v)", kind, len(items[kind]), len(want), keys(items))
				}
				for i, it := range items[kind] {
					if got := sortedShape(Coordinates(it.Raw)); got != sortedParts(want[i]) {
						t.Errorf("%s %d:\n got %s\nwant %s\nraw %s", kind, i, got, sortedParts(want[i]), it.Raw)
					}
				}
			}
		})
	}
}

func keys(m map[string][]dal.Item) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sortedShape describes a shape with its parts sorted: the members of a
// JSON object have no order, so neither do the shapes found in them.
func sortedShape(s Shape) string { return sortedParts(describeShape(s)) }

func sortedParts(s string) string {
	if s == "" {
		return ""
	}
	parts := strings.Split(s, "; ")
	for i := range parts {
		for j := i + 1; j < len(parts); j++ {
			if parts[j] < parts[i] {
				parts[i], parts[j] = parts[j], parts[i]
			}
		}
	}
	return strings.Join(parts, "; ")
}

// TestCoordinatesHostile: nothing that is not a place becomes one, deep
// or huge input costs bounded work, and garbage never panics.
func TestCoordinatesHostile(t *testing.T) {
	for _, raw := range []string{
		`{"lat": "abc", "lon": 3}`,
		`{"lat": 91, "lon": 3}`,
		`{"lat": 45, "lon": 181}`,
		`{"latitude": null, "longitude": 3}`,
		`{"title": "latitude is not a place", "text": "48.85°, 2.29°!"}`,
		`{"polyline": "not a polyline \u0000"}`,
		`{"start_latlng": [1]}`,
		`{"type": "Point", "coordinates": "x"}`,
		`{"lat": 1e400, "lon": 2}`,
		`not json`,
		``,
		strings.Repeat(`{"a":`, 5000) + `{"lat": 1, "lon": 2}` + strings.Repeat(`}`, 5000),
	} {
		if s := Coordinates([]byte(raw)); !s.Empty() {
			t.Errorf("%.60s: %s", raw, describeShape(s))
		}
	}
	var b strings.Builder
	b.WriteString(`{"points": [`)
	for i := 0; i < 3*geoMaxPoints; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"lat": %f, "lon": 1}`, float64(i%80)+0.5)
	}
	b.WriteString(`]}`)
	n := 0
	Coordinates([]byte(b.String())).Each(func(LatLon) { n++ })
	if n != geoMaxPoints {
		t.Errorf("%d points kept of %d, want %d", n, 3*geoMaxPoints, geoMaxPoints)
	}
}

func TestDecodePolyline(t *testing.T) {
	// The example of Google's description of the format.
	got := decodePolyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@")
	want := []LatLon{{38.5, -120.2}, {40.7, -120.95}, {43.252, -126.453}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if math.Abs(got[i].Lat-want[i].Lat) > 1e-9 || math.Abs(got[i].Lon-want[i].Lon) > 1e-9 {
			t.Errorf("%d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"_p~iF", "\x00\x01", "~~~~~~~~~~~~~~"} {
		if got := decodePolyline(bad); got != nil {
			t.Errorf("%q: %v", bad, got)
		}
	}
}

func FuzzCoordinates(f *testing.F) {
	for _, s := range []string{`{"lat": 1, "lon": 2}`, `[{"latE7": 1, "lngE7": 2}]`, `{"map": {"summary_polyline": "_p~iF~ps|U"}}`, `{"point": "1°, 2°"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		s := Coordinates(raw)
		s.Each(func(p LatLon) {
			if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
				t.Fatalf("point %v out of range", p)
			}
		})
	})
}
