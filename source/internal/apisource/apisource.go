// Package apisource is what the built-in sources of web APIs share
// (source/github, source/reddit, source/hypothesis, ...): their decoders
// read hoard's rest snapshots (JSON lines of responses, snapshot/restfmt)
// and, by content, the single JSON documents that other exporters wrote
// for the same service (karlicoss's ghexport, rexport and hypexport, run
// by arctee for years), so that old archives and new snapshots merge into
// one history.
package apisource

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/dal"
)

// restPrefix is how every line of a rest snapshot starts: the envelope's
// first member (restfmt.Envelope's field order).
const restPrefix = `{"endpoint":`

// Sniff reports whether the snapshot at path is a rest snapshot, from its
// first bytes. An empty snapshot is an error.
func Sniff(ctx context.Context, path string) (rest bool, err error) {
	rc, err := dal.OpenRecords(ctx, path)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 4096)
	for {
		b, err := br.Peek(1)
		if err == io.EOF {
			return false, &dal.ReadError{File: path, Err: errors.New("empty file")}
		}
		if err != nil {
			return false, &dal.ReadError{File: path, Err: err}
		}
		if !isSpace(b[0]) {
			break
		}
		br.ReadByte()
	}
	b, _ := br.Peek(len(restPrefix))
	return string(b) == restPrefix, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Legacy describes the JSON document another exporter writes: an object
// whose members are collections of items (or one item, such as a
// profile), or, in some older formats, one top-level array.
type Legacy struct {
	// Name is the exporter's name, for messages ("ghexport").
	Name string
	// Array is the kind of the items of a top-level array; "" when the
	// exporter never wrote one.
	Array string
	// Members are the top-level members the exporter writes, by name.
	// A document must have at least one of them. Members it has that
	// are not listed are read too, each as the kind of its name, once a
	// listed member came before them (the exporters write a listed one
	// first), so that another program's JSON yields an error, not items.
	Members map[string]Member
}

// Member is how one top-level member of a legacy document is read.
type Member struct {
	Kind string // the kind of its items; "" means the member's name
	// Wrap turns one item, compacted, into the record of that kind (so
	// that it has the same key path as hoard's own items of the kind);
	// nil keeps it as it is.
	Wrap func(raw []byte) ([]byte, error)
}

// Records returns a decoder's Records: rest snapshots are read with
// dal.REST (each endpoint's items are one kind), any other JSON document
// as legacy describes. With legacy nil, only rest snapshots are read.
func Records(legacy *Legacy) func(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
		return func(yield func(dal.Record, error) bool) {
			rest, err := Sniff(ctx, path)
			switch {
			case err != nil:
				yield(dal.Record{}, err)
			case rest:
				for rec, err := range dal.REST.Records(ctx, path, spec) {
					if !yield(rec, err) {
						return
					}
				}
			case legacy == nil:
				yield(dal.Record{}, &dal.ReadError{File: path, Err: errors.New("not a rest snapshot of hoard (its first line is not a response envelope)")})
			default:
				legacy.records(ctx, path, yield)
			}
		}
	}
}

// WrapIn returns a Wrap that puts the item under member name:
// {"name": item}.
func WrapIn(name string) func([]byte) ([]byte, error) {
	head := `{"` + name + `":`
	return func(raw []byte) ([]byte, error) {
		out := make([]byte, 0, len(head)+len(raw)+1)
		return append(append(append(out, head...), raw...), '}'), nil
	}
}

// records streams a legacy document: memory holds one item at a time.
func (l *Legacy) records(ctx context.Context, path string, yield func(dal.Record, error) bool) {
	rc, err := dal.OpenRecords(ctx, path)
	if err != nil {
		yield(dal.Record{}, err)
		return
	}
	defer rc.Close()
	l.read(ctx, path, bufio.NewReaderSize(rc, 1<<16), yield)
}

func (l *Legacy) read(ctx context.Context, path string, r io.Reader, yield func(dal.Record, error) bool) {
	w := &walker{l: l, path: path, ctx: ctx, yield: yield, dec: json.NewDecoder(r)}
	if err := w.document(); err != nil && !errors.Is(err, errStopped) {
		yield(dal.Record{}, err)
	}
}

var errStopped = errors.New("stopped")

type walker struct {
	l     *Legacy
	path  string
	ctx   context.Context
	yield func(dal.Record, error) bool
	dec   *json.Decoder
	n     int
	buf   bytes.Buffer
}

func (w *walker) errorf(format string, args ...any) error {
	return &dal.ReadError{File: w.path, Where: fmt.Sprintf("byte %d", w.dec.InputOffset()), Err: fmt.Errorf(format, args...)}
}

