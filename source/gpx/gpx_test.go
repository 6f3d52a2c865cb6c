package gpx

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	return dectest.ReadFile(t, filepath.Join("testdata", name))
}

func TestConformance(t *testing.T) {
	for name, golden := range map[string]string{"garmin-etrex-current.gpx": "testdata/garmin-etrex-current.golden", "gpsbabel-1.0.gpx": "testdata/gpsbabel-1.0.golden"} {
		t.Run(name, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "gpx", Golden: golden, Sample: func(t testing.TB) []byte { return fixture(t, name) }})
		})
	}
}

// decode returns the records of a file by kind, as generic JSON.
func decode(t *testing.T, data []byte) (map[string][]map[string]any, []error) {
	t.Helper()
	p := dectest.WriteSnap(t, t.TempDir(), 0, "gpx", data)
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	out := map[string][]map[string]any{}
	for _, rec := range r.Records {
		var m map[string]any
		if err := json.Unmarshal([]byte(rec.Raw), &m); err != nil {
			t.Fatal(err)
		}
		out[rec.Kind] = append(out[rec.Kind], m)
	}
	return out, r.Errs
}

// TestTracks: start, end, duration, segments, points and distance of each
// track. The fixtures were made by stepping a known distance between
// points (3.1 m on the run, 7.5 m on the ride), so the expected distance
// is known without the decoder's formula; the ride's pause between its
// two segments is not counted.
func TestTracks(t *testing.T) {
	for _, c := range []struct {
		file     string
		want     []string
		distance []float64
	}{
		{"strava-run.gpx", []string{"2024-03-10T07:30:00Z | Morning Run – Hyde Park 🏃 | running | 2024-03-10T07:30:00Z | 2024-03-10T07:39:59Z | 599 | 1 | 600 | StravaGPX 1.1"}, []float64{599 * 3.1}},
		{"garmin-connect-ride.gpx", []string{"2023-08-19T14:05:00Z | Zürich Radfahren | cycling | 2023-08-19T14:05:00Z | 2023-08-19T14:17:59Z | 779 | 2 | 480 | Garmin Connect 1.1"}, []float64{2 * 239 * 7.5}},
		{"garmin-etrex-current.gpx", []string{
			"2019-07-06T05:45:00Z | Aufstieg 2019-07-06 | <nil> | 2019-07-06T05:45:00Z | 2019-07-06T05:59:30Z | 870 | 1 | 30 | eTrex 32x 1.1",
			"2024-12-31T23:50:00Z | Silvester 🎆 | <nil> | 2024-12-31T23:50:00Z | 2025-01-01T00:09:00Z | 1140 | 1 | 20 | eTrex 32x 1.1",
		}, []float64{29 * 40, 19 * 35}},
		{"gpsbabel-1.0.gpx", []string{
			"2006-05-20T18:00:00Z | ACTIVE LOG Café | <nil> | 2006-05-20T18:00:00Z | 2006-05-20T18:02:00Z | 120 | 1 | 25 | GPSBabel - http://www.gpsbabel.org 1.0",
			"Route from map (no times)@37.810400,-122.476000 | Route from map (no times) | <nil> | <nil> | <nil> | <nil> | 1 | 3 | GPSBabel - http://www.gpsbabel.org 1.0",
		}, []float64{24 * 12, Distance(37.8104, -122.476, 37.811, -122.4771) + Distance(37.811, -122.4771, 37.8123, -122.478)}},
	} {
		t.Run(c.file, func(t *testing.T) {
			recs, errs := decode(t, fixture(t, c.file))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var got []string
			for i, tr := range recs["tracks"] {
				got = append(got, fmt.Sprintf("%v | %v | %v | %v | %v | %v | %v | %v | %v %v", tr["id"], tr["name"], tr["type"], tr["start"], tr["end"], tr["duration_s"], tr["segments"], tr["points"], tr["creator"], tr["version"]))
				if d := tr["distance_m"].(float64); i < len(c.distance) && math.Abs(d-c.distance[i]) > 0.5 {
					t.Errorf("track %d: %.1f m, want %.1f", i, d, c.distance[i])
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			n := 0
			for _, tr := range recs["tracks"] {
				n += int(tr["points"].(float64))
			}
			if len(recs["points"]) != n {
				t.Errorf("%d point items for %d points", len(recs["points"]), n)
			}
		})
	}
}

// TestPoints: coordinates as written (the web app reads lat and lon),
// the extensions whatever their prefix, GPX 1.0's speed and course.
func TestPoints(t *testing.T) {
	for file, want := range map[string][]string{
		"strava-run.gpx": {`{"track_id":"2024-03-10T07:30:00Z","track":1,"track_name":"Morning Run – Hyde Park 🏃","segment":0,"index":0,"lat":51.5072700,"lon":-0.1657200,"time":"2024-03-10T07:30:00Z","ele":24.0,"extensions":{"atemp":8,"hr":120,"cad":84}}`},
		"garmin-connect-ride.gpx": {
			`{"track_id":"2023-08-19T14:05:00Z","track":1,"track_name":"Zürich Radfahren","segment":0,"index":0,"lat":47.376899999999999,"lon":8.541700000000001,"time":"2023-08-19T14:05:00.000Z","ele":408.2,"extensions":{"power":180,"hr":135,"cad":88}}`,
		},
		"gpsbabel-1.0.gpx": {`{"track_id":"2006-05-20T18:00:00Z","track":1,"track_name":"ACTIVE LOG Café","segment":0,"index":0,"lat":37.807700,"lon":-122.475000,"time":"2006-05-20T18:00:00Z","ele":67.000,"course":349.0,"speed":2.4,"sat":6,"hdop":1.0}`},
	} {
		p := dectest.WriteSnap(t, t.TempDir(), 0, "gpx", fixture(t, file))
		r := dectest.Records(t, Decoder, p, dal.Spec{})
		if len(r.Errs) > 0 || len(r.Records) == 0 || r.Records[0].Raw != want[0] {
			t.Errorf("%s: first record\n%v\nwant\n%s (errors %v)", file, r.Records[0], want[0], r.Errs)
		}
	}
	recs, _ := decode(t, fixture(t, "garmin-connect-ride.gpx"))
	second := recs["points"][240]
	if second["segment"].(float64) != 1 || second["index"].(float64) != 0 || second["time"] != "2023-08-19T14:14:00.000Z" {
		t.Errorf("the first point after the pause %v", second)
	}
	untimed, _ := decode(t, fixture(t, "gpsbabel-1.0.gpx"))
	last := untimed["points"][len(untimed["points"])-1]
	if last["time"] != nil || last["track_id"] != "Route from map (no times)@37.810400,-122.476000" || last["index"].(float64) != 2 {
		t.Errorf("an untimed point %v", last)
	}
}

func TestWaypointsAndRoutes(t *testing.T) {
	recs, errs := decode(t, fixture(t, "garmin-etrex-current.gpx"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	w := recs["waypoints"]
	if len(w) != 2 || w[0]["name"] != "Zugspitze Gipfel ⛰" || w[0]["desc"] != "Höchster Punkt & Kreuz" || w[0]["sym"] != "Summit" ||
		w[0]["ele"] != 2962.0 || w[0]["lat"] != 47.421093 || w[1]["time"] != nil || w[1]["cmt"] != "Kuchen!" {
		t.Errorf("waypoints %v", w)
	}
	r := recs["routes"]
	// the legs of the route, by the spherical law of cosines (exact enough
	// at kilometres), not by the decoder's haversine
	cosines := func(lat1, lon1, lat2, lon2 float64) float64 {
		rad := math.Pi / 180
		return EarthRadius * math.Acos(math.Sin(lat1*rad)*math.Sin(lat2*rad)+math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Cos((lon2-lon1)*rad))
	}
	want := cosines(47.421093, 10.984936, 47.431, 10.99) + cosines(47.431, 10.99, 47.44657, 11.0003)
	if len(r) != 1 || r[0]["name"] != "Abstieg" || r[0]["points"] != 3.0 || math.Abs(r[0]["distance_m"].(float64)-want) > 0.1 || r[0]["id"] != "Abstieg@47.421093,10.984936" {
		t.Errorf("route %v (want %.1f m)", r, want)
	}
	if tr := recs["tracks"][1]; tr["extensions"].(map[string]any)["DisplayColor"] != "Blue" {
		t.Errorf("track extensions %v", tr)
	}
}

func TestDistance(t *testing.T) {
	// London to Paris: 343.5 km on the mean sphere (law of cosines gives
	// the same to the metre at this range).
	if d := Distance(51.5074, -0.1278, 48.8566, 2.3522); math.Abs(d-343556) > 50 {
		t.Errorf("London-Paris %.0f m", d)
	}
	if d := Distance(10, 20, 10, 20); d != 0 {
		t.Errorf("no move: %v", d)
	}
	if d := Distance(0, 0, 0, 180); math.Abs(d-math.Pi*EarthRadius) > 1e-6 {
		t.Errorf("antipodes %v", d)
	}
}

// TestUnion: the same recording in two snapshots is one track with its
// points once; a track added later joins them.
func TestUnion(t *testing.T) {
	dir := t.TempDir()
	run := fixture(t, "strava-run.gpx")
	dectest.WriteSnap(t, dir, 0, "gpx", run)
	dectest.WriteSnap(t, dir, 1, "gpx", run)
	dectest.WriteSnap(t, dir, 2, "gpx", fixture(t, "garmin-etrex-current.gpx"))
	res := dectest.Merge(t, dir, dal.Spec{Source: "gpx", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	kinds := map[string]int{}
	for _, m := range res.Items {
		kinds[m.Kind]++
	}
	if kinds["tracks"] != 3 || kinds["points"] != 650 || kinds["waypoints"] != 2 || kinds["routes"] != 1 {
		t.Errorf("kinds %v", kinds)
	}
}

func TestDamage(t *testing.T) {
	good := fixture(t, "strava-run.gpx")
	for _, c := range []struct {
		name, in string
		kinds    string
		err      string
	}{
		{"cut short", string(good[:len(good)/2]), "points", "XML syntax error"},
		{"not GPX", `<?xml version="1.0"?><kml><Document/></kml>`, "", "the document is <kml>, not <gpx>: not a GPX file"},
		{"empty", ``, "", "no <gpx> element: not a GPX file"},
		{"no tracks", `<gpx version="1.1" creator="x"></gpx>`, "", ""},
		{"bad coordinates", `<gpx><trk><trkseg><trkpt lat="51,5" lon="-0.1"><time>2024-01-01T00:00:00Z</time></trkpt><trkpt lat="91" lon="0"/></trkseg></trk></gpx>`,
			"points points tracks", `<trkpt lat="51,5" lon="-0.1">: not a latitude and longitude in degrees`},
		{"unknown encoding", `<?xml version="1.0" encoding="KOI8-R"?><gpx/>`, "", `the file declares encoding "KOI8-R"`},
		{"windows-1252", "<?xml version=\"1.0\" encoding=\"windows-1252\"?><gpx><wpt lat=\"1\" lon=\"2\"><name>\x93caf\xe9\x94 \x80</name></wpt></gpx>", "waypoints", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := dectest.WriteSnap(t, t.TempDir(), 0, "gpx", []byte(c.in))
			r := dectest.Records(t, Decoder, p, dal.Spec{})
			var kinds []string
			for i, rec := range r.Records {
				if i == 0 || rec.Kind != r.Records[i-1].Kind || c.name == "bad coordinates" {
					kinds = append(kinds, rec.Kind)
				}
				if c.name == "windows-1252" && !strings.Contains(rec.Raw, `"name":"“café” €"`) {
					t.Errorf("windows-1252 read as %s", rec.Raw)
				}
			}
			if strings.Join(kinds, " ") != c.kinds {
				t.Errorf("kinds %q, want %q", strings.Join(kinds, " "), c.kinds)
			}
			if c.name == "bad coordinates" {
				if len(r.Errs) != 2 || !strings.Contains(r.Errs[0].Error(), c.err) || !strings.Contains(r.Records[0].Raw, `"lat":null,"lon":null`) {
					t.Errorf("errors %v, records %v", r.Errs, r.Records)
				}
				return
			}
			dectest.OneError(t, r.Errs, c.err, p)
		})
	}
}

func TestDetect(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, GarminVolume)
	os.MkdirAll(filepath.Join(dir, filepath.Dir(GarminCurrent)), 0o755)
	os.WriteFile(filepath.Join(dir, GarminCurrent), fixture(t, "garmin-etrex-current.gpx"), 0o644)
	found := detect(source.Env{Home: t.TempDir(), GOOS: "darwin", Getenv: func(string) string { return "" }, Mounts: []string{root}})
	if len(found) != 1 || found[0].Name != "garmin" || found[0].Path != filepath.Join(dir, GarminCurrent) {
		t.Fatalf("found %+v", found)
	}
	found[0].Source = Source
	if cfg := found[0].Config(); !strings.Contains(cfg, `exporter = "gpx"`) || !strings.Contains(cfg, `when_present = "`+dir+`"`) || !strings.Contains(cfg, "[sources.garmin]") {
		t.Errorf("stanza\n%s", cfg)
	}
}
