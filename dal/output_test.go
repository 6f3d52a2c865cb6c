package dal

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendJSONString: the output is one JSON string that decodes to the
// input, each byte of invalid UTF-8 replaced by U+FFFD.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " back \ slash`, "line\nbreak\ttab\r\x00\x1f", "Zürich 日本語 🎉",
		"bad \xff utf8", "\xe2\x82", "\u2028 separators \u2029", "</script>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendJSONString(nil, s)
		if !utf8.Valid(out) {
			t.Fatalf("%q gave invalid UTF-8 %q", s, out)
		}
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q gave invalid JSON %q: %v", s, out, err)
		}
		if want := wantPerByte(s); got != want {
			t.Fatalf("%q decoded to %q, want %q", s, got, want)
		}
	})
}

// wantPerByte replaces each invalid byte with U+FFFD.
func wantPerByte(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // ranging over a string yields U+FFFD per invalid byte
	}
	return b.String()
}
