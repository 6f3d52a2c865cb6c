package dal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/hoard-dev/hoard/jsonpath"
)

// openErr opens a snapshot, turning a failure into a ReadError.
func openErr(path string) (io.ReadCloser, error) {
	rc, err := openSnapshot(path)
	if err != nil {
		return nil, &ReadError{File: path, Err: unwrapPath(err, path)}
	}
	return rc, nil
}

// StreamFunc is a decoder's Stream: it reads a snapshot's uncompressed
// bytes from r, naming the snapshot name in its errors.
type StreamFunc func(ctx context.Context, r io.Reader, name string, spec *Spec) iter.Seq2[Record, error]

// RecordsOf returns the Records function of a decoder that streams: it
// opens the snapshot (decompressing it) and streams it. Reads end with
// ctx's error once ctx is done, so that no single value, however large,
// keeps a read going after SIGINT or SIGTERM.
func RecordsOf(stream StreamFunc) func(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
	return func(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
		return func(yield func(Record, error) bool) {
			rc, err := openErr(path)
			if err != nil {
				yield(Record{}, err)
				return
			}
			defer rc.Close()
			for rec, err := range stream(ctx, rc, path, spec) {
				if !yield(rec, err) {
					return
				}
			}
		}
	}
}

// unwrapPath drops a "path: " prefix that an error already carries, since
// ReadError names the file itself.
func unwrapPath(err error, path string) error {
	msg := err.Error()
	if strings.HasPrefix(msg, path+": ") {
		return errors.New(strings.TrimPrefix(msg, path+": "))
	}
	return err
}

// jsonStream yields the items of a JSON document: the elements of each
// collection named by spec.Items (or a kind's Items), or of the top-level
// array.
func jsonStream(ctx context.Context, r io.Reader, path string, spec *Spec) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		rc := newInput(ctx, r)
		w := &jsonWalker{s: newStream(rc, path), yield: yield, ctx: ctx, known: spec.known}
		w.s.maxItem = spec.ItemLimit()
		defer w.s.release()
		w.paths, w.kinds = itemPaths(spec)
		w.found = make([]bool, len(w.paths))
		err := w.document()
		if err == nil {
			err = w.missing()
		}
		if err != nil && !w.stopped {
			yield(Record{}, err)
		}
	}
}

// itemPaths returns the item collections a spec names, with their kinds:
// each of Items is a kind named by its path, and a kind whose settings
// give an Items path reads that path under its own name. Kinds that name
// archive members are read from those members only (the archive decoder
// passes their Items on, without the members).
func itemPaths(spec *Spec) ([]Path, []string) {
	var paths []Path
	var kinds []string
	for _, p := range spec.Items {
		paths = append(paths, parsePath(p))
		kinds = append(kinds, p)
	}
	for _, k := range spec.namedKinds() {
		ks := spec.ForKind(k)
		if p := ks.Items; p != "" && len(ks.Members) == 0 && !slices.Contains(spec.Items, k) {
			paths = append(paths, parsePath(p))
			kinds = append(kinds, k)
		}
	}
	return paths, kinds
}

// errStopped ends a walk when the consumer stops iterating.
var errStopped = errors.New("stopped")

type jsonWalker struct {
	s       *stream
	ctx     context.Context
	yield   func(Record, error) bool
	paths   []Path
	kinds   []string
	found   []bool
	stopped bool
	known   func(kind string, b []byte) int
}

func (w *jsonWalker) document() error {
	c, err := w.s.peek()
	if err == io.EOF {
		return &ReadError{File: w.s.file, Err: errors.New("empty file")}
	}
	if err != nil {
		return w.s.errAt(w.s.pos, err)
	}
	js := false
	if isIdentStart(c) {
		if js = w.s.jsPrefix(); js {
			if c, err = w.s.peek(); err != nil {
				return w.s.errAt(w.s.pos, fmt.Errorf("nothing after the JavaScript assignment: %w", err))
			}
		}
	}
	if len(w.paths) == 0 {
		if c != '[' {
			return w.topLevelHint(c)
		}
		if err := w.collection(DefaultKind); err != nil {
			return err
		}
	} else {
		all := make([]int, len(w.paths))
		for i := range all {
			all[i] = i
		}
		if err := w.walk(0, all); err != nil {
			return err
		}
	}
	if js {
		w.s.semicolon()
	}
	return w.s.done()
}

// walk looks for the collections cands (indexes into w.paths) whose first
// depth segments match the current position. A segment "[]" steps into
// every element of the array there.
func (w *jsonWalker) walk(depth int, cands []int) error {
	for _, j := range cands {
		if len(w.paths[j]) == depth {
			w.found[j] = true
			return w.collection(w.kinds[j])
		}
	}
	c, err := w.s.peek()
	if err == nil && c == '[' {
		var each []int
		for _, j := range cands {
			if w.paths[j][depth] == jsonpath.Each {
				each = append(each, j)
				w.found[j] = true // the array is there, if empty
			}
		}
		if len(each) > 0 {
			return w.s.elements(func() error { return w.walk(depth+1, each) })
		}
	}
	if err != nil || c != '{' {
		return w.s.skip()
	}
	return w.s.members(func(name string) error {
		var sub []int
		for _, j := range cands {
			if w.paths[j][depth] == name {
				sub = append(sub, j)
			}
		}
		if len(sub) == 0 {
			return w.s.skip()
		}
		return w.walk(depth+1, sub)
	})
}

