package dal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
)

// Members streams a JSON document that is one object of named
// collections, as many exporters write (karlicoss's ghexport, rexport,
// hypexport: {"profile": {...}, "saved": [...], ...}), or, in some older
// formats, one array. For each top-level member, kind(name) says which
// kind its items are, "" skipping the member: an array's elements are
// records of that kind, an object is one record, null and other values
// none. A top-level array's elements are records of kind array, skipped
// when that is "". Records are the items' bytes as in the file; memory
// holds one item at a time, and an item larger than spec's limit
// (Spec.ItemLimit; spec may be nil) is an error, as for the JSON decoder.
// Errors are *ReadError values naming the file, line and byte; the
// document cannot be read past a syntax error.
func Members(ctx context.Context, path string, spec *Spec, array string, kind func(member string) string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		f, err := openErr(path)
		if err != nil {
			yield(Record{}, err)
			return
		}
		defer f.Close()
		w := &jsonWalker{s: newStream(newInput(ctx, f), path), yield: yield, ctx: ctx}
		if spec != nil {
			w.s.maxItem = spec.ItemLimit()
		}
		defer w.s.release()
		if err := w.topMembers(array, kind); err != nil && !w.stopped {
			yield(Record{}, err)
		}
	}
}

func (w *jsonWalker) topMembers(array string, kind func(string) string) error {
	c, err := w.s.peek()
	if err == io.EOF {
		return &ReadError{File: w.s.file, Err: errors.New("empty file")}
	}
	if err != nil {
		return w.s.errAt(w.s.pos, err)
	}
	switch c {
	case '[':
		if array != "" {
			err = w.collection(array)
		} else {
			err = w.s.skip()
		}
	case '{':
		err = w.s.members(func(name string) error {
			k := kind(name)
			if k == "" {
				return w.s.skip()
			}
			switch c, err := w.s.peek(); {
			case err != nil:
				return w.s.errAt(w.s.pos, fmt.Errorf("member %q has no value (truncated?)", name))
			case c == '[':
				return w.collection(k)
			case c == '{':
				return w.one(k)
			}
			return w.s.skip()
		})
	default:
		return w.s.errAt(w.s.pos, fmt.Errorf("expected a JSON object or array, found %s", describe(c)))
	}
	if err != nil {
		return err
	}
	return w.s.done()
}

// one yields the object at the current position as one record.
func (w *jsonWalker) one(kind string) error {
	raw, err := w.s.value()
	if errors.Is(err, errTooLarge) { // skipped whole: report it and read on
		if !w.yield(Record{}, fmt.Errorf("%w (in %s)", err, kind)) {
			w.stopped = true
			return errStopped
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w (in %s)", err, kind)
	}
	if !w.yield(Record{Kind: kind, Raw: raw}, nil) {
		w.stopped = true
		return errStopped
	}
	return nil
}
