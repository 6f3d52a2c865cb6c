// Package localtime turns the wall-clock times that devices write without
// a zone (a Kindle's clippings, an old BlueMaestro database) into exact
// instants, given the zone the device's clock was set to, and reads the
// month names those times are written with in several languages.
//
// It is the built-in sources' own piece until the data access layer reads
// a time zone for any source; the rules are written down here so that it
// can take them over unchanged:
//
//   - no zone configured means UTC;
//   - a wall time that happens twice (the hour a clock is set back) is
//     the earlier instant;
//   - a wall time that never happens (the hour a clock skips) is read
//     with the offset in force before the jump, as Go's time.Date does.
package localtime

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zones on systems without /usr/share/zoneinfo
)

// LoadZone returns the zone called name: an IANA name ("Europe/Berlin")
// or "UTC"; "" is UTC. "Local" is refused: what it means changes with the
// machine reading the file, and a time read back must not.
func LoadZone(name string) (*time.Location, error) {
	switch name {
	case "", "UTC":
		return time.UTC, nil
	case "Local", "local":
		return nil, fmt.Errorf(`time_zone = %q: name the zone itself, e.g. "Europe/Berlin" (the machine's zone may not be the device's, and must not change what is read back)`, name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf(`time_zone = %q: unknown time zone (use an IANA name such as "Europe/Berlin", or "UTC")`, name)
	}
	return loc, nil
}

// Date returns the instant at which a clock in loc showed the given wall
// time (see the package comment for repeated and skipped wall times).
func Date(loc *time.Location, year int, month time.Month, day, hour, min, sec, nsec int) time.Time {
	wall := time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
	var best time.Time
	// Every offset the zone has within a day of the wall time: the
	// instants they give that loc really shows as that wall time.
	for _, probe := range []time.Duration{-36 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 36 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		t := wall.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), wall) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if best.IsZero() { // skipped by the clock: the offset before the jump
		_, off := wall.Add(-24 * time.Hour).In(loc).Zone()
		return wall.Add(-time.Duration(off) * time.Second)
	}
	return best
}

func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() &&
		t.Second() == wall.Second() && t.Nanosecond() == wall.Nanosecond()
}

// RFC3339 formats t in UTC with as many fractional digits as it needs:
// the form every built-in decoder writes its computed times in, which
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
		{"may", "mai", "mayo", "may", "maggio", "mag", "maio", "mei", "мая", "май"},
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