// syntax turns a decoding error into one naming the file and position.
func (w *walker) syntax(err error, what string) error {
	if errors.Is(err, errStopped) || errors.As(err, new(*dal.ReadError)) || errors.Is(err, w.ctx.Err()) && w.ctx.Err() != nil {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return w.errorf("unexpected end of file in %s (truncated?)", what)
	}
	return w.errorf("%s: %v", what, err)
}

func (w *walker) document() error {
	tok, err := w.dec.Token()
	if err == io.EOF {
		return &dal.ReadError{File: w.path, Err: errors.New("empty file")}
	}
	if err != nil {
		return w.syntax(err, "the document")
	}
	switch tok {
	case json.Delim('['):
		if w.l.Array == "" {
			return w.errorf("a top-level array, which %s does not write (is this the right decoder?)", w.l.Name)
		}
		if err := w.elements(Member{Kind: w.l.Array}, "the top-level array"); err != nil {
			return err
		}
	case json.Delim('{'):
		if err := w.members(); err != nil {
			return err
		}
	default:
		return w.errorf("expected the JSON object that %s writes, found %v", w.l.Name, tok)
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return w.errorf("unexpected data after the document")
	}
	return nil
}

// members reads the top-level object; its opening brace is consumed.
func (w *walker) members() error {
	var seen []string
	known := false
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntax(err, "the document")
		}
		name, _ := tok.(string)
		seen = append(seen, name)
		m, ok := w.l.Members[name]
		known = known || ok
		if m.Kind == "" {
			m.Kind = name
		}
		read := w.skip
		if known {
			read = func(name string) error { return w.member(name, m) }
		}
		if err := read(name); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(err, "the document")
	}
	if !known {
		return &dal.ReadError{File: w.path, Err: fmt.Errorf("not a %s document: its members are %s; expected some of %s",
			w.l.Name, quoteList(seen), quoteList(keys(w.l.Members)))}
	}
	return nil
}

// member reads one member's value: an array of items, one item (an
// object), or nothing (null or a scalar).
func (w *walker) member(name string, m Member) error {
	where := fmt.Sprintf("member %q", name)
	if w.peek() == '[' {
		if _, err := w.dec.Token(); err != nil {
			return w.syntax(err, where)
		}
		return w.elements(m, where)
	}
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return w.syntax(err, where)
	}
	switch raw[0] {
	case '{':
		return w.emit(m, raw, where)
	case '[': // not seen ahead (a buffer boundary): read from memory
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return w.syntax(err, where)
		}
		for i, it := range items {
			if err := w.emit(m, it, fmt.Sprintf("item %d of %s", i+1, where)); err != nil {
				return err
			}
		}
	}
	return nil
}

// skip reads past one member's value.
func (w *walker) skip(name string) error {
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return w.syntax(err, fmt.Sprintf("member %q", name))
	}
	return nil
}

// peek returns the first byte of the next value when the decoder has it
// buffered (json.Decoder has no peek), else 0.
func (w *walker) peek() byte {
	r := w.dec.Buffered()
	var b [1]byte
	for {
		if _, err := r.Read(b[:]); err != nil {
			return 0
		}
		if !isSpace(b[0]) && b[0] != ':' {
			return b[0]
		}
	}
}

// elements reads the items of an array whose opening bracket is consumed.
func (w *walker) elements(m Member, where string) error {
	i := 0
	for w.dec.More() {
		i++
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return w.syntax(err, fmt.Sprintf("item %d of %s", i, where))
		}
		if err := w.emit(m, raw, fmt.Sprintf("item %d of %s", i, where)); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(err, where)
	}
	return nil
}

// emit yields one item, compacted and wrapped.
func (w *walker) emit(m Member, raw json.RawMessage, where string) error {
	if w.n++; w.n%256 == 0 && w.ctx.Err() != nil {
		return w.ctx.Err()
	}
	if len(raw) == 0 || raw[0] != '{' {
		return w.errorf("%s is not a JSON object", where)
	}
	w.buf.Reset()
	if err := json.Compact(&w.buf, raw); err != nil {
		return w.syntax(err, where)
	}
	rec := w.buf.Bytes()
	if m.Wrap != nil {
		var err error
		if rec, err = m.Wrap(rec); err != nil {
			return w.errorf("%s: %v", where, err)
		}
	}
	if !w.yield(dal.Record{Kind: m.Kind, Raw: rec}, nil) {
		return errStopped
	}
	return nil
}

func keys(m map[string]Member) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func quoteList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
