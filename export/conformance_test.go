package export_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/secret"
)

func TestCommandConformance(t *testing.T) {
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return &export.Command{Args: []string{"sh", "-c", `printf '%s\n' "$HOARD_SECRET_GREETING"; printf '\377'`}},
				secret.Secrets{"greeting": "hello there"}
		},
		Check: func(t *testing.T, out []byte) {
			if string(out) != "hello there\n\xff" {
				t.Errorf("output %q", out)
			}
		},
		Slow: func(t *testing.T) export.Exporter {
			return &export.Command{Args: []string{"sh", "-c", "while :; do echo line; sleep 0.01; done"}}
		},
	})
}

func TestFileConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	content := bytes.Repeat([]byte("ls -la\n"), 100000)
	os.WriteFile(path, content, 0o600)
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) { return &export.File{Path: path}, nil },
		Check: func(t *testing.T, out []byte) {
			if !bytes.Equal(out, content) {
				t.Errorf("output is %d bytes, want the file's %d", len(out), len(content))
			}
		},
	})
}
