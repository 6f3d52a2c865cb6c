package googletakeout

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The times of Takeout's HTML pages are written for people, in the
// language of the account, and since about 2020 with the abbreviation of
// the zone the exporting account was in *when the export was made*, for
// every time on the page ("Jan 15, 2021, 6:54:12 PM BST" for a January
// evening in London, exported in summer). Read as the fixed offset the
// abbreviation names, such a time is exact: the page wrote every instant
// at that one offset. Pages before 2018 wrote no zone, in UTC.
//
// Forms read (U+202F and U+00A0, which newer pages put before AM/PM and
// between the parts, count as spaces):
//
//	Jan 5, 2021, 10:00:00 AM EST      English (United States)
//	5 Jan 2021, 10:00:00 GMT          English (United Kingdom and others)
//	05.01.2021, 10:00:00 MEZ          German
//	5 janv. 2021, 10:00:00 UTC+1      French, Spanish, Italian, Dutch, Portuguese (month names)
//	5 de jan. de 2021 10:00:00 BRT    Portuguese (Brazil)
//	2021/01/05 10:00:00 JST           Japanese, Chinese
//
// and the zone as an abbreviation (zones below), GMT/UTC with an offset
// ("GMT+5:30", "UTC-03:00"), or none.

// zoneOffsets are the zone abbreviations Takeout writes, as fixed UTC
// offsets in minutes. Where an abbreviation has several meanings the most
// common among Takeout's users is taken: IST is India's, CST the United
// States' Central zone (China's would be written "GMT+8" in English
// pages), AST Atlantic.
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "BST": 60, "IST": 330, "WEST": 60,
	"CET": 60, "CEST": 120, "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180, "OEZ": 120, "OESZ": 180, "MSK": 180,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
	"AKST": -540, "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180, "NST": -210, "NDT": -150,
	"BRT": -180, "ART": -180, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "PHT": 480, "WIB": 420,
	"AEST": 600, "AEDT": 660, "ACST": 570, "ACDT": 630, "AWST": 480, "NZST": 720, "NZDT": 780, "SAST": 120,
	"HNE": -300, "HAE": -240, "HNC": -360, "HAC": -300, "HNP": -480, "HAP": -420, // French Canadian
	"WEZ": 0, "WESZ": 60, // German, Western European
	// the short names CLDR's English locales of Africa and Asia write
	// (en_KE, en_ZA, en_NG, en_MY, en_PK, en_GU)
	"EAT": 180, "CAT": 120, "WAT": 60, "MYT": 480, "PKT": 300, "ChST": 600,
}

// monthNames are month abbreviations and names, lower case, without a
// final dot, in the languages whose pages write them.
var monthNames = map[string]time.Month{}

func init() {
	for m, names := range [12][]string{
		{"jan", "january", "januar", "janv", "janvier", "ene", "enero", "gen", "gennaio", "januari", "janeiro"},
		{"feb", "february", "februar", "févr", "fevr", "février", "febrero", "febbraio", "februari", "fev", "fevereiro"},
		{"mar", "march", "märz", "mär", "mars", "marzo", "maart", "mrt", "março", "marco"},
		{"apr", "april", "avr", "avril", "abr", "abril", "aprile"},
		{"may", "mai", "mayo", "mag", "maggio", "mei", "maio"},
		{"jun", "june", "juni", "juin", "junio", "giu", "giugno", "junho"},
		{"jul", "july", "juli", "juil", "juillet", "julio", "lug", "luglio", "julho"},
		{"aug", "august", "août", "aout", "ago", "agosto", "augustus"},
		{"sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro"},
		{"oct", "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro"},
		{"nov", "november", "novembre", "noviembre", "novembro"},
		{"dec", "december", "dez", "dezember", "déc", "decembre", "décembre", "dic", "diciembre", "dicembre", "dezembro"},
	} {
		for _, n := range names {
			monthNames[n] = time.Month(m + 1)
		}
	}
}

// parseHTMLTime reads the time of one activity of a Takeout HTML page.
func parseHTMLTime(s string) (time.Time, error) {
	text := normalizeSpaces(s)
	date, clock, zone, err := splitTime(text)
	if err != nil {
		return time.Time{}, err
	}
	y, mo, d, err := parseDate(date)
	if err != nil {
		return time.Time{}, err
	}
	h, mi, sec, err := parseClock(clock)
	if err != nil {
		return time.Time{}, err
	}
	off, err := zoneOffset(zone)
	if err != nil {
		return time.Time{}, err
	}
	t := time.Date(y, mo, d, h, mi, sec, 0, time.FixedZone(zone, off*60))
	if t.Year() != y || t.Month() != mo || t.Day() != d {
		return time.Time{}, fmt.Errorf("no such date: %q", date)
	}
	return t.UTC(), nil
}

