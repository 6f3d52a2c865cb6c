package takeoutkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"unicode/utf8"
)

// The scanners below find where values begin and end in raw JSON without
// decoding them, in one pass and without allocating, so that adding a
// member to each of millions of records costs little more than reading
// them. They do not validate what they skip beyond its brackets and
// strings: the merge validates every item it keeps.

// Member is one member of a JSON object: its name and its value's bytes.
type Member struct {
	Name  string
	Value []byte
}

// errTruncated ends a scan that ran out of bytes.
var errTruncated = errors.New("unexpected end of the value")

// Members yields the members of the JSON object raw, names unescaped and
// values as their bytes in raw. An error (raw is not an object, or is
// invalid where the scan went) ends the sequence.
func Members(raw []byte) iter.Seq2[Member, error] {
	return members(raw, skipSpace(raw, 0), false)
}

// Pick finds the values of the top-level members names of the object
// raw in one pass: vals[i] is names[i]'s value (the last, if the name is
// repeated), nil when absent. Names are matched byte for byte: one
// written with escapes or in invalid UTF-8 is not matched.
func Pick(raw []byte, names []string, vals [][]byte) error {
	for i := range vals {
		vals[i] = nil
	}
	return eachMember(raw, skipSpace(raw, 0), false, func(name []byte, esc bool, value []byte) bool {
		if esc {
			return true
		}
		n := name[1 : len(name)-1]
		for i, want := range names {
			if len(want) == len(n) && string(n) == want {
				vals[i] = value
			}
		}
		return true
	})
}

// Get returns the value of the member name of the object raw (the last,
// if repeated), and whether there is one.
func Get(raw []byte, name string) ([]byte, bool) {
	var v [1][]byte
	Pick(raw, []string{name}, v[:])
	return v[0], v[0] != nil
}

// Unwrap returns the value of raw's one member when raw is an object with
// exactly one member, named name (Twitter's {"tweet": {...}}); else raw.
func Unwrap(raw []byte, name string) []byte {
	var v []byte
	n := 0
	err := eachMember(raw, skipSpace(raw, 0), false, func(k []byte, esc bool, value []byte) bool {
		n++
		if esc || string(k[1:len(k)-1]) != name || n > 1 {
			n = 2
			return false
		}
		v = value
		return true
	})
	if err != nil || n != 1 {
		return raw
	}
	return v
}

// IsObject reports whether raw is (as far as its first byte says) a JSON
// object: what every record must be.
func IsObject(raw []byte) bool {
	i := skipSpace(raw, 0)
	return i < len(raw) && raw[i] == '{'
}

// ErrNotObject is the error of an item that is not a JSON object.
var ErrNotObject = errors.New("not a JSON object: skipped")

// String returns the string a JSON value holds, and whether it is one.
func String(v []byte) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	s, err := unquote(v)
	return s, err == nil
}

// Scalar returns a string value as it is, or a number's digits: what a
// key or time member holds in either form ("1546423200" or 1546423200).
func Scalar(v []byte) (string, bool) {
	if s, ok := String(v); ok {
		return s, true
	}
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", false
	}
	for _, c := range v {
		if c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' && (c < '0' || c > '9') {
			return "", false
		}
	}
	return string(v), true
}

// eachMember calls fn with each member of the object starting at b[i]:
// its name as written (quotes included; esc when it has escapes) and its
// value's bytes, until fn returns false. With partial, running out of
// bytes ends the scan quietly (a document's head), after giving the name
// of the member whose value the bytes end in, with a nil value.
func eachMember(b []byte, i int, partial bool, fn func(name []byte, esc bool, value []byte) bool) error {
	fail := func(err error) error {
		if partial && errors.Is(err, errTruncated) {
			return nil
		}
		return err
	}
	if i >= len(b) || b[i] != '{' {
		return fmt.Errorf("expected an object at byte %d", i)
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) {
			return fail(errTruncated)
		}
		if b[i] != '"' {
			return fmt.Errorf("expected a member name at byte %d", i)
		}
		end, esc, err := skipString(b, i)
		if err != nil {
			return fail(err)
		}
		name := b[i:end]
		i = skipSpace(b, end)
		if i >= len(b) {
			return fail(errTruncated)
		}
		if b[i] != ':' {
			return fmt.Errorf("expected ':' at byte %d", i)
		}
		i = skipSpace(b, i+1)
		vend, err := skipValue(b, i)
		if err != nil {
			if partial && errors.Is(err, errTruncated) {
				fn(name, esc, nil)
				return nil
			}
			return err
		}
		if !fn(name, esc, b[i:vend]) {
			return nil
		}
		i = skipSpace(b, vend)
		if i >= len(b) {
			return fail(errTruncated)
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return nil
		default:
			return fmt.Errorf("expected ',' or '}' at byte %d", i)
		}
	}
}

