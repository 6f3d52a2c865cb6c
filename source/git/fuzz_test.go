package git

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// FuzzDecoder: the git decoder yields valid JSON objects whatever the
// input (lengths that lie, fields that do not add up, bytes that are not
// UTF-8), and never panics.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte(header + `{"repo":"r","fields":["hash","parents","subject"],"bytes":12}` + "\nh\x00p q\x00s\xff\x00\n"))
	f.Add([]byte(header + `{"repo":"r","remote":"git@github.com:a/b.git","fields":["hash"],"bytes":2}` + "\nh\x00\n{\"repo\":1}\n"))
	f.Add([]byte(header + `{"bytes":-1}` + "\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "20240101T000000Z."+Ext)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for r, err := range Decoder.Records(t.Context(), p, &dal.Spec{}) {
			if err == nil && (!json.Valid(r.Raw) || r.Raw[0] != '{') {
				t.Fatalf("record %q is not a JSON object", r.Raw)
			}
		}
	})
}
