package takeoutkit

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzScanners: the raw JSON scanners never panic on any input, agree
// with encoding/json on valid objects (the members they find are the
// object's, Pick and Get find their values, String reads their strings),
// and Annotate keeps a valid object valid.
func FuzzScanners(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[{"c":"]"}]}`, `[{"tweet":{"id":"1"}}]`, `window.YTD.x.part0 = [`, `{"a":"\u00c3\u00b6"}`, `{"a" :`, "\xff{\"", `[[[[`, `{"a":null,"b":"Sch\u00f6n \"q\"","c":"\xff\xfe","d":"emoji 🦊","e":-0.5e+3}`, "{\"a\":\"\xc3\x28\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h := SniffBytes(data)
		_ = h.First()
		n := 0
		ok := true
		names := map[string]bool{}
		for m, err := range Members(data) {
			if err != nil {
				ok = false
				break
			}
			n++
			names[m.Name] = true
		}
		for _, err := range Elements(data) {
			if err != nil {
				break
			}
		}
		_ = Unwrap(data, "tweet")
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil && len(data) > 0 && data[0] == '{' {
			if !ok || len(names) != len(obj) {
				t.Fatalf("valid object %q: scanned %d members %v, ok %v; encoding/json: %d", data, n, names, ok, len(obj))
			}
			// Pick and Get find each member's value as encoding/json
			// does (names written with escapes or invalid UTF-8 aside:
			// Pick does not match them), and String reads a string value
			// as it does.
			if !bytes.ContainsRune(data, '\\') && utf8.Valid(data) {
				names := slices.Sorted(maps.Keys(obj))
				vals := make([][]byte, len(names))
				if err := Pick(data, names, vals); err != nil {
					t.Fatalf("valid object %q: Pick: %v", data, err)
				}
				for i, name := range names {
					if !bytes.Equal(vals[i], bytes.TrimSpace(obj[name])) {
						t.Fatalf("valid object %q: Pick %q = %q; encoding/json: %q", data, name, vals[i], obj[name])
					}
					if v, ok := Get(data, name); !ok || !bytes.Equal(v, vals[i]) {
						t.Fatalf("valid object %q: Get %q = %q, %v; Pick: %q", data, name, v, ok, vals[i])
					}
				}
			}
			for name, v := range obj {
				if string(v) == "null" {
					continue // encoding/json leaves a string as it was
				}
				var want string
				werr := json.Unmarshal(v, &want)
				got, ok := String(v)
				if ok != (werr == nil) || got != want {
					t.Fatalf("member %q = %q: String gives %q, %v; encoding/json %q, %v", name, v, got, ok, want, werr)
				}
			}
			out := Annotate(data, (&Fields{}).String("k", string(data)))
			if !json.Valid(out) {
				t.Fatalf("annotated %q is not valid: %q", data, out)
			}
		}
	})
}