func normalizeSpaces(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\u202f' || r == '\u00a0' || r == '\u2009' || r == '\u2003' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// splitTime splits "DATE, CLOCK [AM|PM] [ZONE]" (or "DATE CLOCK ...")
// into its date, its clock (with AM/PM) and its zone.
func splitTime(s string) (date, clock, zone string, err error) {
	f := strings.Fields(s)
	ci := -1
	for i, w := range f {
		if strings.Count(w, ":") >= 1 && w[0] >= '0' && w[0] <= '9' {
			ci = i
			break
		}
	}
	if ci <= 0 {
		return "", "", "", fmt.Errorf("no clock time in %q", s)
	}
	date = strings.TrimRight(strings.Join(f[:ci], " "), ",")
	clock = f[ci]
	rest := f[ci+1:]
	if len(rest) > 0 {
		switch strings.ToUpper(strings.ReplaceAll(rest[0], ".", "")) {
		case "AM", "PM":
			clock += " " + strings.ToUpper(strings.ReplaceAll(rest[0], ".", ""))
			rest = rest[1:]
		}
	}
	zone = strings.Join(rest, " ")
	return date, clock, zone, nil
}

// parseDate reads the date part in any of the forms above.
func parseDate(s string) (int, time.Month, int, error) {
	bad := func() (int, time.Month, int, error) {
		return 0, 0, 0, fmt.Errorf("date %q is in no form the Takeout pages use", s)
	}
	// numeric: 05.01.2021 (day first), 2021/01/05 or 2021-01-05, 2021年1月5日
	if strings.ContainsAny(s, "年月日") {
		s = strings.NewReplacer("年", "/", "月", "/", "日", "").Replace(s)
	}
	if nums := numbers(s); len(nums) == 3 && !strings.ContainsFunc(s, unicode.IsLetter) {
		if len(nums[0]) == 4 {
			return date3(nums[0], nums[1], nums[2])
		}
		if len(nums[2]) == 4 && strings.Contains(s, ".") {
			return date3(nums[2], nums[1], nums[0])
		}
		return bad()
	}
	// with a month name: "Jan 5, 2021", "5 Jan 2021", "5 janv. 2021", "5 de jan. de 2021"
	var words []string
	for _, w := range strings.Fields(strings.ReplaceAll(s, ",", " ")) {
		if lw := strings.ToLower(w); lw != "de" && lw != "del" {
			words = append(words, strings.TrimSuffix(lw, "."))
		}
	}
	if len(words) != 3 {
		return bad()
	}
	var year, day string
	var month time.Month
	for _, w := range words {
		if m, ok := monthNames[w]; ok && month == 0 {
			month = m
			continue
		}
		w = strings.TrimSuffix(w, ".")
		switch {
		case len(w) == 4 && year == "":
			year = w
		case len(w) <= 2 && day == "":
			day = w
		default:
			return bad()
		}
	}
	if month == 0 || year == "" || day == "" {
		return bad()
	}
	y, err1 := strconv.Atoi(year)
	d, err2 := strconv.Atoi(day)
	if err1 != nil || err2 != nil {
		return bad()
	}
	return y, month, d, nil
}

func numbers(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

func date3(y, m, d string) (int, time.Month, int, error) {
	yy, e1 := strconv.Atoi(y)
	mm, e2 := strconv.Atoi(m)
	dd, e3 := strconv.Atoi(d)
	if e1 != nil || e2 != nil || e3 != nil || mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		return 0, 0, 0, fmt.Errorf("no such date: %s-%s-%s", y, m, d)
	}
	return yy, time.Month(mm), dd, nil
}

// parseClock reads "10:00:00", "10:00" and "6:54:12 PM".
func parseClock(s string) (h, m, sec int, err error) {
	ampm := ""
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s, ampm = s[:i], s[i+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, fmt.Errorf("clock time %q", s)
	}
	vals := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 59 || (i == 0 && v > 23) {
			return 0, 0, 0, fmt.Errorf("clock time %q", s)
		}
		vals[i] = v
	}
	h, m, sec = vals[0], vals[1], vals[2]
	switch ampm {
	case "AM", "PM":
		if h < 1 || h > 12 {
			return 0, 0, 0, fmt.Errorf("clock time %q %s", s, ampm)
		}
		h %= 12
		if ampm == "PM" {
			h += 12
		}
	}
	return h, m, sec, nil
}

// zoneOffset returns the offset in minutes a zone of the pages names.
func zoneOffset(zone string) (int, error) {
	if zone == "" {
		return 0, nil // pages before 2018 wrote UTC without saying so
	}
	if off, ok := zoneOffsets[zone]; ok {
		return off, nil
	}
	for _, prefix := range []string{"GMT", "UTC"} {
		rest, ok := strings.CutPrefix(zone, prefix)
		rest = strings.ReplaceAll(rest, "\u2212", "-") // the minus sign some languages write
		if !ok || rest == "" || (rest[0] != '+' && rest[0] != '-') {
			continue
		}
		sign := 1
		if rest[0] == '-' {
			sign = -1
		}
		rest = rest[1:]
		hs, ms, _ := strings.Cut(rest, ":")
		h, err1 := strconv.Atoi(hs)
		m := 0
		var err2 error
		if ms != "" {
			m, err2 = strconv.Atoi(ms)
		}
		if err1 != nil || err2 != nil || h > 14 || m > 59 {
			break
		}
		return sign * (h*60 + m), nil
	}
	return 0, fmt.Errorf("unknown zone %q (known: abbreviations such as PST, CET, MEZ, JST, and GMT+1 or UTC-03:00); the JSON export (Takeout's \"Multiple formats\", JSON) has exact times", zone)
}
