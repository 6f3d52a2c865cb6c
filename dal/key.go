package dal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// keyer computes item keys for one spec, each kind by its own key
// paths. It is not safe for concurrent use: each worker has its own.
type keyer struct {
	kinds perKind[*kindKeyer]
	whole bool // no kind has key paths: every item's content is its key
}

// kindKeyer computes the keys of one kind.
type kindKeyer struct {
	paths []Path
	vals  [][]byte
	whole bool // no key paths: the item's content is its key
}

func newKeyer(spec *Spec) *keyer {
	k := &keyer{whole: true}
	k.kinds = newPerKind(spec, func(ks KindSpec) *kindKeyer {
		kk := &kindKeyer{whole: len(ks.Key) == 0}
		for _, p := range ks.Key {
			kk.paths = append(kk.paths, parsePath(p))
		}
		kk.vals = make([][]byte, len(kk.paths))
		k.whole = k.whole && kk.whole
		return kk
	})
	return k
}

// appendKey appends the canonical key of raw, an item of kind, to dst.
func (k *keyer) appendKey(dst []byte, kind string, raw []byte) ([]byte, error) {
	return k.kinds.of(kind).appendKey(dst, raw)
}

// appendKeyFirst is appendKey for b that may run on past the item (see
// kindKeyer.appendKeyFirst).
func (k *keyer) appendKeyFirst(dst []byte, kind string, b []byte) ([]byte, error) {
	return k.kinds.of(kind).appendKeyFirst(dst, b)
}

// errNoKey is wrapped by key errors so callers can count them.
var errNoKey = errors.New("item has no key")

// appendKey appends the canonical key of raw (one whole value) to dst.
func (k *kindKeyer) appendKey(dst, raw []byte) ([]byte, error) {
	return k.appendKeyMode(dst, raw, true)
}

// appendKeyFirst is appendKey taking the first of repeated member names
// (see lookupFirst), for b that may run on past the value.
func (k *kindKeyer) appendKeyFirst(dst, b []byte) ([]byte, error) {
	return k.appendKeyMode(dst, b, false)
}

func (k *kindKeyer) appendKeyMode(dst, raw []byte, last bool) ([]byte, error) {
	if k.whole {
		sum := sha256.Sum256(raw)
		return hex.AppendEncode(dst, sum[:16]), nil
	}
	if len(k.paths) == 1 {
		v := lookupMode(raw, k.paths[0], last)
		if v == nil {
			return dst, fmt.Errorf("%w: no member %q", errNoKey, k.paths[0].String())
		}
		return appendKeyPart(dst, v, true), nil
	}
	if last {
		lookupAll(raw, k.paths, k.vals)
	} else {
		for i, p := range k.paths {
			k.vals[i] = lookupFirst(raw, p)
		}
	}
	dst = append(dst, '[')
	present := 0
	for i, v := range k.vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		if v == nil {
			dst = append(dst, "null"...)
			continue
		}
		present++
		dst = appendKeyPart(dst, v, false)
	}
	if present == 0 {
		return dst, fmt.Errorf("%w: none of the members %s", errNoKey, k.names())
	}
	return append(dst, ']'), nil
}

func (k *kindKeyer) names() string {
	var s []string
	for _, p := range k.paths {
		s = append(s, fmt.Sprintf("%q", p.String()))
	}
	return strings.Join(s, ", ")
}

// appendKeyPart appends one key value: a lone string key unquoted, any
// other value as compact JSON, strings with escapes in canonical form.
// v comes from items not yet validated: a malformed value (a lone or
// unterminated quote) is appended as it is, and the item's validation
// reports it later.
func appendKeyPart(dst, v []byte, alone bool) []byte {
	if len(v) == 0 {
		return dst
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if alone && bytes.IndexByte(v, '\\') < 0 {
			return append(dst, v[1:len(v)-1]...)
		}
		s := unquote(v[1 : len(v)-1])
		if alone {
			return append(dst, s...)
		}
		return appendJSONString(dst, s)
	}
	if v[0] == '{' || v[0] == '[' {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			return append(dst, buf.Bytes()...)
		}
	}
	return append(dst, v...)
}

// appendJSONString appends s as a JSON string, escaping only what JSON
// requires (no HTML escaping), with invalid UTF-8 replaced.
func appendJSONString(dst []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	// Valid UTF-8 (what decoded JSON always is) needs no rune decoding:
	// only ASCII bytes are escaped.
	valid := utf8.ValidString(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || valid) {
			i++
			continue
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != '\uFFFD' || size != 1 {
				i += size
				continue
			}
			dst = append(append(dst, s[start:i]...), "\ufffd"...)
			i += size
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&0xf])
		}
		i++
		start = i
	}
	return append(append(dst, s[start:]...), '"')
}
