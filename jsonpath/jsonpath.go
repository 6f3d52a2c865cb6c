// Package jsonpath is the one path language of hoard.toml and of the Go
// API: where an item's key, time or title is inside an item, where the
// items are inside a document, where a REST response keeps its next-page
// cursor.
//
// A path is member names separated by dots, "data.children". A segment
// that is a whole number selects an array element when the value there is
// an array ("links.0.href"); on an object it is a member name as any other.
// A segment ending in "[]" steps into every element of an array
// ("chats.list[].messages" names the messages of every chat): it is
// meaningful only where a path names collections of items. The empty path,
// or "$", is the value itself. Member names that contain a dot or end in
// "[]" cannot be addressed.
//
// When an object repeats a member name, the last one counts, as in
// encoding/json and most JSON parsers.
package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed path: one element per segment, Each ("[]") standing
// for "every element of this array". The zero value is the empty path.
type Path []string

// Each is the segment that steps into every element of an array.
const Each = "[]"

// Parse reads a path. It rejects empty segments ("a..b", ".a", "a."),
// brackets other than a trailing "[]", and the wildcard characters "*"
// and "?", which are reserved.
func Parse(s string) (Path, error) {
	t := s
	if rest, ok := strings.CutPrefix(s, "$"); ok {
		t = strings.TrimPrefix(rest, ".")
	}
	if t == "" {
		if s != "" && s != "$" {
			return nil, syntax(s, "empty segment")
		}
		return nil, nil
	}
	var p Path
	for _, seg := range strings.Split(t, ".") {
		name, each := seg, 0
		for strings.HasSuffix(name, Each) {
			name, each = strings.TrimSuffix(name, Each), each+1
		}
		switch {
		case name == "":
			return nil, syntax(s, "empty segment")
		case strings.ContainsAny(name, "[]*?"):
			return nil, syntax(s, fmt.Sprintf("segment %q", seg))
		}
		p = append(p, name)
		for range each {
			p = append(p, Each)
		}
	}
	return p, nil
}

func syntax(s, what string) error {
	return fmt.Errorf("invalid path %q: %s (write member names separated by dots, e.g. \"id\", \"data.children\", \"links.0.href\" or \"chats.list[].messages\")", s, what)
}

// MustParse is Parse for paths known to be valid; it panics otherwise.
func MustParse(s string) Path {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String writes the path as Parse reads it.
func (p Path) String() string {
	var b strings.Builder
	for i, seg := range p {
		if seg != Each && i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// HasEach reports whether the path steps into every element of an array
// somewhere; such a path names many values, not one.
func (p Path) HasEach() bool {
	for _, seg := range p {
		if seg == Each {
			return true
		}
	}
	return false
}

// Lookup returns the value at p in doc, and false when a member is
// missing, an index is out of range, or a value on the way is neither an
// object nor an array. A path with Each names many values: use Items.
func (p Path) Lookup(doc []byte) ([]byte, bool) {
	cur := bytes.TrimSpace(doc)
	for _, seg := range p {
		var ok bool
		if cur, ok = step(cur, seg); !ok {
			return nil, false
		}
	}
	return cur, true
}

func step(cur []byte, seg string) ([]byte, bool) {
	switch first(cur) {
	case '{':
		var obj map[string]json.RawMessage // the last of repeated names wins
		if json.Unmarshal(cur, &obj) != nil {
			return nil, false
		}
		v, ok := obj[seg]
		return bytes.TrimSpace(v), ok
	case '[':
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 {
			return nil, false
		}
		var arr []json.RawMessage
		if json.Unmarshal(cur, &arr) != nil || i >= len(arr) {
			return nil, false
		}
		return bytes.TrimSpace(arr[i]), true
	}
	return nil, false
}

func first(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// IsNull reports a missing or JSON null value.
func IsNull(v []byte) bool {
	v = bytes.TrimSpace(v)
	return len(v) == 0 || string(v) == "null"
}

// Scalar renders a JSON string, number or boolean as text: strings
// unquoted, numbers as written. Other values (objects, arrays, null) give
// false.
func Scalar(v []byte) (string, bool) {
	switch c := first(v); {
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

// Values returns the Scalar(s) at p in item: each element when it is an
// array of scalars (Hacker News "submitted"), else the one scalar.
func (p Path) Values(item []byte) []string {
	v, ok := p.Lookup(item)
	if !ok {
		return nil
	}
	if first(v) == '[' {
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

// Check checks a path setting of hoard.toml: one that names a value (an
// item's key or time) when many is false, else one that names collections
// of items, which may step into arrays with "[]". The error quotes s.
func Check(s string, many bool) error {
	p, err := Parse(s)
	switch {
	case err != nil:
		return err
	case len(p) == 0:
		return fmt.Errorf("empty path %q: give a member name, e.g. \"id\" or \"data.id\"", s)
	case p.HasEach() && !many:
		return fmt.Errorf("path %q: \"[]\" (every element of an array) names many values, and this setting names one", s)
	}
	return nil
}
