package dal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMembers(t *testing.T) {
	dir := t.TempDir()
	kind := func(m string) string {
		if m == "skip" {
			return ""
		}
		return "k_" + m
	}
	for _, tc := range []struct{ doc, want, err string }{
		{"{\n \"a\": [{\"x\": 1},\n  {\"x\": 2}],\n \"p\": {\"id\": 3},\n \"skip\": [{\"no\": 1}],\n \"n\": null, \"s\": 5, \"e\": []\n}", `k_a {"x": 1}|k_a {"x": 2}|k_p {"id": 3}`, ""},
		{`[{"id":1},{"id":2}]`, `top {"id":1}|top {"id":2}`, ""},
		{`{"":[{"id":1}]}`, `k_ {"id":1}`, ""},
		{`{"a":[{"x":1},{"x":`, `k_a {"x":1}`, "line 1, byte 14: unexpected end of file inside the value starting here (truncated?) (in item 2 of k_a)"},
		{`"text"`, ``, "line 1, byte 0: expected a JSON object or array, found"},
		{``, ``, "empty file"},
		{`{"a":[]} x`, ``, "after the end of the document"},
	} {
		p := filepath.Join(dir, "20240101T000000Z.json")
		os.WriteFile(p, []byte(tc.doc), 0o644)
		var got, errs []string
		for r, err := range Members(context.Background(), p, nil, "top", kind) {
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			got = append(got, r.Kind+" "+string(r.Raw))
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%q: got %q, want %q", tc.doc, strings.Join(got, "|"), tc.want)
		}
		if tc.err == "" && len(errs) > 0 || tc.err != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.err) || !strings.HasPrefix(errs[0], p)) {
			t.Errorf("%q: errors %v, want one naming the file with %q", tc.doc, errs, tc.err)
		}
	}
}

func TestMembersStops(t *testing.T) {
	p := filepath.Join(t.TempDir(), "20240101T000000Z.json")
	os.WriteFile(p, []byte(`{"a":[{"x":1},{"x":2},{"x":3}],"b":{"y":1}}`), 0o644)
	n := 0
	for _, err := range Members(context.Background(), p, nil, "", func(string) string { return "k" }) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("%d records before stopping", n)
	}
}

// An item larger than the spec's limit (one that runs past the read
// buffer: the limit bounds memory) is an error naming it; the document's
// other items are still read.
func TestMembersItemLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "20240101T000000Z.json")
	big := `{"big":"` + strings.Repeat("y", 3<<20) + `"}`
	os.WriteFile(p, []byte(`{"a":[{"x":1},`+big+`,{"x":3}],"p":`+big+`,"q":{"x":4}}`), 0o644)
	var got, errs []string
	for r, err := range Members(context.Background(), p, &Spec{MaxItemSize: 1 << 20}, "", func(string) string { return "k" }) {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		got = append(got, string(r.Raw))
	}
	if strings.Join(got, " ") != `{"x":1} {"x":3} {"x":4}` || len(errs) != 2 || !strings.Contains(errs[0], "larger than the maximum item size") || !strings.HasPrefix(errs[1], p) {
		t.Fatalf("records %v, errors %v", got, errs)
	}
}
