package snapshot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// StampLayout is the time format of a snapshot name: UTC, second precision,
// the same as arctee writes (20200102T170015Z).
const StampLayout = "20060102T150405Z"

// FormatStamp returns the stamp for t (converted to UTC).
func FormatStamp(t time.Time) string { return t.UTC().Format(StampLayout) }

// stampPattern is one accepted spelling of a time inside a file name.
type stampPattern struct {
	re     *regexp.Regexp
	layout string
	// norm turns the matched text into text that layout parses.
	norm func(string) string
}

func keep(s string) string { return s }

// The patterns are tried in order; the first that matches and parses wins.
// Each is bounded by non-digits so that "20200102" never matches inside a
// longer run of digits.
var stampPatterns = []stampPattern{
	{regexp.MustCompile(`(?:^|\D)(\d{8}T\d{6}Z)(?:_(\d{3,}))?(?:\D|$)`), "20060102T150405Z", keep},
	{regexp.MustCompile(`(?:^|\D)(\d{4}-\d{2}-\d{2}T\d{2}[:\-]\d{2}[:\-]\d{2}(?:\.\d+)?(?:Z|[+\-]\d{2}:?\d{2}))(?:\D|$)`), time.RFC3339Nano, normISO},
	{regexp.MustCompile(`(?:^|\D)(\d{8}T\d{6})(?:\D|$)`), "20060102T150405", keep},
	{regexp.MustCompile(`(?:^|\D)(\d{14})(?:\D|$)`), "20060102150405", keep},
	{regexp.MustCompile(`(?:^|\D)(\d{4}-\d{2}-\d{2})(?:\D|$)`), "2006-01-02", keep},
	{regexp.MustCompile(`(?:^|\D)(\d{8})(?:\D|$)`), "20060102", keep},
}

// normISO accepts "2020-01-02T17-00-15Z" (colons replaced, as on file systems
// that forbid them) and "+0100" offsets, and returns RFC 3339 text.
func normISO(s string) string {
	date, clock, _ := strings.Cut(s, "T")
	var zone string
	switch {
	case strings.HasSuffix(clock, "Z"):
		clock, zone = strings.TrimSuffix(clock, "Z"), "Z"
	default:
		i := strings.LastIndexAny(clock, "+-")
		clock, zone = clock[:i], clock[i:]
		if len(zone) == 5 {
			zone = zone[:3] + ":" + zone[3:]
		}
	}
	if len(clock) >= 8 {
		clock = clock[:2] + ":" + clock[3:5] + ":" + clock[6:]
	}
	return date + "T" + clock + zone
}

// StampOf returns the time a file name holds, read as ListDir reads it
// ("takeout-20240315T101500Z-001.zip", "2020-01-02.json"); false when it
// holds none.
func StampOf(name string) (time.Time, bool) {
	pn, err := parseName(name)
	return pn.Time, err == nil
}

// parsedName is what a file name tells about a snapshot.
type parsedName struct {
	Time   time.Time
	Seq    int    // collision sequence; 0 for the first snapshot of a second
	Prefix string // text before the stamp, e.g. "browser-"
	Ext    string // extension after the stamp, without codec suffix or dot
	Codec  Codec
}

// parseName extracts the time, collision sequence, extension and codec from
// a snapshot file name. It returns an error when no plausible time is found.
func parseName(name string) (parsedName, error) {
	base, codec := splitCodec(name)
	for _, p := range stampPatterns {
		m := p.re.FindStringSubmatchIndex(base)
		if m == nil {
			continue
		}
		text := base[m[2]:m[3]]
		t, err := time.Parse(p.layout, p.norm(text))
		if err != nil || t.Year() < 1970 || t.Year() > 2200 {
			continue
		}
		pn := parsedName{Time: t.UTC(), Prefix: base[:m[2]], Codec: codec}
		end := m[3]
		if len(m) > 4 && m[4] >= 0 {
			pn.Seq, _ = strconv.Atoi(base[m[4]:m[5]])
			end = m[5]
		}
		pn.Ext = strings.TrimPrefix(base[end:], ".")
		return pn, nil
	}
	return parsedName{}, fmt.Errorf("no date or time found in file name %q", name)
}
