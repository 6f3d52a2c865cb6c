package takeoutkit

import (
	"encoding/json"
	"testing"
)

// FuzzScanners: the raw JSON scanners never panic on any input, agree
// with encoding/json on valid objects (the members they find are the
// object's), and Annotate keeps a valid object valid.
func FuzzScanners(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[{"c":"]"}]}`, `[{"tweet":{"id":"1"}}]`, `window.YTD.x.part0 = [`, `{"a":"\u00c3\u00b6"}`, `{"a" :`, "\xff{\"", `[[[[`} {
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
			out := Annotate(data, (&Fields{}).String("k", string(data)))
			if !json.Valid(out) {
				t.Fatalf("annotated %q is not valid: %q", data, out)
			}
		}
	})
}
