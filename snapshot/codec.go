package snapshot

import (
	"bufio"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

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
		return newZstdReader(r)
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

// zstdReader is a pooled zstd decoder with a read buffer in front of its
// input. Both matter when reading many files: a new decoder allocates its
// window (up to 8 MB for streams written by other tools) on every file, and
// the decoder reads its input unbuffered, a few bytes for each block header
// and then the block, so reading a file directly costs two system calls per
// block (365 files of 4.4 MB: 27,000 reads instead of 1,500; about 5% of
// the decoding CPU, which is itself mostly the sequence decoder).
type zstdReader struct {
	d  *zstd.Decoder
	br *bufio.Reader
}

// zstdReadBuf is the size of the input buffer: more than the largest
// compressed block (128 KiB), so that each block is one copy out of it.
const zstdReadBuf = 256 << 10

var zstdReaders sync.Pool

func newZstdReader(r io.Reader) (io.ReadCloser, error) {
	z, _ := zstdReaders.Get().(*zstdReader)
	if z == nil {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, err
		}
		z = &zstdReader{d: d}
	}
	in := r
	if _, buffered := r.(io.ByteReader); !buffered { // bufio, bytes and strings readers are buffered already
		if z.br == nil {
			z.br = bufio.NewReaderSize(r, zstdReadBuf)
		} else {
			z.br.Reset(r)
		}
		in = z.br
	}
	if err := z.d.Reset(in); err != nil {
		z.d.Close()
		return nil, err
	}
	return &zstdStream{z: z}, nil
}

// zstdStream is one use of a pooled zstdReader. Close returns the decoder
// to the pool once; reading after Close fails.
type zstdStream struct{ z *zstdReader }

func (s *zstdStream) Read(p []byte) (int, error) {
	if s.z == nil {
		return 0, errors.New("zstd: read after close")
	}
	return s.z.d.Read(p)
}

func (s *zstdStream) Close() error {
	if z := s.z; z != nil {
		s.z = nil
		z.d.Reset(nil) // drop the input so the pool holds no file
		if z.br != nil {
			z.br.Reset(nil)
		}
		zstdReaders.Put(z)
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