// members is eachMember as a sequence of members with their names read
// as encoding/json reads them.
func members(b []byte, i int, partial bool) iter.Seq2[Member, error] {
	return func(yield func(Member, error) bool) {
		err := eachMember(b, i, partial, func(name []byte, esc bool, value []byte) bool {
			n, err := unquote(name)
			if err != nil {
				return yield(Member{}, err)
			}
			return yield(Member{Name: n, Value: value}, nil)
		})
		if err != nil {
			yield(Member{}, err)
		}
	}
}

// Elements yields the elements of the JSON array raw, as their bytes.
func Elements(raw []byte) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		b := raw
		i := skipSpace(b, 0)
		if i >= len(b) || b[i] != '[' {
			yield(nil, fmt.Errorf("expected an array at byte %d", i))
			return
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return
		}
		for {
			end, err := skipValue(b, i)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(b[i:end], nil) {
				return
			}
			i = skipSpace(b, end)
			if i >= len(b) {
				yield(nil, errTruncated)
				return
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case ']':
				return
			default:
				yield(nil, fmt.Errorf("expected ',' or ']' at byte %d", i))
				return
			}
		}
	}
}

// unquote returns the string a quoted JSON string s holds, as
// encoding/json reads it: a string of valid UTF-8 without escapes, quotes
// or control characters is taken as it is, and any other is left to
// encoding/json (escapes, invalid UTF-8 as U+FFFD, errors).
func unquote(s []byte) (string, error) {
	if len(s) < 2 {
		return "", errTruncated
	}
	inner := s[1 : len(s)-1]
	plain, ascii := true, true
	for _, c := range inner {
		if c == '\\' || c == '"' || c < 0x20 {
			plain = false
			break
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if plain && (ascii || utf8.Valid(inner)) {
		return string(inner), nil
	}
	var out string
	err := json.Unmarshal(s, &out)
	return out, err
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i], and
// whether it holds escapes.
func skipString(b []byte, i int) (int, bool, error) {
	esc := false
	j := i + 1
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return 0, false, errTruncated
		}
		p := j + q
		n := 0
		for k := p - 1; k > i && b[k] == '\\'; k-- {
			n++
		}
		if n > 0 {
			esc = true
		}
		if n%2 == 0 {
			if !esc && bytes.IndexByte(b[i+1:p], '\\') >= 0 {
				esc = true
			}
			return p + 1, esc, nil
		}
		j = p + 1
	}
}

// maxDepth bounds nesting.
const maxDepth = 10000

// skipValue returns the index after the value starting at b[i]; brackets
// must close in order.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errTruncated
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := skipString(b, i)
		return end, err
	case c == '{' || c == '[':
		var small [64]byte
		stack := small[:0]
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				if len(stack) >= maxDepth {
					return 0, fmt.Errorf("nested too deeply at byte %d", j)
				}
				stack = append(stack, b[j])
			case '}', ']':
				open := byte('{')
				if b[j] == ']' {
					open = '['
				}
				if len(stack) == 0 || stack[len(stack)-1] != open {
					return 0, fmt.Errorf("unbalanced %q at byte %d", b[j], j)
				}
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errTruncated
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
			j++
		}
		if j == i {
			return 0, fmt.Errorf("expected a value at byte %d", i)
		}
		switch v := b[i:j]; string(v) {
		case "true", "false", "null":
		default:
			if !isNumber(v) {
				return 0, fmt.Errorf("invalid value %q at byte %d", clipString(string(v), 20), i)
			}
		}
		return j, nil
	}
}

// isNumber reports whether v is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isNumber(v []byte) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
