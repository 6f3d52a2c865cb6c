package all

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source/bash"
	"github.com/hoard-dev/hoard/source/fish"
	"github.com/hoard-dev/hoard/source/zsh"
)

// FuzzShellDecoders: the shell history decoders yield valid JSON objects
// whatever the input, and never panic.
func FuzzShellDecoders(f *testing.F) {
	f.Add([]byte("#1700000000\nls\n: 1700000000:0;x\\\ny\n- cmd: a\\nb\n  when: 1\n  paths:\n    - p\n"))
	f.Add([]byte("\x83\xff\x00\"\\"))
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		n++
		p := filepath.Join(dir, "20240101T000000Z.txt")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, d := range []*dal.Decoder{bash.Decoder, zsh.Decoder, fish.Decoder} {
			for r, err := range d.Records(t.Context(), p, &dal.Spec{}) {
				if err == nil && (!json.Valid(r.Raw) || r.Raw[0] != '{') {
					t.Fatalf("%s: record %q is not a JSON object", d.Name, r.Raw)
				}
			}
		}
	})
}
