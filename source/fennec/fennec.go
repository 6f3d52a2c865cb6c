// Package fennec is the built-in source for the history of the Firefox for
// Android of before 2020 (Fennec, up to version 68): one item per visit
// from its browser.db. Today's Firefox for Android (Fenix) keeps a
// places.sqlite, read by source/firefox. Fennec is its own source rather
// than a kind of firefox's because its database is another one: other
// tables, other time units, found on a phone rather than on this machine.
package fennec

import (
	"context"
	"iter"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
)

// Visits reads browser.db from Fennec's database version 30 on: one row
// per visit of the visits table, joined with its page in history by GUID.
// visits.date is microseconds since the Unix epoch. Pages deleted from the
// history (deleted = 1, kept for sync) are left out.
const Visits = `SELECT h.url AS url, h.title AS title, v.date AS visit_date,
  v.visit_type AS visit_type, v.is_local AS is_local, v._id AS visit_id, h.guid AS guid
FROM visits v JOIN history h ON h.guid = v.history_guid
WHERE h.deleted = 0
ORDER BY v.date, v._id`

// Pages reads an older browser.db, without the visits table: one row per
// page, at its last visit. history.date counts milliseconds; visit_date
// gives it in microseconds like Visits', so that one key and unit fit
// both, and the value as stored is kept in date_ms.
const Pages = `SELECT url AS url, title AS title, date * 1000 AS visit_date, date AS date_ms,
  visits AS visit_count, guid AS guid
FROM history
WHERE deleted = 0
ORDER BY date, _id`

// Decoder yields one "visits" record per visit (per page, for databases
// older than the visits table), keyed by URL and time.
var Decoder = &dal.Decoder{
	Name: "fennec", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"visits": {Key: []string{"url", "visit_date"}, Time: "visit_date", TimeUnit: "us", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecordsVersions(ctx, path, map[string][]string{"visits": {Visits, Pages}})
	},
}

// Source describes Fennec history. It is never detected: the file is on
// a phone (/data/data/org.mozilla.firefox/files/mozilla/PROFILE/browser.db),
// copied off with a backup or adb, then imported.
var Source = &source.Source{
	Name:     "fennec",
	Title:    "Firefox for Android before 2020 (Fennec) history, from browser.db",
	Category: source.PhoneApp,
	Needs:    "a copy of browser.db from the phone (adb or a backup)",
	Decoder:  Decoder,
	Exporter: source.FileKind("fennec", "sqlite"),
	Stanza:   source.FileStanza("fennec", "Firefox for Android (Fennec) history: a copy of browser.db", "~/phone/browser.db"),
}
