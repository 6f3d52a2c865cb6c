// Package firefox is the built-in source for the history of Firefox and
// the browsers built from it (LibreWolf, Waterfox): one item per visit
// from a profile's places.sqlite.
package firefox

import (
	"context"
	"iter"
	"path/filepath"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
)

// Visits reads places.sqlite. visit_date is microseconds since the Unix
// epoch; the browser's own columns are kept as they are.
const Visits = `SELECT p.url AS url, p.title AS title, v.visit_date AS visit_date,
  v.visit_type AS visit_type, v.id AS visit_id, v.from_visit AS from_visit
FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id
ORDER BY v.visit_date, v.id`

// Decoder yields one "visits" record per visit. A visit is keyed by its
// URL and time, so the same visit seen in many daily copies merges once.
var Decoder = &dal.Decoder{
	Name: "firefox", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"visits": {Key: []string{"url", "visit_date"}, Time: "visit_date", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecords(ctx, path, map[string]string{"visits": Visits})
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
