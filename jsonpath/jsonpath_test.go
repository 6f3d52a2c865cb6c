package jsonpath

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	doc := []byte(`{"data":{"rows":[{"id":1},{"id":"x","tags":["a","b"]}]},"n":null}`)
	cases := []struct {
		path string
		want string
		ok   bool
	}{
		{"", string(doc), true},
		{"$", string(doc), true},
		{"data.rows.1.id", `"x"`, true},
		{"$.data.rows.0.id", `1`, true},
		{"data.rows.2", "", false},
		{"data.missing", "", false},
		{"n", "null", true},
	}
	for _, tc := range cases {
		p, err := Parse(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.Lookup(doc)
		if ok != tc.ok || string(got) != tc.want {
			t.Errorf("%q: got %s, %v; want %s, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
	item := []byte(`{"tags":["a","b"],"n":3}`)
	tags, _ := Parse("tags")
	if got := tags.Values(item); strings.Join(got, ",") != "a,b" {
		t.Errorf("array values: %v", got)
	}
}
