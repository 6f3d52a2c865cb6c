package pathtmpl

import (
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{"utcnow": "20200102T170015Z", "hostname": "box"}
	tests := []struct{ in, want, err string }{
		{"/e/{utcnow}.json", "/e/20200102T170015Z.json", ""},
		{"/e/{hostname}/{utcnow}", "/e/box/20200102T170015Z", ""},
		{"/e/{{literal}}/{utcnow}", "/e/{literal}/20200102T170015Z", ""},
		{"/e/{nope}.json", "", "unknown placeholder {nope}"},
		{"/e/{utcnow", "", "unclosed '{'"},
		{"/e/}x", "", "unmatched '}'"},
		{"plain", "plain", ""},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, vars)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q -> %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if Uses("{{utcnow}}", "utcnow") || !Uses("a{utcnow}", "utcnow") {
		t.Error("Uses")
	}
}
