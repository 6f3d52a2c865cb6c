package export

import (
	"bytes"
	"io"
	"sync"

	"github.com/hoard-dev/hoard/internal/secret"
)

// redactingWriter passes text through line by line with secret values
// masked. Lines end at '\n' or '\r' (progress bars), so output stays live;
// a line longer than maxLine is passed on in pieces. Flush passes on a final
// partial line.
type redactingWriter struct {
	mu  sync.Mutex
	w   io.Writer
	red *secret.Redactor
	buf []byte
}

const maxLine = 64 << 10

func newRedactingWriter(w io.Writer, red *secret.Redactor) *redactingWriter {
	return &redactingWriter{w: w, red: red}
}

func (r *redactingWriter) Write(p []byte) (int, error) {
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
func (r *redactingWriter) emit(n int) {
	r.w.Write(r.red.Bytes(r.buf[:n]))
	r.buf = append(r.buf[:0], r.buf[n:]...)
}

// Flush writes any partial line.
func (r *redactingWriter) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) > 0 {
		r.emit(len(r.buf))
	}
}
