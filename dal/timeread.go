package dal

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// timeSettings say how a kind's time values are written (KindSpec's
// TimeFormat, TimeUnit, TimeEpoch and TimeZone). The zero value guesses:
// RFC 3339 and the common layouts for text (autoLayouts), Unix time for
// numbers with the unit chosen by magnitude, UTC for text without a zone.
type timeSettings struct{ Format, Unit, Epoch, Zone string }

// timeFormats are the named formats TimeFormat may give.
var timeFormats = map[string]string{
	"rfc3339":  time.RFC3339Nano,
	"rfc1123":  time.RFC1123,
	"rfc1123z": time.RFC1123Z,
	"rfc2822":  "Mon, _2 Jan 2006 15:04:05 -0700",
	"rfc850":   time.RFC850,
	"ansic":    time.ANSIC,
	"unixdate": time.UnixDate,
	"rubydate": time.RubyDate,
	"twitter":  time.RubyDate, // "Mon Nov 11 10:22:58 +0000 2019"
	"datetime": time.DateTime,
	"date":     time.DateOnly,
}

// autoLayouts are tried, in order, for time text when no format is set,
// after RFC 3339. Text without a zone is read in the kind's zone.
var autoLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700", // ISO 8601 basic offset: +0100 (Python %z, Java)
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999 -0700 MST", // Go's own time.String
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 MST",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05.999999999",
	"2006/01/02 15:04",
	"2006/01/02",
	"20060102T150405Z0700",
	"20060102T150405",
	// RFC 1123 and RFC 2822 (mail, RSS): with or without the weekday,
	// one- or two-digit day, with or without seconds.
	"Mon, _2 Jan 2006 15:04:05 -0700",
	"Mon, _2 Jan 2006 15:04:05 MST",
	"Mon, _2 Jan 2006 15:04 -0700",
	"Mon, _2 Jan 2006 15:04 MST",
	"_2 Jan 2006 15:04:05 -0700",
	"_2 Jan 2006 15:04:05 MST",
	"_2 Jan 2006 15:04 -0700",
	"Monday, 02-Jan-06 15:04:05 MST", // RFC 850
	"Mon Jan _2 15:04:05 -0700 2006", // Twitter (Ruby's date): Mon Nov 11 10:22:58 +0000 2019
	time.UnixDate,                    // date(1): Mon Jan  2 15:04:05 MST 2006
	time.ANSIC,                       // asctime: Mon Jan  2 15:04:05 2006
	"Jan _2, 2006, 3:04:05 PM",       // Google's "Mar 5, 2021, 10:00:00 AM"
	"Jan _2, 2006, 3:04:05 PM MST",
	"Jan _2, 2006 3:04:05 PM",
	"January _2, 2006 at 3:04 PM", // Facebook's HTML pages
}

// mailZones are the zone names RFC 2822 defines (and RSS feeds use); Go's
// parser would give them a zero offset outside their own location.
var mailZones = map[string]string{
	"UT": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
}

// Unit exponents: a numeric time in unit u is value * 10^exp seconds.
var timeUnits = map[string]int{
	"s": 0, "sec": 0, "seconds": 0,
	"ms": -3, "milliseconds": -3,
	"us": -6, "µs": -6, "microseconds": -6,
	"100ns": -7,
	"ns":    -9, "nanoseconds": -9,
}

// Epochs in Unix seconds.
var timeEpochs = map[string]int64{
	"unix": 0, "1970": 0,
	"1601": -11644473600, "windows": -11644473600, "webkit": -11644473600, "chromium": -11644473600,
	"2001": 978307200, "apple": 978307200, "cocoa": 978307200,
}

// timeReader reads the time values of one kind of item.
type timeReader struct {
	layout string // "": autoLayouts
	// numeric: the layout writes only digits ("20060102"), so a number
	// is read with it rather than as a count
	numeric bool
	exp     int   // unit exponent
	guess   bool  // choose the unit by magnitude
	epoch   int64 // Unix seconds of the epoch
	loc     *time.Location
}

// newTimeReader builds the reader of valid settings (see Validate).
func newTimeReader(ts timeSettings) *timeReader {
	r, _ := compileTime(ts)
	return r
}

// compileTime checks settings and builds their reader; its errors name
// the setting (time_format, time_unit, time_epoch, time_zone).
func compileTime(ts timeSettings) (*timeReader, error) {
	r := &timeReader{guess: ts.Unit == "", loc: time.UTC}
	if ts.Unit != "" {
		exp, ok := timeUnits[strings.ToLower(ts.Unit)]
		if !ok {
			return r, fmt.Errorf("time_unit = %q: use s, ms, us, 100ns or ns", ts.Unit)
		}
		r.exp = exp
	}
	if ts.Epoch != "" {
		e, ok := timeEpochs[strings.ToLower(ts.Epoch)]
		if !ok {
			return r, fmt.Errorf("time_epoch = %q: use unix (1970), 1601 (Windows, Chromium) or 2001 (Apple)", ts.Epoch)
		}
		r.epoch = e
	}
	if ts.Zone != "" {
		loc, err := loadZone(ts.Zone)
		if err != nil {
			return r, fmt.Errorf("time_zone = %q: %v (use an IANA name such as \"Europe/Berlin\", \"UTC\" or an offset such as \"+02:00\")", ts.Zone, err)
		}
		r.loc = loc
	}
	if ts.Format != "" {
		l, err := layoutOf(ts.Format)
		if err != nil {
			return r, fmt.Errorf("time_format = %q: %v", ts.Format, err)
		}
		r.layout = l
		r.numeric = isNumeric(time.Date(2023, 11, 25, 21, 7, 9, 0, time.UTC).Format(l))
	}
	return r, nil
}

