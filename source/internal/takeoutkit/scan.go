package takeoutkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
)

// Member is one member of a JSON object: its name and its value's bytes.
type Member struct {
	Name  string
	Value []byte
}

// errTruncated ends a scan that ran out of bytes.
var errTruncated = errors.New("unexpected end of the value")

// Members yields the members of the JSON object raw, names unescaped and
// values as their bytes in raw. An error (raw is not an object, or is
// invalid where the scan went) ends the sequence. Values are not
// validated beyond finding where they end.
func Members(raw []byte) iter.Seq2[Member, error] {
	i := skipSpace(raw, 0)
	return members(raw, i, false)
}

// Get returns the value of the member name of the object raw (the last,
// if repeated), and whether there is one.
func Get(raw []byte, name string) ([]byte, bool) {
	var v []byte
	found := false
	for m, err := range Members(raw) {
		if err != nil {
			break
		}
		if m.Name == name {
			v, found = m.Value, true
		}
	}
	return v, found
}

// Unwrap returns the value of raw's one member when raw is an object with
// exactly one member, named name (Twitter's {"tweet": {...}}); else raw.
func Unwrap(raw []byte, name string) []byte {
	var v []byte
	n := 0
	for m, err := range Members(raw) {
		if err != nil || m.Name != name {
			return raw
		}
		if n++; n > 1 {
			return raw
		}
		v = m.Value
	}
	if n != 1 {
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
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v[i:], &s); err != nil {
		return "", false
	}
	return s, true
}

// Scalar returns a string value as it is, or a number's digits: what a
// key or time member holds in either form ("1546423200" or 1546423200).
func Scalar(v []byte) (string, bool) {
	if s, ok := String(v); ok {
		return s, true
	}
	i := skipSpace(v, 0)
	j := i
	for j < len(v) && (v[j] == '-' || v[j] == '+' || v[j] == '.' || v[j] == 'e' || v[j] == 'E' || (v[j] >= '0' && v[j] <= '9')) {
		j++
	}
	if j == i || skipSpace(v, j) != len(v) {
		return "", false
	}
	return string(v[i:j]), true
}

// members scans the object starting at b[i]. With partial, running out of
// bytes ends the sequence quietly (a document's head).
func members(b []byte, i int, partial bool) iter.Seq2[Member, error] {
	return func(yield func(Member, error) bool) {
		fail := func(err error) {
			if partial && errors.Is(err, errTruncated) {
				return
			}
			yield(Member{}, err)
		}
		if i >= len(b) || b[i] != '{' {
			fail(fmt.Errorf("expected an object at byte %d", i))
			return
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			return
		}
		for {
			if i >= len(b) {
				fail(errTruncated)
				return
			}
			if b[i] != '"' {
				fail(fmt.Errorf("expected a member name at byte %d", i))
				return
			}
			end, err := skipString(b, i)
			if err != nil {
				fail(err)
				return
			}
			name, err := unquote(b[i:end])
			if err != nil {
				fail(fmt.Errorf("member name at byte %d: %w", i, err))
				return
			}
			i = skipSpace(b, end)
			if i >= len(b) {
				fail(errTruncated)
				return
			}
			if b[i] != ':' {
				fail(fmt.Errorf("expected ':' at byte %d", i))
				return
			}
			i = skipSpace(b, i+1)
			vend, err := skipValue(b, i)
			if err != nil {
				if partial && errors.Is(err, errTruncated) {
					// the head ends inside this value: its name is known
					yield(Member{Name: name}, nil)
					return
				}
				fail(err)
				return
			}
			if !yield(Member{Name: name, Value: b[i:vend]}, nil) {
				return
			}
			i = skipSpace(b, vend)
			if i >= len(b) {
				fail(errTruncated)
				return
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case '}':
				return
			default:
				fail(fmt.Errorf("expected ',' or '}' at byte %d", i))
				return
			}
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

func unquote(s []byte) (string, error) {
	for _, c := range s[1 : len(s)-1] {
		if c == '\\' || c < 0x20 {
			var out string
			err := json.Unmarshal(s, &out)
			return out, err
		}
	}
	return string(s[1 : len(s)-1]), nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i].
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errTruncated
}

// skipValue returns the index after the value starting at b[i]. Nesting
// is tracked with a counter per bracket kind and checked to close in
// order; depth is bounded.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errTruncated
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		var stack []byte
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				if len(stack) >= 10000 {
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
		switch v := string(b[i:j]); v {
		case "true", "false", "null":
		default:
			if _, err := strconv.ParseFloat(v, 64); err != nil && !errors.Is(err, strconv.ErrRange) {
				return 0, fmt.Errorf("invalid value %q at byte %d", clipString(v, 20), i)
			}
		}
		return j, nil
	}
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
