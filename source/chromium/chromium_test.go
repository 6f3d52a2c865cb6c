package chromium

import (
	"testing"
	"time"

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

// TestFixtureExact reads History written by Chromium 156 and checks every
// visit against sqlite3's view (expected.json), to the microsecond:
// visit_time is microseconds since 1601, above 2^53.
func TestFixtureExact(t *testing.T) {
	res, want := dectest.Oracle(t, dal.Spec{Source: "chromium", Decoder: Decoder}, "testdata/History.sqlite.zst", "sqlite.zst", "testdata/expected.json")
	for i, w := range want {
		var exp struct {
			URL       string `json:"url"`
			Title     string `json:"title"`
			VisitTime int64  `json:"visit_time"`
			ID        int64  `json:"id"`
		}
		dectest.Unmarshal(t, w, &exp)
		it := res.Items[i]
		var raw struct {
			VisitTime int64 `json:"visit_time"`
			Unix      int64 `json:"visit_time_unix_us"`
			VisitID   int64 `json:"visit_id"`
		}
		dectest.Unmarshal(t, it.Raw, &raw)
		wantTime := time.UnixMicro(exp.VisitTime - 11644473600000000)
		if !it.Time.Equal(wantTime) || raw.VisitTime != exp.VisitTime || raw.Unix != exp.VisitTime-11644473600000000 || raw.VisitID != exp.ID || it.URL != exp.URL || it.Title != exp.Title {
			t.Errorf("visit %d: time %s url %q title %q raw %s; want %s (visit_time %d) %q %q",
				i+1, it.Time.Format(time.RFC3339Nano), it.URL, it.Title, it.Raw, wantTime.UTC().Format(time.RFC3339Nano), exp.VisitTime, exp.URL, exp.Title)
		}
	}
}