// collection yields each element of the array at the current position.
func (w *jsonWalker) collection(kind string) error {
	c, err := w.s.peek()
	if err == nil && c != '[' {
		return w.s.errAt(w.s.pos, fmt.Errorf("%s: expected an array of items, found %s", kindWhere(kind), describe(c)))
	}
	n := 0
	return w.s.elements(func() error {
		n++
		raw, ok := w.knownValue(kind)
		if !ok {
			var err error
			if raw, err = w.s.value(); errors.Is(err, errTooLarge) {
				// skipped whole: report it and read on
				if !w.yield(Record{}, fmt.Errorf("%w (in item %d of %s)", err, n, kind)) {
					w.stopped = true
					return errStopped
				}
				return nil
			} else if err != nil {
				return fmt.Errorf("%w (in item %d of %s)", err, n, kind)
			}
		}
		if n%1024 == 0 && w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		if !w.yield(Record{Kind: kind, Raw: raw}, nil) {
			w.stopped = true
			return errStopped
		}
		return nil
	})
}

// knownValue consumes the next value without scanning it when the merge
// already holds a version that the input starts with. That is sound
// because a held version is a complete value, which scanning would end at
// exactly the same byte; comparing bytes is many times faster than
// scanning them, and most items of a synthetic export were seen the day
// before.
func (w *jsonWalker) knownValue(kind string) ([]byte, bool) {
	if w.known == nil {
		return nil, false
	}
	if c, err := w.s.peek(); err != nil || c != '{' {
		return nil, false
	}
	b := w.s.buf[w.s.pos:]
	n := w.known(kind, b)
	if n == 0 {
		return nil, false
	}
	w.s.pos += n
	return b[:n], true
}

func kindWhere(kind string) string {
	if kind == DefaultKind {
		return "top level"
	}
	return fmt.Sprintf("%q", kind)
}

// missing reports collections the document does not have.
func (w *jsonWalker) missing() error {
	var gone []string
	for j, ok := range w.found {
		if !ok {
			gone = append(gone, w.kinds[j])
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return &ReadError{File: w.s.file, Err: fmt.Errorf("no item collection %s in the document (check items = [...])", strings.Join(gone, ", "))}
}

// topLevelHint explains a document that is not an array when no items
// path is set, listing the members that hold arrays.
func (w *jsonWalker) topLevelHint(c byte) error {
	if c != '{' {
		return w.s.errAt(w.s.pos, fmt.Errorf("expected a top-level array of items, found %s", describe(c)))
	}
	var arrays []string
	err := w.s.members(func(name string) error {
		if c, err := w.s.peek(); err == nil && c == '[' {
			arrays = append(arrays, fmt.Sprintf("%q", name))
		}
		return w.s.skip()
	})
	if err != nil {
		return err
	}
	hint := "it has no array members"
	if len(arrays) > 0 {
		hint = "arrays at: " + strings.Join(arrays, ", ")
	}
	return &ReadError{File: w.s.file, Err: fmt.Errorf("the document is an object, not an array: set items = [...] to the item collections (%s)", hint)}
}

// jsonlStream yields one record per non-blank line; a bad line is an
// error and the next line is read.
func jsonlStream(ctx context.Context, r io.Reader, path string, spec *Spec) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		rc := newInput(ctx, r)
		br := bufio.NewReaderSize(rc, chunkSize)
		var long []byte
		limit := spec.ItemLimit()
		for line := 1; ; line++ {
			b, big, err := readLine(br, &long, limit)
			if big && !yield(Record{}, lineTooLarge(path, line, limit)) {
				return
			}
			if len(b) > 0 && !jsonlLine(path, line, b, yield) {
				return
			}
			if err != nil {
				if err != io.EOF {
					yield(Record{}, &ReadError{File: path, Where: fmt.Sprintf("line %d", line), Err: unwrapPath(err, path)})
				}
				return
			}
			if line%1024 == 0 && ctx.Err() != nil {
				yield(Record{}, ctx.Err())
				return
			}
		}
	}
}

// readLine returns the next line without its newline; long lines are
// gathered into *long. A line longer than limit bytes is read to its end
// and dropped: readLine then returns no bytes and big.
func readLine(br *bufio.Reader, long *[]byte, limit int64) (b []byte, big bool, err error) {
	b, err = br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		*long = append((*long)[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = br.ReadSlice('\n')
			if big = big || int64(len(*long)+len(b)) > limit; big {
				*long = (*long)[:0] // keep reading to the line's end, keeping nothing
				continue
			}
			*long = append(*long, b...)
		}
		b = *long
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if big = big || int64(len(b)) > limit; big {
		b = nil
	}
	return b, big, err
}

// lineTooLarge is the error of a line over the maximum item size.
func lineTooLarge(path string, line int, limit int64) error {
	return &ReadError{File: path, Where: fmt.Sprintf("line %d", line),
		Err: fmt.Errorf("%w: the line is longer than the maximum item size (%s); it is skipped (max_item_size sets the limit)", errTooLarge, formatSize(limit))}
}

// jsonlLine checks one line holds exactly one value and yields it.
func jsonlLine(path string, line int, b []byte, yield func(Record, error) bool) bool {
	start := skipSpace(b, 0)
	if start == len(b) {
		return true
	}
	end, err := skipValue(b, start)
	if err == errIncomplete && isScalarEnd(b, start, end) {
		err = nil
	}
	if err == nil && skipSpace(b, end) != len(b) {
		err = fmt.Errorf("unexpected %s after the value", describe(b[skipSpace(b, end)]))
	}
	if err != nil {
		if err == errIncomplete {
			err = errors.New("unexpected end of line inside a value (truncated?)")
		}
		return yield(Record{}, &ReadError{File: path, Where: fmt.Sprintf("line %d", line), Err: err})
	}
	return yield(Record{Kind: DefaultKind, Raw: b[start:end]}, nil)
}
