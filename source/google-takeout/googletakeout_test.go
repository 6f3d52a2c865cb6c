package googletakeout

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/archivetest"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit/kittest"
)

// parts returns the English takeout as Google splits a large one: My
// Activity and YouTube in the first zip, Location History, Chrome and
// the rest in the second (the second holds the member cut short).
func parts(t testing.TB) (first, second []byte) {
	all := archivetest.Tree(t, "testdata/en", nil)
	var a, b []archivetest.File
	for _, f := range all {
		if strings.HasPrefix(f.Name, "Takeout/My Activity/Drive/") || !strings.HasPrefix(f.Name, "Takeout/My Activity/") && !strings.HasPrefix(f.Name, "Takeout/YouTube") {
			b = append(b, f)
		} else {
			a = append(a, f)
		}
	}
	return archivetest.Zip(t, a), archivetest.Zip(t, b)
}

func TestConformance(t *testing.T) {
	kittest.Conformance(t, Decoder, []kittest.Sample{
		{Name: "zip", Ext: "zip", Data: func(t testing.TB) []byte { first, _ := parts(t); return first }},
		{Name: "tgz", Ext: "tgz", Data: func(t testing.TB) []byte { return archivetest.Tgz(t, archivetest.Tree(t, "testdata/old", nil)) }},
		{Name: "records", Ext: "json", Data: kittest.TestdataOf("old/Takeout/Location History/Location History.json")},
		{Name: "timeline", Ext: "json", Data: kittest.TestdataOf("Timeline.json")},
		{Name: "html", Ext: "html", Data: kittest.TestdataOf("en/Takeout/My Activity/YouTube/MyActivity.html")},
	})
}

// read merges the snapshots with the decoder's defaults, one a day.
func read(t *testing.T, snaps ...kittest.Snap) *dal.Result {
	t.Helper()
	return kittest.Merge(t, Decoder, snaps...)
}

