package kindle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

// FuzzDecoder: records are JSON objects of a known kind whatever the file
// holds, and the decoder never panics.
func FuzzDecoder(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("testdata", "My Clippings.txt"))
	f.Add(b)
	f.Add([]byte("A (B)\n- Your Highlight on page 1 | Added on Monday, 1 January 2024 12:00:00 PM\n\nx\n==========\n(\n-|||\n==========\n"))
	f.Add([]byte("\ufeff\r\n==========\r\n- 1ページ|位置No. 1-2のメモ |作成日: 2024年13月40日 25:61:61\r\n==========\r\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in []byte) {
		p := filepath.Join(dir, "20240101T000000Z.txt")
		if err := os.WriteFile(p, in, 0o600); err != nil {
			t.Fatal(err)
		}
		for rec, err := range Decoder.Records(t.Context(), p, &dal.Spec{}) {
			if err != nil {
				continue
			}
			if _, ok := Decoder.Kinds[rec.Kind]; !ok || !json.Valid(rec.Raw) || rec.Raw[0] != '{' {
				t.Fatalf("record %s %q", rec.Kind, rec.Raw)
			}
		}
	})
}
