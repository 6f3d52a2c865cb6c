package dal

import (
	"context"
	"iter"
)

// Browser history decoders. Each yields one record per visit ("visits"
// kind) with the browser's own columns kept as they are, plus, for
// Chromium, the visit time converted to the Unix epoch.
func init() {
	register(&Decoder{Name: "firefox", Version: 1, Defaults: firefoxDefaults, Records: firefoxRecords})
	register(&Decoder{Name: "chromium", Version: 1, Defaults: chromiumDefaults, Records: chromiumRecords})
	register(&Decoder{Name: "chrome", Version: 1, Defaults: chromiumDefaults, Records: chromiumRecords})
}

// firefoxVisits reads places.sqlite. visit_date is microseconds since the
// Unix epoch.
const firefoxVisits = `SELECT p.url AS url, p.title AS title, v.visit_date AS visit_date,
  v.visit_type AS visit_type, v.id AS visit_id, v.from_visit AS from_visit
FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id
ORDER BY v.visit_date, v.id`

// chromiumVisits reads Chromium's History. visit_time is microseconds
// since 1601-01-01 UTC (the Windows epoch); visit_time_unix_us is the same
// instant on the Unix epoch.
const chromiumVisits = `SELECT u.url AS url, u.title AS title, v.visit_time AS visit_time,
  v.visit_time - 11644473600000000 AS visit_time_unix_us,
  v.transition AS transition, v.visit_duration AS visit_duration, v.id AS visit_id
FROM visits v JOIN urls u ON u.id = v.url
ORDER BY v.visit_time, v.id`

func firefoxRecords(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, map[string]string{"visits": firefoxVisits})
}

func chromiumRecords(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, map[string]string{"visits": chromiumVisits})
}

func firefoxDefaults(s *Spec) {
	setDefaults(s, []string{"url", "visit_date"}, "visit_date", "title", "url")
}

func chromiumDefaults(s *Spec) {
	setDefaults(s, []string{"url", "visit_time"}, "visit_time_unix_us", "title", "url")
}

// setDefaults fills the spec fields the user left empty.
func setDefaults(s *Spec, key []string, time, title, url string) {
	if len(s.Key) == 0 {
		s.Key = key
	}
	if s.Time == "" {
		s.Time = time
	}
	if s.Title == "" {
		s.Title = title
	}
	if s.URL == "" {
		s.URL = url
	}
}
