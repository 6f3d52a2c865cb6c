package bluemaestro

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

func fixture(t testing.TB, name string, more ...string) []byte {
	t.Helper()
	return dectest.SQLiteScript(t, filepath.Join("testdata", name+".sql"), more...)
}

func TestConformance(t *testing.T) {
	for _, app := range []string{"tempo-utility", "tempo-plus"} {
		t.Run(app, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/" + app + ".golden",
				Sample: func(t testing.TB) []byte { return fixture(t, app) }})
		})
	}
}

type reading struct {
	Device, DeviceName, Time, TimeLocal, Table string
	Temperature, Humidity, Pressure, Dewpoint  float64
}

func decode(t *testing.T, db []byte) ([]reading, []error) {
	t.Helper()
	p := dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", db)
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	var out []reading
	for _, rec := range r.Records {
		var x struct {
			reading
			DeviceName *string `json:"device_name"`
			TimeLocal  *string `json:"time_local"`
			Time       *string
		}
		if err := json.Unmarshal([]byte(rec.Raw), &x); err != nil {
			t.Fatal(err)
		}
		if x.DeviceName != nil {
			x.reading.DeviceName = *x.DeviceName
		}
		if x.TimeLocal != nil {
			x.reading.TimeLocal = *x.TimeLocal
		}
		if x.Time != nil {
			x.reading.Time = *x.Time
		}
		out = append(out, x.reading)
	}
	return out, r.Errs
}

// TestOlderApp: local times in the phone's language become zone-less
// text, which the source's time_zone reads (across the end of summer
// time, too); readings as stored.
func TestOlderApp(t *testing.T) {
	recs, errs := decode(t, fixture(t, "tempo-utility"))
	if len(errs) > 0 || len(recs) != 9 {
		t.Fatalf("%d readings, errors %v", len(recs), errs)
	}
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, "sqlite", fixture(t, "tempo-utility"))
	res := dectest.Merge(t, dir, dal.Spec{Source: "bluemaestro", Decoder: Decoder, TimeZone: "Europe/London"})
	if errs := res.Errors(); len(errs) > 0 || len(res.Items) != 9 {
		t.Fatalf("%d items, errors %v", len(res.Items), errs)
	}
	var got []string
	for i, r := range recs {
		got = append(got, fmt.Sprintf("%s | %s | %s | %v %v %v %v", r.TimeLocal, r.Time, res.Items[i].Time.Format(time.RFC3339),
			r.Temperature, r.Humidity, r.Pressure, r.Dewpoint))
	}
	want := []string{
		"2018-Jul-29 23:58 | 2018-07-29T23:58:00 | 2018-07-29T22:58:00Z | 22.1 48 1012.3 10.6",
		"2018-Juli-30 00:00 | 2018-07-30T00:00:00 | 2018-07-29T23:00:00Z | 22 48.2 1012.4 10.6",
		"2018-Aug.-01 12:00 | 2018-08-01T12:00:00 | 2018-08-01T11:00:00Z | 27.5 41.9 1009.8 13.3",
		"2018-Aug.-01 12:02 | 2018-08-01T12:02:00 | 2018-08-01T11:02:00Z | -144.1 100 1152.5 -144.1",
		"2018-Sep-30 06:30 | 2018-09-30T06:30:00 | 2018-09-30T05:30:00Z | 15.2 70.4 1021 9.9",
		"2018-Okt.-28 00:59 | 2018-10-28T00:59:00 | 2018-10-27T23:59:00Z | 12 80 1015.5 8.7",
		// 01:30 happened twice that night in London: Go, and so hoard,
		// reads the second (GMT)
		"2018-Okt.-28 01:30 | 2018-10-28T01:30:00 | 2018-10-28T01:30:00Z | 11.9 80.3 1015.4 8.6",
		"2018-Okt.-28 02:01 | 2018-10-28T02:01:00 | 2018-10-28T02:01:00Z | 11.8 80.6 1015.4 8.6",
		"2018-Oct-28 02:10 | 2018-10-28T02:10:00 | 2018-10-28T02:10:00Z | 11.8 80.9 1015.3 8.6",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if recs[0].Device != "FFE5A2C3" || recs[0].Table != "data" || res.Items[0].Key != `["FFE5A2C3","2018-07-29T23:58:00"]` {
		t.Errorf("device %+v, key %s", recs[0], res.Items[0].Key)
	}
}

