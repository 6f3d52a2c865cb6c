// Package localtime is what the built-in sources that read devices'
// clocks share: the month names those devices write dates with in several
// languages, and the one form their computed times take.
//
// Times a device writes without a zone (a Kindle's clippings, an old
// BlueMaestro database) are given to the data access layer as zone-less
// text ("2024-01-01T10:00:00"), which it reads in the source's time_zone
// (UTC by default): the zone is a read setting, not something a decoder
// bakes into its records.
package localtime

import (
	"strings"
	"time"
)

// Wall formats a wall-clock time without a zone, to the second, as the
// data access layer reads it in a source's time_zone.
func Wall(t time.Time) string { return t.Format("2006-01-02T15:04:05") }

// RFC3339 formats t in UTC with as many fractional digits as it needs:
// the form built-in decoders write the instants they compute in, which
// hoard reads back exactly.
func RFC3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// UnixMilli formats a Unix time in milliseconds (Java's and Android's
// System.currentTimeMillis) as RFC3339 does, exactly.
func UnixMilli(ms int64) string { return RFC3339(time.UnixMilli(ms)) }

// months maps month names and their usual abbreviations, lower case and
// without a trailing dot, in the languages devices write dates in:
// English, German, French, Spanish, Italian, Portuguese, Dutch, and
// Russian (genitive, as in "1 января 2024").
var months = map[string]time.Month{}

func init() {
	for m, names := range [12][]string{
		{"january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari", "января", "январь"},
		{"february", "feb", "februar", "février", "févr", "fevrier", "fevr", "febrero", "febbraio", "fevereiro", "fev", "februari", "февраля", "февраль"},
		{"march", "mar", "märz", "mär", "maerz", "mars", "marzo", "março", "marco", "maart", "mrt", "марта", "март"},
		{"april", "apr", "avril", "avr", "abril", "abr", "aprile", "апреля", "апрель"},
		{"may", "mai", "mayo", "maggio", "mag", "maio", "mei", "мая", "май"},
		{"june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "июня", "июнь"},
		{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "июля", "июль"},
		{"august", "aug", "août", "aout", "agosto", "ago", "augustus", "августа", "август"},
		{"september", "sep", "sept", "septembre", "septiembre", "set", "settembre", "setembro", "сентября", "сентябрь"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "октября", "октябрь"},
		{"november", "nov", "novembre", "noviembre", "novembro", "ноября", "ноябрь"},
		{"december", "dec", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dicembre", "dezembro", "desember", "декабря", "декабрь"},
	} {
		for _, n := range names {
			months[n] = time.Month(m + 1)
		}
	}
}

// Month reads a month name or abbreviation in one of the languages above,
// in any case, with or without a trailing dot ("Aug.", "Juli", "déc.").
func Month(word string) (time.Month, bool) {
	m, ok := months[strings.TrimSuffix(strings.ToLower(word), ".")]
	return m, ok
}
