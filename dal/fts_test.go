package dal

import "testing"

func TestFTSQuery(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"git rebase", `"git" "rebase"`},
		{"  Zürich  ", `"Zürich"`},
		{"rebas*", `"rebas"*`},
		{`say "hi"`, `"say" """hi"""`},
		{"foo-bar", `"foo-bar"`},
		{"AND OR NOT", `"AND" "OR" "NOT"`},
		{"日本語 42", `"日本語" "42"`},
		{"!!! zürich -", `"zürich"`},
		{"* ** !!! -", ""},
		{"", ""},
	} {
		if got := FTSQuery(tt.text); got != tt.want {
			t.Errorf("FTSQuery(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
