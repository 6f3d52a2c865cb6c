package dal

import (
	"encoding/json"
	"testing"
)

func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{`plain`, `a\"b\\c\/d`, `\b\f\n\r\t`, `\u00e9\u65e5`, `\ud83c\udf89 party`, `\ud83c alone`, `caf\u00E9`, `tab\there`} {
		var want string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &want); err != nil {
			t.Fatal(err)
		}
		if got := unquote([]byte(s)); got != want {
			t.Errorf("unquote(%q) = %q, want %q", s, got, want)
		}
	}
}
