package dal

import (
	"io"

	"github.com/hoard-dev/hoard/snapshot"
)

// openSnapshot opens a snapshot for reading its uncompressed bytes. Errors
// name the file. snapshot.Open reuses zstd decoders (a fresh decoder per
// snapshot allocates its window, up to 8 MB, every time, which dominated
// reading many small compressed files) and buffers their input.
func openSnapshot(path string) (io.ReadCloser, error) {
	return snapshot.Open(path)
}
