package restfmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Path is a compiled JSON path: dot-separated object keys and array
// indexes, e.g. "data.children", "rows", "links.0.href". The empty path
// (or "$") is the whole document.
type Path []string

// ParsePath compiles a path, rejecting empty segments and bracket syntax.
func ParsePath(s string) (Path, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "$"), ".")
	if s == "" {
		return nil, nil
	}
	segs := strings.Split(s, ".")
	for _, seg := range segs {
		switch {
		case seg == "":
			return nil, fmt.Errorf("invalid JSON path %q: empty segment (write a.b.c)", s)
		case strings.ContainsAny(seg, "[]*? \t"):
			return nil, fmt.Errorf("invalid JSON path %q: segment %q (write keys and array indexes separated by dots, e.g. data.items or links.0.href)", s, seg)
		}
	}
	return segs, nil
}

func (p Path) String() string { return strings.Join(p, ".") }

// Lookup returns the value at p in doc, and false when a key is missing,
// an index is out of range, or a value on the way is of the wrong type.
func (p Path) Lookup(doc json.RawMessage) (json.RawMessage, bool) {
	cur := doc
	for _, seg := range p {
		var ok bool
		if cur, ok = step(cur, seg); !ok {
			return nil, false
		}
	}
	return cur, true
}

func step(cur json.RawMessage, seg string) (json.RawMessage, bool) {
	switch firstByte(cur) {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(cur, &obj) != nil {
			return nil, false
		}
		v, ok := obj[seg]
		return v, ok
	case '[':
		i, err := strconv.Atoi(seg)
		if err != nil {
			return nil, false
		}
		var arr []json.RawMessage
		if json.Unmarshal(cur, &arr) != nil || i < 0 || i >= len(arr) {
			return nil, false
		}
		return arr[i], true
	}
	return nil, false
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// IsNull reports a missing or JSON null value.
func IsNull(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) == 0 || string(v) == "null"
}

// Scalar renders a JSON string, number or boolean as text: strings
// unquoted, numbers as written. Other values (objects, arrays, null) give
// false.
func Scalar(v json.RawMessage) (string, bool) {
	switch c := firstByte(v); {
	case c == '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return "", false
		}
		return s, true
	case c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f':
		return string(bytes.TrimSpace(v)), true
	}
	return "", false
}

// ItemsAt returns the items at p in body: the elements of an array, one
// item for an object, none for null. Anything else is an error.
func ItemsAt(body json.RawMessage, p Path) ([]json.RawMessage, error) {
	v, ok := p.Lookup(body)
	if !ok {
		return nil, fmt.Errorf("items path %q not found in the response", p.String())
	}
	switch firstByte(v) {
	case '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(v, &arr); err != nil {
			return nil, fmt.Errorf("items at %q: %v", p.String(), err)
		}
		return arr, nil
	case '{':
		return []json.RawMessage{v}, nil
	case 'n':
		return nil, nil
	}
	return nil, fmt.Errorf("items path %q holds %.40s, not an array or object", p.String(), v)
}

// Values returns the Scalar(s) at p in item: each element when it is an
// array of scalars (Hacker News "submitted"), else the one scalar.
func Values(item json.RawMessage, p Path) []string {
	v, ok := p.Lookup(item)
	if !ok {
		return nil
	}
	if firstByte(v) == '[' {
		var arr []json.RawMessage
		json.Unmarshal(v, &arr)
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			if s, ok := Scalar(e); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := Scalar(v); ok {
		return []string{s}
	}
	return nil
}