// TestTakeouts: a takeout of 2019 (Location History.json with
// timestampMs, the HTML page of 2017 without a zone), today's English
// takeout in two parts (JSON and HTML, Records.json with timestamp, the
// Semantic Location History of both generations) and a German one as a
// tgz: every kind, the same activity or place from two formats or
// generations once, exact UTC times; the member cut short and the time
// that cannot be read are named, and the rest is read.
func TestTakeouts(t *testing.T) {
	first, second := parts(t)
	res := read(t,
		kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "old")},
		kittest.Snap{Ext: "zip", Data: first},
		kittest.Snap{Ext: "zip", Data: second},
		kittest.Snap{Ext: "tgz", Data: archivetest.Tgz(t, archivetest.Tree(t, "testdata/de", nil))},
	)
	counts := kittest.Counts(res)
	want := map[string]int{"activity": 18, "youtube_watch": 7, "youtube_search": 4, "location": 52, "place_visits": 5,
		"activity_segments": 3, "chrome": 7}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d %s, want %d", counts[k], k, n)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("kinds %v", counts)
	}
	got := kittest.Lines(res, "")
	for _, w := range []string{
		// read from the HTML page of 2017: no zone, UTC
		`youtube_watch | ["YouTube","Watched PSY - GANGNAM STYLE(강남스타일) M/V","2015-06-23T14:43:45Z"] | 2015-06-23T14:43:45Z | Watched PSY - GANGNAM STYLE(강남스타일) M/V | officialpsy`,
		// in the HTML page (at PDT: 8:00 AM) and in watch-history.json: one item
		`youtube_watch | ["YouTube","Watched Never Gonna Give You Up","2021-01-05T15:00:00Z"] | 2021-01-05T15:00:00.123Z | Watched Never Gonna Give You Up | Rick Astley`,
		`youtube_search | ["YouTube","Searched for lofi hip hop radio","2021-01-05T14:58:12Z"] | 2021-01-05T14:58:12.001Z | Searched for lofi hip hop radio | `,
		`youtube_watch | ["YouTube Music","Watched Bohemian Rhapsody","2022-02-02T02:02:02Z"] | 2022-02-02T02:02:02.202Z | Watched Bohemian Rhapsody | Queen - Topic`,
		// HTML only: 11:59:59 PM PDT, HTML entities
		`youtube_watch | ["YouTube","Watched LMFAO - Party Rock Anthem ft. Lauren Bennett, GoonRock & <friends>","2023-01-01T06:59:59Z"] | 2023-01-01T06:59:59Z | Watched LMFAO - Party Rock Anthem ft. Lauren Bennett, GoonRock & <friends> | LMFAO`,
		// a removed video has no link: an activity
		`activity | ["YouTube","Watched a video that has been removed","2019-12-24T20:00:00Z"] | 2019-12-24T20:00:00Z | Watched a video that has been removed | `,
		`activity | ["Search","Searched for Schrödinger's cat 🐈 explained","2022-11-30T22:05:00Z"] | 2022-11-30T22:05:00.007Z | Searched for Schrödinger's cat 🐈 explained | `,
		// the same title and time, other searches: two items
		`activity | ["Search","Searched for sqlite wal mode","2024-03-14T09:26:53Z"] | 2024-03-14T09:26:53.12Z | Searched for sqlite wal mode | `,
		`activity | ["Search","Searched for hoard personal data","2024-03-14T09:26:53Z"] | 2024-03-14T09:26:53.12Z | Searched for hoard personal data | `,
		// German, at MEZ
		`activity | ["Suche","Gesucht nach: Brötchen Lieferdienst Köln","2024-03-14T09:26:53Z"] | 2024-03-14T09:26:53Z | Gesucht nach: Brötchen Lieferdienst Köln | `,
		// the time that cannot be read keys by its text, has none
		`activity | ["Suche","Gesucht nach: Zeitzone","31.12.2023, 25:61:00 MEZ"] | - | Gesucht nach: Zeitzone | `,
		// the member cut short: its first activity is read
		`activity | ["Drive","Edited Haushaltsbuch 2024","2024-01-02T19:03:00Z"] | 2024-01-02T19:03:00Z | Edited Haushaltsbuch 2024 | `,
		// in both Records generations: one item
		`location | ["2019-01-10T13:42:01.234Z",488585756,22947978] | 2019-01-10T13:42:01.234Z | 48.8585756, 2.2947978 | GPS`,
		`location | ["2019-01-10T11:12:00.123Z",488583701,22944813] | 2019-01-10T11:12:00.123Z | 48.8583701, 2.2944813 | `,
		`location | ["2024-03-01T01:00:00.25Z",356586000,1397454000] | 2024-03-01T01:00:00.25Z | 35.6586000, 139.7454000 | GPS`,
		// Semantic Location History of 2019 in both generations: one item
		`place_visits | ["2019-01-10T09:00:00Z","ChIJLU7jZClu5kcR4PcOOO6p3I0",488583701,22944813] | 2019-01-10T09:00:00Z | Tour Eiffel | Champ de Mars, 5 Av. Anatole France, 75007 Paris, France`,
		`activity_segments | ["2023-03-15T17:00:00.123Z","2023-03-15T18:00:00Z","FLYING"] | 2023-03-15T17:00:00.123Z | FLYING | `,
		`chrome | ["https://www.sqlite.org/wal.html",1710408430481234] | 2024-03-14T09:27:10.481234Z | Write-Ahead Logging | `,
		`chrome | ["https://de.wikipedia.org/wiki/K%C3%B6ln",1672531199999999] | 2022-12-31T23:59:59.999999Z | Köln – Wikipedia | `,
	} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(got, "\n"))
	}
	errs := kittest.Errors(res)
	if len(errs) != 2 || !strings.Contains(errs[0], `20240103T120000Z.zip: member "Takeout/My Activity/Drive/MyActivity.json": line 8, byte 263: unexpected end of file`) ||
		!strings.Contains(errs[1], `20240104T120000Z.tgz: member "Takeout/Meine Aktivitäten/Suche/MeineAktivitäten.html": 1 of 4 activities have no readable time: "31.12.2023, 25:61:00 MEZ": clock time "25:61:00"`) {
		t.Errorf("errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestHTMLActivity: what an HTML activity holds, in the JSON export's
// member names, with the caption's sections (products, details,
// locations, and the rest by their label).
func TestHTMLActivity(t *testing.T) {
	res := read(t, kittest.Snap{Ext: "html", Data: kittest.Testdata(t, "en/Takeout/My Activity/YouTube/MyActivity.html")})
	var raw string
	for _, m := range res.Items {
		if m.Title == "Watched Me at the zoo" {
			raw = string(m.Raw)
		}
	}
	want := `{"hoard":{"second":"2023-07-01T19:00:00Z","time_text":"Jul 1, 2023, 12:00:00` + "\u202f" + `PM PDT"},"header":"YouTube","title":"Watched Me at the zoo",` +
		`"titleUrl":"https://www.youtube.com/watch?v=jNQXAC9IVRw","subtitles":[{"name":"jawed","url":"https://www.youtube.com/channel/UC4QobU6STFB0P71PMvOGN5A"}],` +
		`"time":"2023-07-01T19:00:00Z","products":["YouTube"],"details":[{"name":"From Google Ads"}],` +
		`"locationInfos":[{"name":"At this general area","url":"https://www.google.com/maps/@?api=1&map_action=map&center=37.422,-122.084&zoom=11","source":"From your places (Home)","sourceUrl":"https://support.google.com/maps/answer/1"}],` +
		`"captions":{"Why is this here?":["This activity was saved to your Google Account because the following settings were on: YouTube watch history. You can control these settings  here."]}}`
	if raw != want {
		t.Errorf("got\n%s\nwant\n%s", raw, want)
	}
	if n := len(res.Items); n != 5 || len(res.Errors()) > 0 {
		t.Errorf("%d items, errors %v", n, res.Errors())
	}
}

// TestHTMLTimes: the pages' times in their languages and zones, read as
// the fixed offset the zone names.
func TestHTMLTimes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Jan 5, 2021, 8:00:00 AM PDT", "2021-01-05T15:00:00Z"},
		{"Jan 5, 2021, 8:00:00\u202fAM PDT", "2021-01-05T15:00:00Z"},
		{"Jan 15, 2021, 6:54:12 PM BST", "2021-01-15T17:54:12Z"}, // exported in summer: BST in January
		{"Jan 15, 2021, 5:54:12 PM GMT", "2021-01-15T17:54:12Z"},
		{"Jun 23, 2015, 2:43:45 PM", "2015-06-23T14:43:45Z"},
		{"Dec 31, 2022, 12:00:00 AM EST", "2022-12-31T05:00:00Z"},
		{"Dec 31, 2022, 12:30:00 PM EST", "2022-12-31T17:30:00Z"},
		{"5 Jan 2021, 10:00:00 GMT", "2021-01-05T10:00:00Z"},
		{"05.01.2021, 10:00:00 MEZ", "2021-01-05T09:00:00Z"},
		{"05.07.2021, 10:00:00 MESZ", "2021-07-05T08:00:00Z"},
		{"5 janv. 2021, 10:00:00 UTC+1", "2021-01-05T09:00:00Z"},
		{"5 févr. 2021, 10:00:00 UTC\u22123", "2021-02-05T13:00:00Z"},
		{"5 ene 2021, 10:00:00 CET", "2021-01-05T09:00:00Z"},
		{"5 de jan. de 2021 10:00:00 BRT", "2021-01-05T13:00:00Z"},
		{"2021/01/05 10:00:00 JST", "2021-01-05T01:00:00Z"},
		{"2021年1月5日 10:00:00 JST", "2021-01-05T01:00:00Z"},
		{"Mar 8, 2018, 5:14:40 PM GMT+05:30", "2018-03-08T11:44:40Z"},
		{"Feb 29, 2024, 11:59:59 PM UTC", "2024-02-29T23:59:59Z"},
		{"05.01.2021, 10:00:00 WEZ", "2021-01-05T10:00:00Z"},
		{"5 Jan 2021, 10:00:00 EAT", "2021-01-05T07:00:00Z"},
		{"5 Jan 2021, 10:00:00 SAST", "2021-01-05T08:00:00Z"},
		{"5 Jan 2021, 10:00:00 WAT", "2021-01-05T09:00:00Z"},
		{"5 Jan 2021, 10:00:00 am MYT", "2021-01-05T02:00:00Z"},
		{"Jan 5, 2021, 10:00:00 AM ChST", "2021-01-05T00:00:00Z"},
	} {
		got, err := parseHTMLTime(c.in)
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("%q: %v %v, want %s", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "yesterday", "Feb 30, 2023, 1:00:00 PM UTC", "Jan 5, 2021, 8:00:00 AM XYZT", "13.13.2021, 10:00:00 MEZ", "Jan 5, 2021, 13:00:00 PM UTC"} {
		if got, err := parseHTMLTime(in); err == nil {
			t.Errorf("%q: read as %v", in, got)
		}
	}
}

// TestTimelineExports: the phone's Timeline.json from Android and from
// iOS, each an item per segment, kind by what it holds, times with the
// phone's offset read exactly.
func TestTimelineExports(t *testing.T) {
	res := read(t, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "Timeline.json")}, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "Timeline-ios.json")})
	got := kittest.Lines(res, "")
	want := []string{
		`timeline_memories | ["2024-05-01T00:00:00.000+02:00","2024-05-03T00:00:00.000+02:00"] | 2024-04-30T22:00:00Z |  | `,
		`timeline_visits | ["2024-05-01T08:00:00.000+02:00","2024-05-01T08:41:00.000+02:00","ChIJLU7jZClu5kcR4PcOOO6p3I0",null,0] | 2024-05-01T06:00:00Z | UNKNOWN | `,
		`timeline_visits | ["2024-05-01T08:00:00.000+02:00","2024-05-01T08:41:00.000+02:00","ChIJ7-cvvx1w5kcRmu4J4jhWdiA",null,1] | 2024-05-01T06:00:00Z | UNKNOWN | `,
		`timeline_paths | ["2024-05-01T08:00:00.000+02:00","2024-05-01T10:00:00.000+02:00"] | 2024-05-01T06:00:00Z |  | `,
		`timeline_activities | ["2024-05-01T08:41:00.000+02:00","2024-05-01T09:02:31.000+02:00","IN_SUBWAY"] | 2024-05-01T06:41:00Z | IN_SUBWAY | `,
		`timeline_visits | ["2024-05-02T07:55:12.000+02:00","2024-05-02T09:30:00.000+02:00",null,"ChIJ7cv00DwsDogRAMDACa2m4K8","0"] | 2024-05-02T05:55:12Z | Home | `,
		`timeline_paths | ["2024-05-02T09:00:00.000+02:00","2024-05-02T11:00:00.000+02:00"] | 2024-05-02T07:00:00Z |  | `,
		`timeline_activities | ["2024-05-02T09:30:00.000+02:00","2024-05-02T10:05:44.000+02:00","walking"] | 2024-05-02T07:30:00Z | walking | `,
		`timeline_visits | ["2024-12-31T23:30:00.000-05:00","2025-01-01T00:30:00.000-05:00","ChIJmQJIxlVYwokRLgeuocVOGVU",null,0] | 2025-01-01T04:30:00Z | INFERRED_HOME | `,
	}
	if !slices.Equal(got, want) || len(res.Errors()) > 0 {
		t.Errorf("errors %v\n%s", res.Errors(), kittest.Diff(got, want))
	}
}

