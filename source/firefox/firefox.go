// Package firefox is the built-in source for the history of Firefox and
// the browsers built from it: one item per visit from places.sqlite.
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
		"visits": {Key: []string{"url", "visit_date"}, Time: "visit_date", TimeUnit: "us", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecords(ctx, path, map[string]string{"visits": Visits})
	},
}

// Source describes Firefox history.
var Source = &source.Source{
	Name:     "firefox",
	Title:    "Firefox history (every visit, from places.sqlite)",
	Category: source.Local,
	Needs:    "a Firefox profile on this machine",
	Decoder:  Decoder,
	Exporter: source.FileKind("firefox", "sqlite"),
	Detect:   detect,
	Stanza:   source.FileStanza("firefox", "Firefox history and bookmarks (places.sqlite of one profile)", "~/.mozilla/firefox/PROFILE/places.sqlite"),
}

// profiles are where Firefox keeps its profiles, relative to the home
// directory: the distribution package, snap and flatpak.
var profiles = []string{
	".mozilla/firefox/*/places.sqlite",
	"snap/firefox/common/.mozilla/firefox/*/places.sqlite",
	".var/app/org.mozilla.firefox/.mozilla/firefox/*/places.sqlite",
}

func detect(env source.Env) []source.Found {
	globs := profiles
	if env.GOOS == "darwin" {
		globs = append(globs, "Library/Application Support/Firefox/Profiles/*/places.sqlite")
	}
	var out []source.Found
	for i, p := range source.Glob(env.Home, globs...) {
		out = append(out, source.Found{Name: source.Number("firefox", i), Path: p,
			Comment: "Firefox history and bookmarks (places.sqlite, profile " + filepath.Base(filepath.Dir(p)) + ")"})
	}
	return out
}
