package dal

import (
	"strings"
	"testing"
)

func TestAppendKey(t *testing.T) {
	tests := []struct {
		name string
		key  []string
		raw  string
		want string
		err  bool
	}{
		{"string", []string{"id"}, `{"id":"a b"}`, `a b`, false},
		{"escaped string", []string{"id"}, `{"id":"caf\u00e9\"x"}`, `café"x`, false},
		{"number", []string{"id"}, `{"id": 12}`, `12`, false},
		{"object compacted", []string{"id"}, `{"id":{ "a" : [1, 2] }}`, `{"a":[1,2]}`, false},
		{"nested path", []string{"d.id"}, `{"d":{"id":"x"}}`, `x`, false},
		{"missing", []string{"id"}, `{"name":"x"}`, ``, true},
		{"two paths", []string{"url", "t"}, `{"t":3,"url":"u"}`, `["u",3]`, false},
		{"two paths, one missing", []string{"url", "t"}, `{"url":"u"}`, `["u",null]`, false},
		{"two paths, none", []string{"url", "t"}, `{}`, `[null,null]`, true},
		// Items are keyed before they are validated: malformed values must
		// not panic, and come out as they are.
		{"lone quote", []string{""}, `"`, `"`, false},
		{"unterminated string", []string{"id"}, `{"id":"ab`, ``, true},
		{"unterminated string, two paths", []string{"url", "t"}, `{"url":"`, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newKeyer(&Spec{Key: tt.key}).appendKey(nil, "items", []byte(tt.raw))
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error: %v", err, tt.err)
			}
			if !tt.err && string(got) != tt.want {
				t.Errorf("key %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSpecValidate(t *testing.T) {
	tests := []struct {
		spec Spec
		want string // "" for a valid spec
	}{
		{Spec{}, ""},
		{Spec{Key: []string{"id", "data.when"}, Items: []string{"data.children"}, Time: "t", Title: "a.b", URL: "u", Text: "x", Merge: Latest, Decoder: JSON}, ""},
		{Spec{Merge: "all"}, `merge = "all": use "union" or "latest"`},
		{Spec{Key: []string{"id", ""}}, `key: empty path ""`},
		{Spec{Items: []string{".saved"}}, `items: invalid path ".saved": empty segment`},
		{Spec{Time: "created."}, `time: invalid path "created.": empty segment`},
		{Spec{Title: "a..b"}, `title: invalid path "a..b": empty segment`},
		{Spec{URL: "."}, `url: invalid path ".": empty segment`},
		{Spec{Text: "..x"}, `text: invalid path "..x": empty segment`},
		{Spec{Time: "a[].b"}, `time: path "a[].b": "[]" (every element of an array) names many values`},
		{Spec{Kinds: map[string]KindSpec{"starred": {Time: "x..y"}}}, `kinds.starred.time: invalid path "x..y"`},
	}
	for _, tt := range tests {
		err := tt.spec.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.spec, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%+v: error %v, want %q", tt.spec, err, tt.want)
		}
	}
}