// TestOneFile: a file of a takeout imported on its own is read as it is
// in the archive; a file no kind reads is an error naming it.
func TestOneFile(t *testing.T) {
	res := read(t, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "en/Takeout/Chrome/History.json")})
	if n := kittest.Counts(res)["chrome"]; n != 3 || len(res.Errors()) > 0 {
		t.Errorf("History.json alone: %d items, errors %v", n, res.Errors())
	}
	res = read(t, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "en/Takeout/Google Photos/Photos from 2023/IMG_20230704_120001.jpg.json")})
	if errs := kittest.Errors(res); len(errs) != 1 || !strings.HasSuffix(errs[0], `20240101T120000Z.json: not a Google Takeout file (My Activity, YouTube history, Records.json, Semantic Location History, Timeline.json, BrowserHistory.json): its first members are "title", "description", "imageViews", "creationTime", ...`) {
		t.Errorf("a photo's metadata alone: %v", errs)
	}
}

// TestParts groups the names of takeout parts by export.
func TestParts(t *testing.T) {
	got := Parts([]string{"/d/takeout-20240101T000000Z-001.zip", "/d/takeout-20240101T000000Z-002.zip", "/d/takeout-20240301T101500Z-001.tgz", "/d/takeout-x.zip"})
	if len(got) != 3 || len(got["takeout-20240101T000000Z"]) != 2 || len(got["takeout-20240301T101500Z"]) != 1 {
		t.Errorf("%v", got)
	}
}

