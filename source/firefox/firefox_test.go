package firefox

import (
	"bytes"
	"os"
	"testing"

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
