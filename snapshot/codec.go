package snapshot

import (
	"bufio"
	"compress/bzip2"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Codec names a compression format. The zero value means uncompressed.
type Codec string

// The codecs hoard knows. Zstd and Gzip can be written; all can be read.
const (
	None  Codec = ""
	Zstd  Codec = "zstd"
	Gzip  Codec = "gzip"
	Xz    Codec = "xz"
	Bzip2 Codec = "bzip2"
)

// codecExts maps file suffixes to codecs. The first suffix listed for a
// codec is the one hoard writes.
var codecExts = []struct {
	ext   string
	codec Codec
}{
	{".zst", Zstd}, {".zstd", Zstd}, {".gz", Gzip}, {".xz", Xz}, {".bz2", Bzip2},
}

// ParseCompression turns a user's word (zstd, gzip, none, or "") into a
// codec that hoard can write.
func ParseCompression(s string) (Codec, error) {
	switch strings.ToLower(s) {
	case "", "none":
		return None, nil
	case "zstd", "zst":
		return Zstd, nil
	case "gzip", "gz":
		return Gzip, nil
	}
	return None, fmt.Errorf("unknown compression %q (use zstd, gzip or none)", s)
}

// Ext returns the file suffix hoard writes for c ("" for None).
func (c Codec) Ext() string {
	for _, e := range codecExts {
		if e.codec == c {
			return e.ext
		}
	}
	return ""
}

// CodecOf returns the codec implied by a file name's suffix.
func CodecOf(name string) Codec {
	_, c := splitCodec(name)
	return c
}

// splitCodec removes a codec suffix from name and returns both parts.
func splitCodec(name string) (string, Codec) {
	lower := strings.ToLower(name)
	for _, e := range codecExts {
		if strings.HasSuffix(lower, e.ext) {
			return name[:len(name)-len(e.ext)], e.codec
		}
	}
	return name, None
}

// NewDecompressor wraps r so that reading it yields the uncompressed bytes of
// a stream compressed with c. Closing the result releases the decoder; it
// does not close r.
func NewDecompressor(r io.Reader, c Codec) (io.ReadCloser, error) {
	switch c {
	case None:
		return io.NopCloser(r), nil
	case Zstd:
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, err
		}
		return readCloser{d, func() error { d.Close(); return nil }}, nil
	case Gzip:
		g, err := gzip.NewReader(bufio.NewReader(r))
		if err != nil {
			return nil, err
		}
		return g, nil
	case Xz:
		x, err := xz.NewReader(bufio.NewReader(r))
		if err != nil {
			return nil, err
		}
		return io.NopCloser(x), nil
	case Bzip2:
		return io.NopCloser(bzip2.NewReader(bufio.NewReader(r))), nil
	}
	return nil, fmt.Errorf("cannot read codec %q", c)
}

// newCompressor returns a writer that compresses into w with c. Close
// flushes the compressed stream; it does not close w.
func newCompressor(w io.Writer, c Codec) (io.WriteCloser, error) {
	switch c {
	case None:
		return nopWriteCloser{w}, nil
	case Zstd:
		return newZstdFrames(w), nil
	case Gzip:
		return gzip.NewWriterLevel(w, gzip.DefaultCompression)
	}
	return nil, fmt.Errorf("cannot write codec %q (hoard writes zstd, gzip or none)", c)
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
