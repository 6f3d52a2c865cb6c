package dal

import (
	"encoding/json"
	"strings"
	"testing"
)

var validCases = []string{
	`{}`, `[]`, ` {"a": [1, -0.5e+3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"]} `, `"\xff"`, `0`, `-0`, `1e5`, `1E-5`,
	`{"a":1,}`, `[1,]`, `{"a" 1}`, `{1:2}`, `[01]`, `[1.]`, `[.5]`, `[-]`, `[1e]`, `"\x01"`, `"\u12g4"`, `"\q"`, `tru`, `nul`,
	`[1] [2]`, ``, ` `, `{"a":1}}`, `[[[`, `"abc`, `+1`, `[1,,2]`, `{"a":1 "b":2}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 9999) + strings.Repeat("]", 9999),
}

func TestValidJSONMatchesEncodingJSON(t *testing.T) {
	for _, c := range validCases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.40q) = %v, encoding/json says %v", c, got, want)
		}
	}
}

// FuzzValidJSON checks validJSON against encoding/json.Valid.
func FuzzValidJSON(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}
