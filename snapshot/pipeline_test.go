package snapshot

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
)

// failAfter accepts n bytes, then fails like a full disk.
type failAfter struct{ n int }

var errDiskFull = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, errDiskFull
	}
	f.n -= len(p)
	return len(p), nil
}

func TestPipelinePropagatesWriteErrors(t *testing.T) {
	var pl pipeline
	pl.start(sha256.New(), &failAfter{n: 3 << 20})
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for i := 0; i < 200; i++ { // 12.5 MiB: keeps going after the failure
		pl.write(chunk)
	}
	if err := pl.finish(); !errors.Is(err, errDiskFull) {
		t.Errorf("finish: %v, want the write error", err)
	}
	if err := pl.finish(); !errors.Is(err, errDiskFull) {
		t.Errorf("second finish: %v", err)
	}
}

func TestPipelineReadFromStopsOnWriteError(t *testing.T) {
	var pl pipeline
	pl.start(sha256.New(), &failAfter{n: 1 << 20})
	src := bytes.NewReader(make([]byte, 64<<20))
	n, err := pl.readFrom(src)
	pl.finish()
	if !errors.Is(err, errDiskFull) || n >= 64<<20 {
		t.Errorf("readFrom read %d bytes, err %v: want an early stop with the write error", n, err)
	}
}
