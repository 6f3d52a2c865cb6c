// Package firefox is the built-in source for the history of Firefox and
// the browsers built from it (LibreWolf, Waterfox): one item per visit
// from a profile's places.sqlite, on the desktop and in today's Firefox for
// Android (Fenix), whose places.sqlite has the same tables but counts visit
// times in milliseconds. (The Firefox for Android of before 2020, Fennec,
// kept a different database, browser.db: see source/fennec.)
package firefox

import (
	"context"
	"iter"
	"path/filepath"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
)

// Visits reads the desktop's places.sqlite. visit_date is microseconds
// since the Unix epoch; the browser's own columns are kept as they are.
const Visits = `SELECT p.url AS url, p.title AS title, v.visit_date AS visit_date,
  v.visit_type AS visit_type, v.id AS visit_id, v.from_visit AS from_visit
FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id
ORDER BY v.visit_date, v.id`

// FenixVisits reads the places.sqlite of Firefox for Android (Fenix, from
// Mozilla's application-services), told apart by moz_historyvisits'
// is_local column, which the desktop's lacks. Its visit_date counts
// milliseconds: visit_date is given in microseconds like the desktop's,
// so that one key and one time unit fit both, and the value as stored is
// kept in visit_date_ms.
const FenixVisits = `SELECT p.url AS url, p.title AS title, v.visit_date * 1000 AS visit_date,
  v.visit_date AS visit_date_ms, v.visit_type AS visit_type, v.id AS visit_id,
  v.from_visit AS from_visit, v.is_local AS is_local
FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id
ORDER BY v.visit_date, v.id`

// Decoder yields one "visits" record per visit. A visit is keyed by its
// URL and time, so the same visit seen in many daily copies merges once.
// Each snapshot is read with the first query its schema fits: Fenix's,
// else the desktop's.
var Decoder = &dal.Decoder{
	Name: "firefox", Version: 2,
	Kinds: map[string]dal.KindSpec{
		"visits": {Key: []string{"url", "visit_date"}, Time: "visit_date", TimeUnit: "us", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecordsVersions(ctx, path, map[string][]string{"visits": {FenixVisits, Visits}})
	},
}

// Source describes Firefox history.
var Source = &source.Source{
	Name:     "firefox",
	Title:    "Firefox-family history: Firefox, LibreWolf, Waterfox (every visit, from places.sqlite)",
	Category: source.Local,
	Needs:    "a browser profile on this machine",
	Decoder:  Decoder,
	Exporter: source.FileKind("firefox", "sqlite"),
	Detect:   detect,
	Stanza:   source.FileStanza("firefox", "Firefox history and bookmarks (places.sqlite of one profile)", "~/.mozilla/firefox/PROFILE/places.sqlite"),
}

// browser is one Firefox-family browser: its proposed source name, its
// name for people, and the places.sqlite of its profiles, relative to the
// home directory, on Linux (distribution package, snap, flatpak) and
// macOS.
type browser struct {
	name, title string
	linux, mac  []string
}

var browsers = []browser{
	{"firefox", "Firefox", []string{
		".mozilla/firefox/*/places.sqlite",
		"snap/firefox/common/.mozilla/firefox/*/places.sqlite",
		".var/app/org.mozilla.firefox/.mozilla/firefox/*/places.sqlite",
	}, []string{"Library/Application Support/Firefox/Profiles/*/places.sqlite"}},
	{"librewolf", "LibreWolf", []string{
		".librewolf/*/places.sqlite",
		".var/app/io.gitlab.librewolf-community/.librewolf/*/places.sqlite",
	}, []string{"Library/Application Support/librewolf/Profiles/*/places.sqlite"}},
	{"waterfox", "Waterfox", []string{
		".waterfox/*/places.sqlite",
		".var/app/net.waterfox.waterfox/.waterfox/*/places.sqlite",
	}, []string{"Library/Application Support/Waterfox/Profiles/*/places.sqlite"}},
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for _, b := range browsers {
		globs := b.linux
		if env.GOOS == "darwin" {
			globs = append(globs, b.mac...)
		}
		for i, p := range source.Glob(env.Home, globs...) {
			out = append(out, source.Found{Name: source.Number(b.name, i), Path: p,
				Comment: b.title + " history and bookmarks (places.sqlite, profile " + filepath.Base(filepath.Dir(p)) + ")"})
		}
	}
	return out
}
