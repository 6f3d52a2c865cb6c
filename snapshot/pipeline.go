package snapshot

import (
	"io"
	"sync"
	"sync/atomic"
)

// The writer is a three-stage pipeline so that a capture uses both cores:
// the caller's goroutine fills 1 MiB blocks (reading straight from the
// exporter's pipe when it can), one goroutine hashes them, another
// compresses and writes them. A fixed pool of blocks bounds memory.
const (
	blockSize  = 1 << 20
	poolBlocks = 4
)

type block struct {
	buf  []byte
	n    int
	refs atomic.Int32
}

type pipeline struct {
	free   chan *block
	hashQ  chan *block
	writeQ chan *block
	cur    *block
	wg     sync.WaitGroup
	err    atomic.Pointer[error] // first write error
	closed bool
}

// start launches the hash and write stages.
func (pl *pipeline) start(hash io.Writer, out io.Writer) {
	pl.free = make(chan *block, poolBlocks)
	pl.hashQ = make(chan *block, poolBlocks)
	pl.writeQ = make(chan *block, poolBlocks)
	for i := 0; i < poolBlocks; i++ {
		pl.free <- &block{buf: make([]byte, blockSize)}
	}
	pl.wg.Add(2)
	go func() {
		defer pl.wg.Done()
		for b := range pl.hashQ {
			hash.Write(b.buf[:b.n])
			pl.release(b)
		}
	}()
	go func() {
		defer pl.wg.Done()
		for b := range pl.writeQ {
			if pl.err.Load() == nil {
				if _, err := out.Write(b.buf[:b.n]); err != nil {
					pl.err.CompareAndSwap(nil, &err)
				}
			}
			pl.release(b)
		}
	}()
}

func (pl *pipeline) release(b *block) {
	if b.refs.Add(-1) == 0 {
		b.n = 0
		pl.free <- b
	}
}

func (pl *pipeline) block() *block {
	if pl.cur == nil {
		pl.cur = <-pl.free
	}
	return pl.cur
}

// dispatch hands the current block to both stages.
func (pl *pipeline) dispatch() {
	b := pl.cur
	pl.cur = nil
	if b == nil || b.n == 0 {
		if b != nil {
			pl.free <- b
		}
		return
	}
	b.refs.Store(2)
	pl.hashQ <- b
	pl.writeQ <- b
}

func (pl *pipeline) failed() error {
	if e := pl.err.Load(); e != nil {
		return *e
	}
	return nil
}

// write copies p into blocks.
func (pl *pipeline) write(p []byte) {
	for len(p) > 0 {
		b := pl.block()
		n := copy(b.buf[b.n:], p)
		b.n += n
		p = p[n:]
		if b.n == len(b.buf) {
			pl.dispatch()
		}
	}
}

// readFrom reads r into blocks until EOF, returning the bytes read.
func (pl *pipeline) readFrom(r io.Reader) (int64, error) {
	var total int64
	for {
		if err := pl.failed(); err != nil {
			return total, err
		}
		b := pl.block()
		n, err := r.Read(b.buf[b.n:])
		b.n += n
		total += int64(n)
		if b.n == len(b.buf) {
			pl.dispatch()
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// finish sends the last partial block and waits for both stages.
func (pl *pipeline) finish() error {
	if pl.closed {
		return pl.failed()
	}
	pl.closed = true
	pl.dispatch()
	close(pl.hashQ)
	close(pl.writeQ)
	pl.wg.Wait()
	return pl.failed()
}
