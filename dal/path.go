package dal

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Path is a dotted path of object member names inside a JSON value, e.g.
// "data.id" for {"data": {"id": 1}}. The empty path is the value itself.
type Path []string

// ParsePath splits a dotted path. "" is the empty path.
func ParsePath(s string) Path {
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

// String joins the path with dots.
func (p Path) String() string { return strings.Join(p, ".") }

// members calls fn for each member of the object starting at b[i] (after
// white space), with the raw name (without quotes) and the raw value, until
// fn returns false. It returns a syntax error or errIncomplete.
func members(b []byte, i int, fn func(name, value []byte) bool) error {
	i = skipSpace(b, i)
	if i >= len(b) {
		return errIncomplete
	}
	if b[i] != '{' {
		return synErr(i, "expected an object, found %s", describe(b[i]))
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) {
			return errIncomplete
		}
		if b[i] != '"' {
			return synErr(i, "expected a member name, found %s", describe(b[i]))
		}
		end, err := skipString(b, i+1)
		if err != nil {
			return err
		}
		name := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) {
			return errIncomplete
		}
		if b[i] != ':' {
			return synErr(i, "expected ':' after member name, found %s", describe(b[i]))
		}
		vstart := skipSpace(b, i+1)
		vend, err := skipValue(b, vstart)
		if err != nil {
			return err
		}
		if !fn(name, b[vstart:vend]) {
			return nil
		}
		i = skipSpace(b, vend)
		if i >= len(b) {
			return errIncomplete
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return nil
		default:
			return synErr(i, "expected ',' or '}' after a member, found %s", describe(b[i]))
		}
	}
}

// describe names a byte for an error message.
func describe(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	}
	return "'" + string(rune(c)) + "'"
}

// nameIs reports whether a raw member name equals s, unescaping if needed.
func nameIs(raw []byte, s string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw) == s
	}
	return unquote(raw) == s
}

// unquote decodes the content of a JSON string (without its quotes).
func unquote(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	var s string
	if json.Unmarshal(q, &s) != nil {
		return string(raw)
	}
	return s
}

// lookup returns the raw value at path p inside the value b, or nil when a
// member on the way is missing or is not an object.
func lookup(b []byte, p Path) []byte {
	if len(p) == 0 {
		return bytes.TrimSpace(b)
	}
	var found []byte
	err := members(b, 0, func(name, value []byte) bool {
		if nameIs(name, p[0]) {
			found = value
			return false
		}
		return true
	})
	if err != nil || found == nil || len(p) == 1 {
		return found
	}
	return lookup(found, p[1:])
}

// lookupAll fills out[j] with the raw value at paths[j] in one pass over
// the top level of the object b; deeper segments are looked up per path.
// Entries not found stay nil.
func lookupAll(b []byte, paths []Path, out [][]byte) {
	for j := range out {
		out[j] = nil
	}
	left := len(paths)
	_ = members(b, 0, func(name, value []byte) bool {
		for j, p := range paths {
			if out[j] != nil || len(p) == 0 || !nameIs(name, p[0]) {
				continue
			}
			if len(p) == 1 {
				out[j] = value
			} else {
				out[j] = lookup(value, p[1:])
			}
			if out[j] != nil {
				left--
			}
		}
		return left > 0
	})
}
