package file_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/secret"
)

func TestFileConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	content := bytes.Repeat([]byte("ls -la\n"), 100000)
	os.WriteFile(path, content, 0o600)
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) { return &file.File{Path: path}, nil },
		Check: func(t *testing.T, out []byte) {
			if !bytes.Equal(out, content) {
				t.Errorf("output is %d bytes, want the file's %d", len(out), len(content))
			}
		},
	})
}
