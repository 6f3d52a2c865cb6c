package dal

import (
	"strings"
	"testing"
)

// FuzzArchive: whatever the bytes of a zip or tar snapshot, the archive
// reader never panics, yields records of the kinds asked for (as the JSON
// decoder does, a record may be invalid JSON, which the merge reports),
// and every error names the snapshot. Seeds are valid archives (and gzip
// ones) the fuzzer mutates.
func FuzzArchive(f *testing.F) {
	members := map[string]string{"d/a.json": `[{"id":1},{"id":2}]`, "d/b.jsonl": "{\"id\":3}\n", "d/c.json.gz": string(gz([]byte(`[4]`))), "x.txt": "x"}
	f.Add(zipOf(f, members), false)
	f.Add(tarOf(f, members), false)
	f.Add(gz(tarOf(f, members)), true)
	f.Add(zipOf(f, map[string]string{}), false)
	f.Add([]byte("PK\x03\x04garbage"), false)
	dir := f.TempDir()
	specs := []Spec{{}, {Kinds: map[string]KindSpec{"k": {Members: []string{"**/*.json*"}}, "l": {Members: []string{"d/b.jsonl"}, Items: "x"}}}}
	f.Fuzz(func(t *testing.T, data []byte, asTar bool) {
		ext := "zip"
		if asTar {
			ext = "tar"
		}
		p := fuzzFile(t, dir, ext, data)
		for _, spec := range specs {
			for rec, err := range Archive.Records(t.Context(), p, &spec) {
				if err != nil {
					if !strings.HasPrefix(err.Error(), p) {
						t.Fatalf("error %q does not name the snapshot", err)
					}
					continue
				}
				if len(rec.Raw) == 0 {
					t.Fatal("an empty record")
				}
				if len(spec.Kinds) > 0 && rec.Kind != "k" && rec.Kind != "l" {
					t.Fatalf("record of kind %q", rec.Kind)
				}
			}
		}
	})
}
