package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		perm, dirPerm os.FileMode
	}{{0o600, 0o700}, {0o644, 0o755}} {
		path := filepath.Join(dir, tt.perm.String(), "sub", "f.json")
		if err := Write(path, []byte("one"), tt.perm); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, []byte("two"), tt.perm); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		info, _ := os.Stat(path)
		dinfo, _ := os.Stat(filepath.Dir(path))
		if string(b) != "two" || info.Mode().Perm() != tt.perm || dinfo.Mode().Perm() != tt.dirPerm {
			t.Errorf("content %q mode %v dir %v", b, info.Mode(), dinfo.Mode())
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("left temporary files: %v", entries)
		}
	}
}
