package chromium

import (
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// history is a database shaped like Chromium's History (the tables and
// columns the decoder reads).
func history(t testing.TB) []byte {
	return dectest.SQLite(t,
		`CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT, title TEXT)`,
		`CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER, visit_time INTEGER, transition INTEGER, visit_duration INTEGER)`,
		`INSERT INTO urls VALUES (1, 'https://example.org/', 'Ex'), (2, 'https://go.dev/', 'Go')`,
		`INSERT INTO visits VALUES (1, 1, 13348540800000000, 805306368, 0), (2, 2, 13348540801250000, 805306368, 1000), (3, 1, 13348540900000000, 1, 0)`) // from 2024-01-01T00:00:00Z
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/golden.txt", Sample: history})
}

func TestVisits(t *testing.T) {
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, "sqlite", history(t))
	res := dectest.Merge(t, dir, dal.Spec{Source: "chrome-3", Decoder: Decoder})
	if len(res.Errors()) > 0 || len(res.Items) != 3 {
		t.Fatalf("items %+v, errors %v", res.Items, res.Errors())
	}
	if got := res.Items[0].Time.Format("2006-01-02T15:04:05Z07:00"); got != "2024-01-01T00:00:00Z" {
		t.Errorf("time %s", got)
	}
	if it := res.Items[1]; it.Title != "Go" || it.URL != "https://go.dev/" || it.Key != `["https://go.dev/",13348540801250000]` {
		t.Errorf("item %+v", it)
	}
}