// TestDetect: takeout parts in ~/Downloads give one watch source.
func TestDetect(t *testing.T) {
	if f := Source.Detect(kittest.Home(t)); len(f) != 0 {
		t.Errorf("nothing downloaded: %v", f)
	}
	f := Source.Detect(kittest.Home(t, "Downloads/takeout-20240101T000000Z-001.zip", "Downloads/takeout-20240101T000000Z-002.zip",
		"Downloads/takeout-20230101T000000Z-001.tgz", "Downloads/takeout-20240101T000000Z-003.zip.crdownload"))
	if len(f) != 1 || f[0].Name != "google-takeout" || f[0].Path != "" || !strings.Contains(f[0].Comment, "2 takeouts, 3 parts") ||
		!strings.Contains(f[0].Stanza, `watch = "~/Downloads/takeout-*"`) || !strings.Contains(f[0].Stanza, `exporter = "google-takeout"`) {
		t.Errorf("%+v", f)
	}
}

func TestE7(t *testing.T) {
	for in, want := range map[string]string{"488583701": "48.8583701", "-1122434441": "-112.2434441", "5": "0.0000005", "-5": "-0.0000005", `"1"`: "0.0000001", "1.5": "", "x": ""} {
		if got := e7([]byte(in)); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

// TestLargeFiles: files far larger than the head the decoder looks at
// (a Records.json of 20,000 points, an HTML page of 5,000 activities)
// are told apart and read whole, streaming.
func TestLargeFiles(t *testing.T) {
	var rec strings.Builder
	rec.WriteString("{\n  \"locations\" : [ ")
	for i := range 20000 {
		if i > 0 {
			rec.WriteString(", ")
		}
		fmt.Fprintf(&rec, "{\n    \"latitudeE7\" : %d,\n    \"longitudeE7\" : %d,\n    \"accuracy\" : 12,\n    \"source\" : \"WIFI\",\n    \"deviceTag\" : 1978796627,\n    \"timestamp\" : \"%s\"\n  }",
			488583701+i, 22944813-i, time.Unix(1600000000+int64(i)*60, int64(i%1000)*1e6).UTC().Format(time.RFC3339Nano))
	}
	rec.WriteString(" ]\n}\n")
	page := string(kittest.Testdata(t, "en/Takeout/My Activity/YouTube/MyActivity.html"))
	one := page[strings.Index(page, `<div class="outer-cell`) : strings.Index(page, `</div></div><div class="outer-cell`)+len(`</div></div>`)]
	var html strings.Builder
	html.WriteString(page[:strings.Index(page, `<div class="outer-cell`)])
	for i := range 5000 {
		html.WriteString(strings.Replace(one, "Never Gonna Give You Up", fmt.Sprintf("Video %d", i), 1))
	}
	html.WriteString("</div></body></html>")
	res := read(t, kittest.Snap{Ext: "json", Data: []byte(rec.String())}, kittest.Snap{Ext: "html", Data: []byte(html.String())})
	if c := kittest.Counts(res); c["location"] != 20000 || c["youtube_watch"] != 5000 || len(res.Errors()) > 0 {
		t.Errorf("%v %v", c, res.Errors())
	}
}

// TestE7Bounds: zero, whole degrees and the ends of int64 (whose
// magnitude does not fit a negated int64).
func TestE7Bounds(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0", "0.0000000"},
		{"-10000000", "-1.0000000"},
		{"-9223372036854775808", "-922337203685.4775808"},
		{"9223372036854775807", "922337203685.4775807"},
		{"null", ""},
	} {
		if got := e7([]byte(c.in)); got != c.want {
			t.Errorf("e7(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}