// loadZone reads a zone name or a fixed offset (+02:00, -0530, +02).
func loadZone(z string) (*time.Location, error) {
	if z != "" && (z[0] == '+' || z[0] == '-') {
		for _, l := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(l, z); err == nil {
				_, off := t.Zone()
				return time.FixedZone(z, off), nil
			}
		}
		return nil, errors.New("not an offset")
	}
	if strings.EqualFold(z, "local") {
		return nil, errors.New("the machine's zone would make the same files read differently elsewhere; name the zone")
	}
	return time.LoadLocation(z)
}

// layoutOf turns a format setting into a Go layout, checking that it can
// read what it writes.
func layoutOf(f string) (string, error) {
	l := f
	if named, ok := timeFormats[strings.ToLower(f)]; ok {
		l = named
	} else if strings.Contains(f, "%") {
		var err error
		if l, err = strftimeLayout(f); err != nil {
			return "", err
		}
	}
	ref := time.Date(2023, 11, 25, 21, 7, 9, 123456789, time.UTC)
	t, err := time.Parse(l, ref.Format(l))
	if err != nil {
		return "", fmt.Errorf("cannot read back what the layout writes (%v)", err)
	}
	if l == ref.Format(l) {
		return "", errors.New("not a layout (write Go's reference time Mon Jan 2 15:04:05 MST 2006 in your format, e.g. \"02/01/2006 15:04\", or strftime, e.g. \"%d/%m/%Y %H:%M\")")
	}
	if t.Year() != 2023 {
		return "", errors.New("the layout has no year (write Go's reference time Mon Jan 2 15:04:05 MST 2006, or strftime %Y)")
	}
	return l, nil
}

// strftime directives and the Go layout elements they become.
var strftime = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'e': "_2", 'H': "15", 'I': "03", 'M': "04", 'S': "05",
	'p': "PM", 'b': "Jan", 'h': "Jan", 'B': "January", 'a': "Mon", 'A': "Monday", 'z': "-0700", 'Z': "MST",
	'f': "999999999", 'j': "002", 'F': "2006-01-02", 'T': "15:04:05", 'R': "15:04", 'D': "01/02/06", '%': "%",
}

func strftimeLayout(f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if i+1 == len(f) {
			return "", errors.New("ends in a lone %")
		}
		i++
		g, ok := strftime[f[i]]
		if !ok {
			return "", fmt.Errorf("unknown strftime directive %%%c", f[i])
		}
		if f[i] == 'f' && b.Len() > 0 && (strings.HasSuffix(b.String(), ".") || strings.HasSuffix(b.String(), ",")) {
			g = "000000" // Python's %f: exactly six digits after the point
		}
		b.WriteString(g)
	}
	return b.String(), nil
}

// errTimeFormat is wrapped by every "cannot read this time" error.
var errTimeFormat = errors.New("not a time")

// read reads a time value: text in the format (or a known layout), or a
// number. It returns ok=false for a missing value, null or "", and an
// error for a value it cannot read.
func (r *timeReader) read(v []byte) (time.Time, bool, error) {
	t, ok, err := r.readAny(v)
	if ok && (t.Year() < 1678 || t.Year() > 2261) {
		return time.Time{}, false, fmt.Errorf("%w: out of range (years 1678 to 2261)", errTimeFormat)
	}
	return t, ok, err
}

func (r *timeReader) readAny(v []byte) (time.Time, bool, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return time.Time{}, false, nil
	}
	if v[0] != '"' {
		if v[0] == '-' || v[0] >= '0' && v[0] <= '9' {
			if r.numeric {
				return r.text(string(v))
			}
			return r.number(string(v))
		}
		return time.Time{}, false, fmt.Errorf("%w: neither text nor a number", errTimeFormat)
	}
	s := strings.TrimSpace(unquote(v[1 : len(v)-1]))
	if s == "" {
		return time.Time{}, false, nil
	}
	if !r.numeric && isNumeric(s) {
		return r.number(s)
	}
	return r.text(s)
}

// isNumeric reports whether s looks like a number: digits with an
// optional sign, point and exponent.
func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'e' || c == 'E':
		case c == '-' || c == '+':
			if i > 0 && s[i-1] != 'e' && s[i-1] != 'E' {
				return false
			}
		default:
			return false
		}
	}
	return digits
}