// TestUnreadableTimes: readings whose time cannot be read are kept
// without one and reported once, with their number.
func TestUnreadableTimes(t *testing.T) {
	db := fixture(t, "tempo-utility", `INSERT INTO data VALUES (9, 'N/A', 1, 1, 1, 1), (10, '2018-Foo-01 10:00', 1, 1, 1, 1), (11, '2018-Oct-32 10:00', 1, 1, 1, 1)`)
	got, errs := decode(t, db)
	if len(got) != 12 || got[9].Time != "" || got[11].Time != "" {
		t.Errorf("readings %+v", got)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `table data: 3 readings have a time that cannot be read (the first, log_index 9: "N/A"): they have no time`) {
		t.Errorf("errors %v", errs)
	}
}

// TestNewerApps: one table per download, exact times; the readings a
// download repeats from the ring buffer (with times 17 s off) are read
// once; a second logger; bmLogger's omnibus table and the app's settings
// are not read.
func TestNewerApps(t *testing.T) {
	got, errs := decode(t, fixture(t, "tempo-plus"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	count := map[string]int{}
	for _, r := range got {
		count[r.Device]++
	}
	if len(got) != 320 || count["ABCDEFGH"] != 290 || count["QRSTUVWX"] != 30 {
		t.Fatalf("%d readings: %v", len(got), count)
	}
	first, last := got[0], got[289]
	if first.Time != "2020-08-25T05:21:20.203Z" || first.Temperature != 21.3 || first.Humidity != 55.2 || first.Pressure != 1013.2 || first.Dewpoint != 11.9 ||
		first.DeviceName != "Wohnzimmer 🛋" || first.Table != "ABCDEFGH_1598338820203_log" {
		t.Errorf("first %+v", first)
	}
	if got[99].Time != "2020-08-25T07:00:20.203Z" || got[100].Time != "2020-08-25T07:00:37.203Z" || got[100].Table != "ABCDEFGH_1598438706988_log" {
		t.Errorf("the join of the two downloads: %+v then %+v", got[99], got[100])
	}
	if last.Time != "2020-08-25T10:09:37.203Z" {
		t.Errorf("last %+v", last)
	}
	if cold := got[290]; cold.Temperature != -18.5 || cold.DeviceName != "QRSTUVWX" {
		t.Errorf("the second logger %+v", cold)
	}
	p := dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", fixture(t, "tempo-plus"))
	if raw := dectest.Records(t, Decoder, p, dal.Spec{}).String(); strings.Contains(raw, "NEVER-READ") || strings.Contains(raw, "omnibus") {
		t.Error("settings or the omnibus table were read")
	}
}

// TestRingBuffer: three copies of the database, the logger's oldest
// readings gone from the later ones (the app prunes old downloads): the
// union keeps every reading once.
func TestRingBuffer(t *testing.T) {
	dir := t.TempDir()
	full := fixture(t, "tempo-plus")
	pruned := fixture(t, "tempo-plus", `DROP TABLE "ABCDEFGH_1598338820203_log"`, `DELETE FROM "ABCDEFGH_1598438706988_log" WHERE id <= 10`)
	dectest.WriteSnap(t, dir, 0, "sqlite", full)
	dectest.WriteSnap(t, dir, 1, "sqlite", pruned)
	dectest.WriteSnap(t, dir, 2, "sqlite", pruned)
	res := dectest.Merge(t, dir, dal.Spec{Source: "bluemaestro", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	lastSeen := map[int]int{}
	for _, m := range res.Items {
		lastSeen[m.Last.Snap]++
	}
	if len(res.Items) != 320 || lastSeen[0] != 100 || lastSeen[2] != 220 {
		t.Errorf("%d items, last seen %v", len(res.Items), lastSeen)
	}
	if res.Items[0].Time.Format(time.RFC3339Nano) != "2020-08-25T05:21:20.203Z" || res.Items[0].Key != `["ABCDEFGH","2020-08-25T05:21:20.203Z"]` {
		t.Errorf("first %+v", res.Items[0].Item)
	}
}

func TestNotBlueMaestro(t *testing.T) {
	p := dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", dectest.SQLite(t, "CREATE TABLE data (x INTEGER)"))
	dectest.OneError(t, dectest.Records(t, Decoder, p, dal.Spec{}).Errs,
		"no table data (the older app) or DEVICE_MS_log (the newer ones) with readings: not a BlueMaestro app database", p)
	fresh := dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", dectest.SQLite(t, "CREATE TABLE settingsv2 (id INTEGER PRIMARY KEY, units TEXT)"))
	if r := dectest.Records(t, Decoder, fresh, dal.Spec{}); len(r.Records) != 0 || len(r.Errs) != 0 {
		t.Errorf("the newer app before any download: %v", r)
	}
}
