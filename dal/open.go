package dal

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/hoard-dev/hoard/snapshot"
	"github.com/klauspost/compress/zstd"
)

// zstdPool recycles zstd decoders: a fresh decoder per snapshot allocates
// its window (up to 8 MB) every time, which dominated reading many small
// compressed files.
var zstdPool = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return err
	}
	return d
}}

// openSnapshot opens a snapshot for reading its uncompressed bytes, like
// snapshot.Open, reusing zstd decoders. Errors name the file.
func openSnapshot(path string) (io.ReadCloser, error) {
	if snapshot.CodecOf(path) != snapshot.Zstd {
		return snapshot.Open(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	d, ok := zstdPool.Get().(*zstd.Decoder)
	if !ok {
		f.Close()
		return snapshot.Open(path)
	}
	if err := d.Reset(f); err != nil {
		zstdPool.Put(d)
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &zstdFile{d: d, f: f, path: path}, nil
}

type zstdFile struct {
	d    *zstd.Decoder
	f    *os.File
	path string
}

func (z *zstdFile) Read(p []byte) (int, error) {
	n, err := z.d.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", z.path, err)
	}
	return n, err
}

// Close returns the decoder to the pool and closes the file.
func (z *zstdFile) Close() error {
	if z.d != nil {
		z.d.Reset(nil)
		zstdPool.Put(z.d)
		z.d = nil
	}
	return z.f.Close()
}
