package firefox

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// places is a database shaped like Firefox's places.sqlite (the tables
// and columns the decoder reads).
func places(t testing.TB) []byte {
	return dectest.SQLite(t,
		`CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)`,
		`CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, from_visit INTEGER, place_id INTEGER, visit_date INTEGER, visit_type INTEGER)`,
		`INSERT INTO moz_places VALUES (1, 'https://example.org/', 'Example'), (2, 'https://go.dev/', NULL)`,
		`INSERT INTO moz_historyvisits VALUES (1, 0, 1, 1704067200000000, 1), (2, 1, 2, 1704067201500000, 1), (3, 0, 1, 1704067300000000, 2)`)
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/golden.txt", Sample: places})
}

func TestVisits(t *testing.T) {
	dir := t.TempDir()
	p := dectest.WriteSnap(t, dir, 0, "sqlite", places(t))
	before, _ := os.ReadFile(p)
	res := dectest.Merge(t, dir, dal.Spec{Source: "firefox", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 || len(res.Items) != 3 {
		t.Fatalf("items %+v, errors %v", res.Items, errs)
	}
	it := res.Items[1]
	if it.Time.Format("2006-01-02T15:04:05.000Z07:00") != "2024-01-01T00:00:01.500Z" || it.URL != "https://go.dev/" || it.Title != "" ||
		it.Key != `["https://go.dev/",1704067201500000]` || it.Kind != "visits" {
		t.Errorf("item %+v", it)
	}
	if res.Items[0].Title != "Example" {
		t.Errorf("title %q", res.Items[0].Title)
	}
	after, _ := os.ReadFile(p)
	if entries, _ := os.ReadDir(dir); !bytes.Equal(before, after) || len(entries) != 1 {
		t.Errorf("reading changed the snapshot or wrote beside it: %d entries", len(entries))
	}
}

// TestFixtureExact reads places.sqlite written by Firefox ESR 153 and
// checks every visit against sqlite3's view (expected.json), to the
// microsecond: visit_date 1796288605927506 is ...25.927506Z, not the
// ...25.927505920Z that scaling through float64 gave.
func TestFixtureExact(t *testing.T) {
	res, want := dectest.Oracle(t, dal.Spec{Source: "firefox", Decoder: Decoder}, "testdata/places.sqlite.zst", "sqlite.zst", "testdata/expected.json")
	for i, w := range want {
		var exp struct {
			URL       string  `json:"url"`
			Title     *string `json:"title"`
			VisitDate int64   `json:"visit_date"`
			ID        int64   `json:"id"`
		}
		dectest.Unmarshal(t, w, &exp)
		it := res.Items[i]
		var raw struct {
			VisitDate int64 `json:"visit_date"`
			VisitID   int64 `json:"visit_id"`
		}
		dectest.Unmarshal(t, it.Raw, &raw)
		title := ""
		if exp.Title != nil {
			title = *exp.Title
		}
		if !it.Time.Equal(time.UnixMicro(exp.VisitDate)) || raw.VisitDate != exp.VisitDate || raw.VisitID != exp.ID || it.URL != exp.URL || it.Title != title {
			t.Errorf("visit %d: time %s url %q title %q raw %s; want %s (visit_date %d) %q %q",
				i+1, it.Time.Format(time.RFC3339Nano), it.URL, it.Title, it.Raw, time.UnixMicro(exp.VisitDate).UTC().Format(time.RFC3339Nano), exp.VisitDate, exp.URL, title)
		}
	}
	// --after a visit's exact time (sqlite3's visit_date) keeps that visit.
	var fourth struct {
		VisitDate int64 `json:"visit_date"`
	}
	dectest.Unmarshal(t, want[3], &fourth)
	at := time.UnixMicro(fourth.VisitDate)
	got, err := dal.Select(context.Background(), []*dal.Result{res}, dal.Query{After: at})
	if err != nil || len(got) != len(res.Items)-3 || !got[0].Time.Equal(at) {
		t.Errorf("after %s: %d items (%v), want %d starting with it", at.Format(time.RFC3339Nano), len(got), err, len(res.Items)-3)
	}
}

// TestFenixExact reads a places.sqlite shaped after Firefox for Android's
// (Fenix: visit_date in milliseconds, moz_historyvisits.is_local): the
// decoder uses the Fenix query for it and gives every visit its time to
// the millisecond, where reading it as the desktop's microseconds would
// put it in January 1970.
func TestFenixExact(t *testing.T) {
	res, want := dectest.Oracle(t, dal.Spec{Source: "fenix", Decoder: Decoder}, "testdata/fenix/places.sqlite.zst", "sqlite.zst", "testdata/fenix/expected.json")
	for i, w := range want {
		var exp struct {
			URL       string `json:"url"`
			VisitDate int64  `json:"visit_date"`
			IsLocal   int    `json:"is_local"`
		}
		dectest.Unmarshal(t, w, &exp)
		var raw struct {
			VisitDate   int64 `json:"visit_date"`
			VisitDateMS int64 `json:"visit_date_ms"`
			IsLocal     int   `json:"is_local"`
		}
		it := res.Items[i]
		dectest.Unmarshal(t, it.Raw, &raw)
		if !it.Time.Equal(time.UnixMilli(exp.VisitDate)) || it.URL != exp.URL || raw.VisitDateMS != exp.VisitDate || raw.VisitDate != exp.VisitDate*1000 || raw.IsLocal != exp.IsLocal {
			t.Errorf("visit %d: %s %q %s; want %s %q", i+1, it.Time.Format(time.RFC3339Nano), it.URL, it.Raw, time.UnixMilli(exp.VisitDate).UTC().Format(time.RFC3339Nano), exp.URL)
		}
	}
}
