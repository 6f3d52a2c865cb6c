package snapshot

import (
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// frameSize is the input size of one zstd frame. Independent frames let
// every core compress at once; concatenated frames are a standard zstd
// stream that any decoder reads. At 1 MiB the ratio is as good as one long
// stream on JSON-like text (see docs/benchmarks.md).
const frameSize = 1 << 20

// zstdFrames compresses its input as a sequence of independent zstd frames,
// several at a time, and writes them in order. Memory is bounded: at most
// workers+1 frames are in flight.
type zstdFrames struct {
	enc   *zstd.Encoder
	w     io.Writer
	buf   []byte
	order chan chan []byte // results in input order; capacity bounds work in flight
	bufs  chan []byte      // recycled input buffers
	outs  chan []byte      // recycled output buffers
	done  chan struct{}
	err   error // first write error, set by the writer goroutine
	once  sync.Once
	empty bool // nothing was written: still emit one (empty) frame
}

var (
	frameEncOnce sync.Once
	frameEnc     *zstd.Encoder
)

// sharedFrameEncoder returns one encoder for all writers: EncodeAll is safe
// for concurrent use, up to its concurrency. The window need not exceed a
// frame. (WithLowerEncoderMem was measured: about 10% more CPU and much more
// system time for 1 MiB less peak memory, so it is not used.)
func sharedFrameEncoder() *zstd.Encoder {
	frameEncOnce.Do(func() {
		frameEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithZeroFrames(true),
			zstd.WithWindowSize(frameSize))
	})
	return frameEnc
}

func newZstdFrames(w io.Writer) *zstdFrames {
	workers := max(1, runtime.GOMAXPROCS(0))
	z := &zstdFrames{
		enc: sharedFrameEncoder(), w: w, empty: true,
		order: make(chan chan []byte, workers),
		bufs:  make(chan []byte, workers+2),
		outs:  make(chan []byte, workers+2),
		done:  make(chan struct{}),
	}
	go z.writeLoop()
	return z
}

func (z *zstdFrames) writeLoop() {
	defer close(z.done)
	for ch := range z.order {
		out := <-ch
		if z.err == nil {
			_, z.err = z.w.Write(out)
		}
		select {
		case z.outs <- out:
		default:
		}
	}
}

func (z *zstdFrames) getBuf() []byte {
	select {
	case b := <-z.bufs:
		return b[:0]
	default:
		return make([]byte, 0, frameSize)
	}
}

// Write buffers p and starts a frame whenever frameSize bytes are ready.
func (z *zstdFrames) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if z.buf == nil {
			z.buf = z.getBuf()
		}
		k := min(len(p), frameSize-len(z.buf))
		z.buf = append(z.buf, p[:k]...)
		p = p[k:]
		if len(z.buf) == frameSize {
			z.submit()
		}
	}
	return n, nil
}

// submit compresses the current buffer in the background.
func (z *zstdFrames) submit() {
	in := z.buf
	z.buf = nil
	z.empty = false
	ch := make(chan []byte, 1)
	z.order <- ch // blocks while all workers are busy
	go func() {
		var dst []byte
		select {
		case dst = <-z.outs:
		default:
		}
		out := z.enc.EncodeAll(in, dst[:0])
		select {
		case z.bufs <- in:
		default:
		}
		ch <- out
	}()
}

// Close compresses what is left, waits for every frame to be written and
// returns the first write error. It does not close the underlying writer.
func (z *zstdFrames) Close() error {
	z.once.Do(func() {
		if len(z.buf) > 0 || z.empty {
			z.submit()
		}
		close(z.order)
		<-z.done
	})
	return z.err
}
