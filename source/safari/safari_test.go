package safari

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
)

// history is a database shaped like Safari's History.db (the tables and
// columns the decoder reads).
func history(t testing.TB) []byte {
	return dectest.SQLite(t,
		`CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, visit_count INTEGER NOT NULL)`,
		`CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER NOT NULL, visit_time REAL NOT NULL, title TEXT,
		  load_successful BOOLEAN NOT NULL DEFAULT 1, redirect_source INTEGER, redirect_destination INTEGER, origin INTEGER NOT NULL DEFAULT 0)`,
		`INSERT INTO history_items VALUES (1, 'https://example.org/', 2), (2, 'https://go.dev/', 1)`,
		`INSERT INTO history_visits (id, history_item, visit_time, title, origin) VALUES (1, 1, 725846400.25, 'Example', 0), (2, 2, 725846401.5, NULL, 1), (3, 1, 725846500, 'Example', 0)`)
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/golden.txt", Sample: history})
}

// TestFixture reads History.db (made from Safari's schema, see the README)
// and checks every visit against sqlite3's view, to the microsecond:
// visit_time is a real number of seconds since 2001-01-01.
func TestFixture(t *testing.T) {
	res, want := dectest.Oracle(t, dal.Spec{Source: "safari", Decoder: Decoder}, "testdata/History.db.zst", "sqlite.zst", "testdata/expected.json")
	apple := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, w := range want {
		var exp struct {
			URL       string  `json:"url"`
			Title     *string `json:"title"`
			VisitTime string  `json:"visit_time"` // printf('%.6f')
			ID        int64   `json:"id"`
		}
		dectest.Unmarshal(t, w, &exp)
		sec, frac, _ := strings.Cut(exp.VisitTime, ".")
		var s, us int64
		for _, c := range sec {
			s = s*10 + int64(c-'0')
		}
		for _, c := range frac {
			us = us*10 + int64(c-'0')
		}
		wantTime := apple.Add(time.Duration(s)*time.Second + time.Duration(us)*time.Microsecond)
		it := res.Items[i]
		title := ""
		if exp.Title != nil {
			title = *exp.Title
		}
		if !it.Time.Equal(wantTime) || it.URL != exp.URL || it.Title != title || !strings.Contains(string(it.Raw), `"visit_id":`+strconv.FormatInt(exp.ID, 10)+",") {
			t.Errorf("visit %d: %s %q %q %s; want %s %q %q", i+1, it.Time.Format(time.RFC3339Nano), it.URL, it.Title, it.Raw, wantTime.Format(time.RFC3339Nano), exp.URL, title)
		}
	}
}

func TestDetect(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "Library/Safari"), 0o700)
	os.WriteFile(filepath.Join(home, "Library/Safari/History.db"), history(t), 0o600)
	env := source.Env{Home: home, GOOS: "darwin", Getenv: func(string) string { return "" }}
	if f := Source.Detect(env); len(f) != 1 || f[0].Name != "safari" {
		t.Errorf("found %+v", f)
	}
	env.GOOS = "linux"
	if f := Source.Detect(env); len(f) != 0 {
		t.Errorf("found on linux: %+v", f)
	}
}
