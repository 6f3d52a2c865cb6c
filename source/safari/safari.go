// Package safari is the built-in source for Safari's history: one item per
// visit from History.db (macOS 10.10 and later).
package safari

import (
	"context"
	"iter"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
)

// Visits reads History.db. visit_time is seconds since 2001-01-01 UTC
// (Apple's Core Data reference date) as a real number with sub-second
// digits; the title is the visit's, the URL its history item's. origin is
// 0 for a visit on this Mac, 1 for one synced from another device.
const Visits = `SELECT i.url AS url, v.title AS title, v.visit_time AS visit_time,
  v.load_successful AS load_successful, v.origin AS origin,
  v.redirect_source AS redirect_source, v.redirect_destination AS redirect_destination,
  v.id AS visit_id, i.visit_count AS visit_count
FROM history_visits v JOIN history_items i ON i.id = v.history_item
ORDER BY v.visit_time, v.id`

// Decoder yields one "visits" record per visit, keyed by URL and time;
// the time is declared as seconds since 2001, so that nothing depends on
// guessing its unit or epoch.
var Decoder = &dal.Decoder{
	Name: "safari", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"visits": {Key: []string{"url", "visit_time"}, Time: "visit_time", TimeUnit: "s", TimeEpoch: "2001", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecords(ctx, path, map[string]string{"visits": Visits})
	},
}

// Source describes Safari history.
var Source = &source.Source{
	Name:     "safari",
	Title:    "Safari history (every visit, from History.db)",
	Category: source.Local,
	Needs:    "Safari on this Mac (hoard needs Full Disk Access to read ~/Library/Safari)",
	Decoder:  Decoder,
	Exporter: source.FileKind("safari", "sqlite"),
	Detect:   detect,
	Stanza:   source.FileStanza("safari", "Safari history (History.db)", "~/Library/Safari/History.db"),
}

func detect(env source.Env) []source.Found {
	if env.GOOS != "darwin" {
		return nil
	}
	var out []source.Found
	for i, p := range source.Glob(env.Home, "Library/Safari/History.db") {
		out = append(out, source.Found{Name: source.Number("safari", i), Path: p, Comment: "Safari history (History.db)"})
	}
	return out
}
