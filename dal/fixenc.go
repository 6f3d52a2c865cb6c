package dal

import (
	"bytes"
	"unicode/utf8"
)

// FixLatin1 is the one KindSpec.FixEncoding: strings whose UTF-8 bytes
// were written one Latin-1 character each ("Sch\u00c3\u00b6n" for
// "Schön"), as Facebook's and Instagram's exports do.
const FixLatin1 = "latin1"

// fixLatin1 returns raw with every string that is UTF-8 written as
// Latin-1 decoded again: each character below U+0100 taken as one byte,
// kept only when the bytes are valid UTF-8 and some byte is above 0x7F
// (anything else, "naïve" written correctly among it, is left as it is).
// Member names are repaired too. raw is returned unchanged (same slice)
// when nothing needs repair.
func fixLatin1(raw []byte) []byte {
	if !bytes.Contains(raw, []byte(`\u00`)) && !hasLatin1Runes(raw) {
		return raw
	}
	var out []byte
	last := 0
	for i := 0; i < len(raw); i++ {
		if raw[i] != '"' {
			continue
		}
		end, err := skipString(raw, i+1)
		if err != nil {
			return raw
		}
		if fixed, ok := repairString(raw[i+1 : end-1]); ok {
			if out == nil {
				out = make([]byte, 0, len(raw))
			}
			out = append(out, raw[last:i]...)
			out = appendJSONString(out, fixed)
			last = end
		}
		i = end - 1
	}
	if out == nil {
		return raw
	}
	return append(out, raw[last:]...)
}

// hasLatin1Runes reports whether raw holds characters U+0080-U+00FF
// written as UTF-8 (c2 xx, c3 xx).
func hasLatin1Runes(raw []byte) bool {
	return bytes.IndexByte(raw, 0xc2) >= 0 || bytes.IndexByte(raw, 0xc3) >= 0
}

// repairString decodes the JSON string content s; when every character is
// below U+0100, some is above U+007F, and the characters taken as bytes
// are valid UTF-8, it returns those bytes as text.
func repairString(s []byte) (string, bool) {
	text := unquote(s)
	b := make([]byte, 0, len(text))
	high := false
	for _, r := range text {
		if r > 0xff {
			return "", false
		}
		if r > 0x7f {
			high = true
		}
		b = append(b, byte(r))
	}
	if !high || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}
