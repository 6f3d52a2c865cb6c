package dal

import (
	"encoding/json"
	"errors"
	"fmt"
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
	tr    *timeReader
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
	e := &enveloper{time: parsePath(spec.Time), tr: newTimeReader(spec.timeSettings())}
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
	t, ok, err := e.tr.read(v)
	if err != nil {
		return &timeError{member: e.time.String(), value: v, err: err}
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

// timeError is an item's time that cannot be read. Its message names the
// member and shows the value, apart from the reason, so that GroupErrors
// can count the items of one file that fail alike.
type timeError struct {
	member string
	value  []byte
	err    error
}

func (e *timeError) Error() string {
	return fmt.Sprintf("time member %q = %s: %v", e.member, shortValue(e.value), e.err)
}

// shortValue renders a JSON value for a message: compact, at most about
// 60 bytes (a cut string stays a valid JSON string).
func shortValue(v []byte) string {
	const n = 60
	if len(v) <= n {
		return string(v)
	}
	if v[0] == '"' {
		s := unquote(v[1 : len(v)-1])
		for i := range s {
			if i >= n-5 {
				s = s[:i] + "…"
				break
			}
		}
		return string(appendJSONString(nil, s))
	}
	return string(v[:n]) + "…"
}
func (e *timeError) Unwrap() error { return e.err }
