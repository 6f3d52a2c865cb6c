package secret

import (
	"bytes"
	"io"
	"sync"
)

// Writer passes text through line by line with secret values masked. Lines end at '\n' or '\r' (progress bars), so output stays live;
// a line longer than maxLine is passed on in pieces. Flush passes on a final
// partial line.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	red *Redactor
	buf []byte
}

const maxLine = 64 << 10

// NewWriter returns a Writer onto w masking red's secrets. It is safe
// for concurrent use.
func NewWriter(w io.Writer, red *Redactor) *Writer {
	return &Writer{w: w, red: red}
}

func (r *Writer) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	for {
		i := bytes.IndexAny(r.buf, "\n\r")
		if i < 0 {
			if len(r.buf) > maxLine {
				// keep back what may be the start of a secret
				r.emit(r.red.Cut(r.buf))
			}
			return len(p), nil
		}
		r.emit(i + 1)
	}
}

// emit writes the first n buffered bytes, redacted. Write errors of the
// user's terminal are not the exporter's failure, so they are dropped.
func (r *Writer) emit(n int) {
	r.w.Write(r.red.Bytes(r.buf[:n]))
	r.buf = append(r.buf[:0], r.buf[n:]...)
}

// Flush writes any partial line.
func (r *Writer) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) > 0 {
		r.emit(len(r.buf))
	}
}
