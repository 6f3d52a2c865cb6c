package dal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Member names tried, in order, for an envelope field the spec leaves
// empty.
var (
	defaultTitle = []string{"title", "name", "subject"}
	defaultURL   = []string{"url", "link", "href", "permalink"}
	defaultText  = []string{"text", "body", "content", "selftext", "description", "command"}
)

// enveloper fills an item's envelope from its raw JSON.
type enveloper struct {
	time  Path
	paths []Path // title candidates, then url, then text
	nT    int    // number of title candidates
	nU    int    // number of url candidates
}

// envelopers holds the enveloper of every kind of a spec.
type envelopers struct{ perKind[*enveloper] }

func newEnvelopers(spec *Spec) *envelopers {
	return &envelopers{newPerKind(spec, newEnveloper)}
}

// fill fills it (whose Kind is set) from raw; see enveloper.fill.
func (es *envelopers) fill(it *Item, raw []byte, lazy bool) error {
	return es.of(it.Kind).fill(it, raw, lazy)
}

// text sets Title, URL and Text from it.Raw.
func (es *envelopers) text(it *Item) { es.of(it.Kind).text(it) }

func newEnveloper(spec KindSpec) *enveloper {
	e := &enveloper{time: parsePath(spec.Time)}
	add := func(p string, defaults []string) int {
		if p != "" {
			e.paths = append(e.paths, parsePath(p))
			return 1
		}
		for _, d := range defaults {
			e.paths = append(e.paths, Path{d})
		}
		return len(defaults)
	}
	e.nT = add(spec.Title, defaultTitle)
	e.nU = add(spec.URL, defaultURL)
	add(spec.Text, defaultText)
	return e
}

// fill validates raw and sets it.Raw, Time, and unless lazy, Title, URL
// and Text. An item whose JSON is invalid is left with a nil Raw; a time
// that cannot be parsed leaves Time zero. Both return an error.
func (e *enveloper) fill(it *Item, raw []byte, lazy bool) error {
	if !validJSON(raw) {
		return fmt.Errorf("invalid JSON: %w", jsonError(raw))
	}
	it.Raw = raw
	if !lazy {
		e.text(it)
	}
	if len(e.time) == 0 {
		return nil
	}
	v := lookup(raw, e.time)
	t, ok, err := parseTime(v)
	if err != nil {
		return fmt.Errorf("time member %q: %w", e.time.String(), err)
	}
	if ok {
		it.Time = t
	}
	return nil
}

// text sets Title, URL and Text from it.Raw.
func (e *enveloper) text(it *Item) {
	var buf [16][]byte
	vals := e.values(buf[:0])
	lookupAll(it.Raw, e.paths, vals)
	it.Title = firstString(vals[:e.nT])
	it.URL = firstString(vals[e.nT : e.nT+e.nU])
	it.Text = firstString(vals[e.nT+e.nU:])
}

// values is room for the values of e.paths: buf when it is large enough
// (on the caller's stack: one allocation less per item).
func (e *enveloper) values(buf [][]byte) [][]byte {
	if len(e.paths) <= cap(buf) {
		return buf[:len(e.paths)]
	}
	return make([][]byte, len(e.paths))
}

// Span is where an envelope field's text is in an item's raw JSON: the
// contents of a JSON string (between its quotes) at Off, Len bytes long.
// The zero Span is an empty field.
type Span struct{ Off, Len int }

// spans returns where text finds Title, URL and Text in raw.
func (e *enveloper) spans(raw []byte) [3]Span {
	var buf [16][]byte
	vals := e.values(buf[:0])
	lookupAll(raw, e.paths, vals)
	span := func(vals [][]byte) Span {
		for _, v := range vals {
			if len(v) > 2 && v[0] == '"' { // as firstString
				// v is within raw: its offset is the difference of their capacities.
				return Span{Off: cap(raw) - cap(v) + 1, Len: len(v) - 2}
			}
		}
		return Span{}
	}
	return [3]Span{span(vals[:e.nT]), span(vals[e.nT : e.nT+e.nU]), span(vals[e.nT+e.nU:])}
}

// jsonError returns encoding/json's description of what is wrong.
func jsonError(raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	return errors.New("not a single JSON value")
}

// firstString returns the first value that is a non-empty string.
func firstString(vals [][]byte) string {
	for _, v := range vals {
		if len(v) >= 2 && v[0] == '"' && len(v) > 2 {
			return unquote(v[1 : len(v)-1])
		}
	}
	return ""
}

// Layouts accepted for time strings, after RFC 3339.
var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

// parseTime reads a time value: RFC 3339 or a date (text without a zone is
// UTC), or a Unix time as a number or numeric string. It returns ok=false
// for a missing value or null, and an error for a value it cannot read.
func parseTime(v []byte) (time.Time, bool, error) {
	t, ok, err := parseTimeAny(v)
	if ok && (t.Year() < 1678 || t.Year() > 2261) {
		return time.Time{}, false, fmt.Errorf("time %s is out of range (years 1678 to 2261)", v)
	}
	return t, ok, err
}

func parseTimeAny(v []byte) (time.Time, bool, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return time.Time{}, false, nil
	}
	if v[0] != '"' {
		return parseUnix(string(v))
	}
	s := strings.TrimSpace(unquote(v[1 : len(v)-1]))
	if s == "" {
		return time.Time{}, false, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true, nil
	}
	if s[0] >= '0' && s[0] <= '9' && strings.IndexByte(s, '-') < 0 {
		return parseUnix(s)
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("cannot read %q as a time (use RFC 3339, a date, or Unix seconds)", s)
}

// parseUnix reads a Unix time, choosing the unit by magnitude: seconds up
// to 1e11 (year 5138), then milliseconds, microseconds, nanoseconds.
func parseUnix(s string) (time.Time, bool, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false, fmt.Errorf("cannot read %s as a time (use RFC 3339, a date, or Unix seconds)", s)
	}
	a := math.Abs(f)
	switch {
	case a < 1e11:
		f *= 1e9
	case a < 1e14:
		f *= 1e6
	case a < 1e17:
		f *= 1e3
	}
	if math.Abs(f) > math.MaxInt64 {
		return time.Time{}, false, fmt.Errorf("time %s is out of range", s)
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil && a < 1e11 {
		return time.Unix(i, 0).UTC(), true, nil
	}
	return time.Unix(0, int64(f)).UTC(), true, nil
}
