package fennec

import (
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// browserDB is a database shaped like Fennec's browser.db (the tables and
// columns the decoder reads).
func browserDB(t testing.TB) []byte {
	return dectest.SQLite(t,
		`CREATE TABLE history (_id INTEGER PRIMARY KEY, title TEXT, url TEXT NOT NULL, visits INTEGER, date INTEGER, guid TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE visits (_id INTEGER PRIMARY KEY, history_guid TEXT NOT NULL, visit_type TINYINT NOT NULL DEFAULT 1, date INTEGER NOT NULL, is_local TINYINT NOT NULL DEFAULT 1)`,
		`INSERT INTO history VALUES (1, 'Example', 'https://example.org/', 2, 1704067300000, 'g1', 0), (2, NULL, 'https://go.dev/', 1, 1704067201500, 'g2', 0)`,
		`INSERT INTO visits VALUES (1, 'g1', 1, 1704067200000000, 1), (2, 'g2', 2, 1704067201500000, 0), (3, 'g1', 1, 1704067300000000, 1)`)
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/golden.txt", Sample: browserDB})
}

// TestFixtures reads the two browser.db fixtures (made from Fennec's
// schema, see the README): version 39 with its visits table, every visit
// to the microsecond, deleted pages left out; and an older one without
// it, read with the second query, a page at its last visit.
func TestFixtures(t *testing.T) {
	for _, c := range []struct {
		file, expected string
		unit           time.Duration
	}{{"browser.db.zst", "expected.json", time.Microsecond}, {"browser-old.db.zst", "expected-old.json", time.Millisecond}} {
		res, want := dectest.Oracle(t, dal.Spec{Source: "fennec", Decoder: Decoder}, "testdata/"+c.file, "sqlite.zst", "testdata/"+c.expected)
		for i, w := range want {
			var exp struct {
				URL   string  `json:"url"`
				Title *string `json:"title"`
				Date  int64   `json:"date"`
			}
			dectest.Unmarshal(t, w, &exp)
			it := res.Items[i]
			wantTime := time.Unix(0, 0).Add(time.Duration(exp.Date) * c.unit)
			if !it.Time.Equal(wantTime) || it.URL != exp.URL || exp.Title != nil && it.Title != *exp.Title {
				t.Errorf("%s %d: %s %q %q; want %s %q", c.file, i+1, it.Time.Format(time.RFC3339Nano), it.URL, it.Title, wantTime.UTC().Format(time.RFC3339Nano), exp.URL)
			}
		}
	}
}
