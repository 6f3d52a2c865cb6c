package dal

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/hoard-dev/hoard/jsonpath"
)

// Path is a path inside a JSON value, e.g. "data.id" for
// {"data": {"id": 1}}; see package jsonpath for the language.
type Path = jsonpath.Path

// parsePath reads a path that Spec.Validate accepted.
func parsePath(s string) Path {
	p, _ := jsonpath.Parse(s)
	return p
}

// member reads `"name": value` at b[i] and returns the index after it.
func member(b []byte, i int) (name, value []byte, next int, err error) {
	if i >= len(b) {
		return nil, nil, i, errIncomplete
	}
	if b[i] != '"' {
		return nil, nil, i, synErr(i, "expected a member name, found %s", describe(b[i]))
	}
	end, err := skipString(b, i+1)
	if err != nil {
		return nil, nil, end, err
	}
	name = b[i+1 : end-1]
	i = skipSpace(b, end)
	if i >= len(b) {
		return nil, nil, i, errIncomplete
	}
	if b[i] != ':' {
		return nil, nil, i, synErr(i, "expected ':' after member name, found %s", describe(b[i]))
	}
	vstart := skipSpace(b, i+1)
	vend, err := skipValue(b, vstart)
	if err != nil {
		return nil, nil, vend, err
	}
	return name, b[vstart:vend], vend, nil
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
// Invalid escapes are kept as they are and invalid UTF-8 becomes U+FFFD.
func unquote(raw []byte) string {
	bs := bytes.IndexByte(raw, '\\')
	if bs < 0 {
		if utf8.Valid(raw) {
			return string(raw)
		}
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	out := unescape(raw, bs)
	if utf8.Valid(out) {
		return unsafe.String(unsafe.SliceData(out), len(out)) // out is never changed again
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// unescape decodes the escapes of raw, the first of which is at bs.
func unescape(raw []byte, bs int) []byte {
	out := make([]byte, 0, len(raw))
	for bs >= 0 {
		out = append(out, raw[:bs]...)
		out, raw = appendEscape(out, raw[bs:])
		bs = bytes.IndexByte(raw, '\\')
	}
	return append(out, raw...)
}

// UnquoteValid is Unquote for contents that are valid UTF-8 (utf8.Valid):
// the same text, without checking it again. Decoding an escape never
// makes valid UTF-8 invalid: the bytes between escapes are kept as they
// are, and an escape becomes a valid rune (U+FFFD for a lone surrogate)
// or stays as it was.
func UnquoteValid(raw []byte) string {
	bs := bytes.IndexByte(raw, '\\')
	if bs < 0 {
		return string(raw)
	}
	out := unescape(raw, bs)
	return unsafe.String(unsafe.SliceData(out), len(out)) // out is never changed again
}

// appendEscape decodes the escape at the start of b (b[0] is a backslash)
// and returns the rest of b.
func appendEscape(out, b []byte) ([]byte, []byte) {
	if len(b) < 2 {
		return append(out, b...), nil
	}
	switch c := b[1]; c {
	case '"', '\\', '/':
		return append(out, c), b[2:]
	case 'b':
		return append(out, '\b'), b[2:]
	case 'f':
		return append(out, '\f'), b[2:]
	case 'n':
		return append(out, '\n'), b[2:]
	case 'r':
		return append(out, '\r'), b[2:]
	case 't':
		return append(out, '\t'), b[2:]
	case 'u':
		if r, n := unicodeEscape(b); n > 0 {
			return utf8.AppendRune(out, r), b[n:]
		}
	}
	return append(out, b[:2]...), b[2:]
}

// unicodeEscape decodes "\uXXXX" (or a surrogate pair of two) at the
// start of b, returning the rune and the bytes used (0 if invalid).
func unicodeEscape(b []byte) (rune, int) {
	r := hex4(b)
	if r < 0 {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2 := hex4(b[6:]); r2 >= 0 {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

// hex4 reads "\uXXXX" at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// lookup returns the raw value at path p inside the value b, or nil when a
// member on the way is missing or is not an object. A name that appears
// more than once in an object means its last value, as for encoding/json
// and most parsers ({"id":1,"id":2} has id 2). b must be the value alone:
// the rest of the object after a match is searched for a repeat.
func lookup(b []byte, p Path) []byte {
	return lookupMode(b, p, true)
}

// lookupFirst is lookup taking the first of repeated names: it stops at
// the first match, so b may run on past the value (the merge's
// known-version check looks up keys in the read buffer; a version held
// whole has the same key whichever way it is read).
func lookupFirst(b []byte, p Path) []byte {
	return lookupMode(b, p, false)
}

func lookupMode(b []byte, p Path, last bool) []byte {
	if len(p) == 0 {
		return bytes.TrimSpace(b)
	}
	if i := skipSpace(b, 0); i < len(b) && b[i] == '[' {
		return lookupIndex(b[i:], p)
	}
	var found []byte
	err := membersFrom(b, 0, func(name, value, rest []byte) bool {
		if !nameIs(name, p[0]) {
			return true
		}
		found = value
		return last && mayRepeat(rest, p[0])
	})
	if err != nil || found == nil || len(p) == 1 {
		return found
	}
	return lookupMode(found, p[1:], last)
}

// mayRepeat reports whether the rest of an object may hold another member
// named name: whether the name, quoted, occurs in it (one fast search; the
// rest is then read member by member). A repeat spelled with \u escapes
// ("i\u0064") is not looked for: no encoder writes plain characters so,
// and looking costs much more than the search.
func mayRepeat(rest []byte, name string) bool {
	if strings.ContainsAny(name, "\"\\/") || !isPlainASCII(name) {
		// written with escapes anyway: search for the bare text
		return bytes.Contains(rest, []byte(name)) || bytes.IndexByte(rest, '\\') >= 0
	}
	var q [64]byte
	return bytes.Contains(rest, append(append(append(q[:0], '"'), name...), '"'))
}

// isPlainASCII reports whether s is printable ASCII, written as is in a
// JSON string.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// membersFrom is members, also passing fn the bytes after each member.
func membersFrom(b []byte, i int, fn func(name, value, rest []byte) bool) error {
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
		name, value, next, err := member(b, i)
		if err != nil {
			return err
		}
		if !fn(name, value, b[next:]) {
			return nil
		}
		i = skipSpace(b, next)
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

// lookupAll fills out[j] with the raw value at paths[j] in one pass over
// the top level of the object b; deeper segments are looked up per path.
// Entries not found stay nil. As for lookup, a repeated name means its
// last value, and b must be the value alone.
func lookupAll(b []byte, paths []Path, out [][]byte) {
	for j := range out {
		out[j] = nil
	}
	toEnd := false // a repeat is possible: read every member
	_ = membersFrom(b, 0, func(name, value, rest []byte) bool {
		// The name is unescaped once, not once per path (nameIs).
		s := unsafe.String(unsafe.SliceData(name), len(name))
		if bytes.IndexByte(name, '\\') >= 0 {
			s = unquote(name)
		}
		for j, p := range paths {
			if len(p) == 0 || s != p[0] {
				continue
			}
			if len(p) == 1 {
				out[j] = value
			} else {
				out[j] = lookup(value, p[1:])
			}
		}
		if toEnd {
			return true
		}
		for j, p := range paths {
			if out[j] == nil && len(p) > 0 {
				return true // not found yet
			}
		}
		for _, p := range paths {
			if len(p) > 0 && mayRepeat(rest, p[0]) {
				toEnd = true
				return true
			}
		}
		return false
	})
}

// lookupIndex looks p up in the array b, whose element p[0] (a whole
// number) the path selects; nil when it is not one or is out of range.
func lookupIndex(b []byte, p Path) []byte {
	n, err := strconv.Atoi(p[0])
	if err != nil || n < 0 {
		return nil
	}
	i := skipSpace(b, 1)
	for k := 0; i < len(b) && b[i] != ']'; k++ {
		end, err := skipValue(b, i)
		if err != nil {
			return nil
		}
		if k == n {
			return lookup(b[i:end], p[1:])
		}
		if i = skipSpace(b, end); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}
