package dal

import (
	"context"
	"fmt"
	"io"
)

// ctxCheckEvery is how many bytes a decoder reads between two looks at
// its context: often enough that a read stops within a fraction of a
// second of SIGINT or SIGTERM, however large one value is, and rarely
// enough to cost nothing.
const ctxCheckEvery = 4 << 20

// input is a snapshot's uncompressed bytes as decoders read them: a read
// ends with the context's error once the context is done (checked every
// ctxCheckEvery bytes), and, for decoders that cannot bound an item
// themselves (CSV, XML), with errTooLarge once one item has read more
// than limit bytes (see startItem).
type input struct {
	rc    io.Reader
	ctx   context.Context
	since int   // bytes read since the context was last looked at
	used  int64 // bytes read since startItem
	limit int64 // 0: no limit
}

func newInput(ctx context.Context, r io.Reader) *input {
	return &input{rc: r, ctx: ctx}
}

func (in *input) Read(p []byte) (int, error) {
	if in.since >= ctxCheckEvery {
		in.since = 0
		if err := in.ctx.Err(); err != nil {
			return 0, err
		}
	}
	if in.limit > 0 && in.used > in.limit {
		return 0, fmt.Errorf("%w: an item larger than the maximum item size (%s); the rest of the file is not read (max_item_size sets the limit)", errTooLarge, formatSize(in.limit))
	}
	n, err := in.rc.Read(p)
	in.since += n
	in.used += int64(n)
	return n, err
}

// startItem restarts the count of bytes against the item limit; the
// decoder calls it at each item boundary. The count includes what the
// decoder's buffers read ahead, so the limit holds to within a buffer.
func (in *input) startItem() { in.used = 0 }

// Close closes the underlying reader when it is an io.Closer.
func (in *input) Close() error {
	if c, ok := in.rc.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