func (r *timeReader) text(s string) (time.Time, bool, error) {
	if r.layout != "" {
		t, err := time.ParseInLocation(r.layout, s, r.loc)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%w in the format %q", errTimeFormat, r.layout)
		}
		return t.UTC(), true, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true, nil
	}
	if t, ok := r.auto(s); ok {
		return t, true, nil
	}
	if m := mailZone(s); m != s {
		if t, ok := r.auto(m); ok {
			return t, true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%w in any known format (set time_format)", errTimeFormat)
}

func (r *timeReader) auto(s string) (time.Time, bool) {
	for _, l := range autoLayouts {
		if t, err := time.ParseInLocation(l, s, r.loc); err == nil {
			if name, off := t.Zone(); off == 0 && t.Location() != r.loc && name != "UTC" && name != "GMT" && name != "" {
				// Go gives an abbreviation it does not know (EST, CEST
				// outside its zone) a zero offset: never guess that.
				continue
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// mailZone replaces a trailing RFC 2822 zone name by its offset.
func mailZone(s string) string {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s
	}
	if off, ok := mailZones[s[i+1:]]; ok {
		return s[:i+1] + off
	}
	// RubyDate and UnixDate put the zone before the year.
	f := strings.Fields(s)
	if len(f) == 6 {
		if off, ok := mailZones[f[4]]; ok {
			f[4] = off
			return strings.Join(f, " ")
		}
	}
	return s
}

// number reads a numeric time exactly: decimal digits are shifted, never
// scaled through floating point, so that microsecond browser times and
// nanosecond times keep every digit.
func (r *timeReader) number(s string) (time.Time, bool, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return time.Time{}, false, fmt.Errorf("%w: not a number", errTimeFormat)
	}
	exp := r.exp
	if r.guess {
		exp = guessUnit(d)
	}
	sec, nsec, ok := d.seconds(exp)
	if !ok || sec > maxSeconds || sec < -maxSeconds {
		return time.Time{}, false, fmt.Errorf("%w: out of range (years 1678 to 2261)", errTimeFormat)
	}
	return time.Unix(sec+r.epoch, nsec).UTC(), true, nil
}

// maxSeconds bounds the seconds a number may hold before the epoch is
// added (far past the years a time may have).
const maxSeconds = 1 << 40

// decimal is a number's digits with the position of its decimal point:
// value = 0.digits * 10^point, negative when neg. Leading zeros are
// dropped.
type decimal struct {
	neg    bool
	digits []byte
	point  int
}

// parseDecimal reads [+-]digits[.digits][e[+-]digits].
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		d.neg = s[i] == '-'
		i++
	}
	seen, dot := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seen = true
			if c == '0' && len(d.digits) == 0 {
				if dot {
					d.point--
				}
				continue
			}
			d.digits = append(d.digits, c)
			if !dot {
				d.point++
			}
		case c == '.' && !dot:
			dot = true
		case c == 'e' || c == 'E':
			if !seen {
				return d, false
			}
			e, ok := parseExp(s[i+1:])
			if !ok {
				return d, false
			}
			d.point += e
			i = len(s)
		default:
			return d, false
		}
	}
	if !seen {
		return d, false
	}
	if len(d.digits) == 0 {
		d.point = 0
	}
	return d, true
}

func parseExp(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || len(s) > 4 {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		e = e*10 + int(s[i]-'0')
	}
	if neg {
		e = -e
	}
	return e, true
}

// intDigits is the number of digits of the value's integer part.
func (d decimal) intDigits() int { return max(0, d.point) }

// guessUnit chooses the unit of a Unix time by magnitude: seconds below
// 1e11 (year 5138), then milliseconds below 1e14, microseconds below
// 1e17, else nanoseconds.
func guessUnit(d decimal) int {
	switch n := d.intDigits(); {
	case n <= 11:
		return 0
	case n <= 14:
		return -3
	case n <= 17:
		return -6
	}
	return -9
}

// seconds returns the value times 10^exp as whole seconds and
// nanoseconds (0 <= nsec < 1e9), rounded toward negative infinity at the
// nanosecond; ok is false when it does not fit.
func (d decimal) seconds(exp int) (sec, nsec int64, ok bool) {
	point := d.point + exp // digits before the decimal point, in seconds
	if point > 18 {
		return 0, 0, false
	}
	rest := false // nonzero digits below the nanosecond
	for i, c := range d.digits {
		pos := i - point // 0: first digit after the point
		switch {
		case pos < 0:
			sec = sec*10 + int64(c-'0')
		case pos < 9:
			nsec += int64(c-'0') * pow10[8-pos]
		default:
			rest = rest || c != '0'
		}
	}
	if point > len(d.digits) {
		for range point - len(d.digits) {
			sec *= 10
		}
	}
	if !d.neg {
		return sec, nsec, true // digits below the nanosecond are truncated: floor
	}
	if rest {
		nsec++ // floor of a negative value
	}
	if nsec == 1e9 {
		sec, nsec = sec+1, 0
	}
	if nsec == 0 {
		return -sec, 0, true
	}
	return -sec - 1, 1e9 - nsec, true
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}
