// Package chromium is the built-in source for the history of Chromium and
// the browsers built from it (Google Chrome among them): one item per
// visit from the profile's History database.
package chromium

import (
	"context"
	"iter"
	"path/filepath"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
)

// Visits reads Chromium's History. visit_time is microseconds since
// 1601-01-01 UTC (the Windows epoch); visit_time_unix_us is the same
// instant on the Unix epoch.
const Visits = `SELECT u.url AS url, u.title AS title, v.visit_time AS visit_time,
  v.visit_time - 11644473600000000 AS visit_time_unix_us,
  v.transition AS transition, v.visit_duration AS visit_duration, v.id AS visit_id
FROM visits v JOIN urls u ON u.id = v.url
ORDER BY v.visit_time, v.id`

// Decoder yields one "visits" record per visit, keyed by URL and time.
// The time is read from visit_time itself, declared as microseconds since
// 1601, so that nothing depends on guessing the unit.
var Decoder = &dal.Decoder{
	Name: "chromium", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"visits": {Key: []string{"url", "visit_time"}, Time: "visit_time", TimeUnit: "us", TimeEpoch: "1601", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecords(ctx, path, map[string]string{"visits": Visits})
	},
}

// Source describes Chromium-family history.
var Source = &source.Source{
	Name:     "chromium",
	Title:    "Chromium and Google Chrome history (every visit)",
	Category: source.Local,
	Needs:    "a Chromium or Chrome profile on this machine",
	Decoder:  Decoder,
	Aliases:  []string{"chrome"},
	Exporter: source.FileKind("chromium", "sqlite"),
	Detect:   detect,
	Stanza:   source.FileStanza("chromium", "Chromium history (the History database of one profile)", "~/.config/chromium/Default/History"),
}

// browser is one Chromium-family browser: its proposed source name and
// where its profiles are.
type browser struct {
	name, title string
	linux, mac  []string
}

var browsers = []browser{
	{"chromium", "Chromium", []string{".config/chromium/*/History", "snap/chromium/common/chromium/*/History"}, []string{"Library/Application Support/Chromium/*/History"}},
	{"chrome", "Google Chrome", []string{".config/google-chrome/*/History"}, []string{"Library/Application Support/Google/Chrome/*/History"}},
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
				Comment: b.title + " history (profile " + filepath.Base(filepath.Dir(p)) + ")"})
		}
	}
	return out
}
