package apisource

// The decoders of the web sources (source/github, source/reddit,
// source/hypothesis, ...) read hoard's rest snapshots (JSON lines of
// responses, snapshot/restfmt) and, by content, the single JSON documents
// that other exporters wrote for the same service (karlicoss's ghexport,
// rexport and hypexport, run by arctee for years), so that old archives
// and new snapshots merge into one history.

import (
	"bufio"
	"bytes"
	"context"
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
	rest, _, err = sniff(ctx, path)
	return rest, err
}

// sniff also returns the first byte that is not white space.
func sniff(ctx context.Context, path string) (rest bool, first byte, err error) {
	rc, err := dal.OpenRecords(ctx, path)
	if err != nil {
		return false, 0, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 4096)
	for {
		b, err := br.Peek(1)
		if err == io.EOF {
			return false, 0, &dal.ReadError{File: path, Err: errors.New("empty file")}
		}
		if err != nil {
			return false, 0, &dal.ReadError{File: path, Err: err}
		}
		if !isSpace(b[0]) {
			break
		}
		br.ReadByte()
	}
	b, _ := br.Peek(len(restPrefix))
	return string(b) == restPrefix, b[0], nil
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
			rest, first, err := sniff(ctx, path)
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
				legacy.records(ctx, path, spec, first == '[', yield)
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

// records streams a legacy document with dal.Members: memory holds one
// item at a time.
func (l *Legacy) records(ctx context.Context, path string, spec *dal.Spec, array bool, yield func(dal.Record, error) bool) {
	var seen []string
	known, failed := array && l.Array != "", false
	wraps := map[string]func([]byte) ([]byte, error){}
	kind := func(member string) string {
		seen = append(seen, member)
		m, ok := l.Members[member]
		known = known || ok
		if !known {
			return "" // not (yet) this exporter's document
		}
		if m.Kind == "" {
			m.Kind = member
		}
		if m.Wrap != nil {
			wraps[m.Kind] = m.Wrap
		}
		return m.Kind
	}
	var buf []byte
	n := map[string]int{}
	for rec, err := range dal.Members(ctx, path, spec, l.Array, kind) {
		if err != nil {
			failed = true
			if !yield(rec, err) {
				return
			}
			continue
		}
		n[rec.Kind]++
		if len(rec.Raw) == 0 || rec.Raw[0] != '{' {
			if !yield(dal.Record{}, &dal.ReadError{File: path, Where: fmt.Sprintf("item %d of %s", n[rec.Kind], rec.Kind), Err: errors.New("not a JSON object")}) {
				return
			}
			continue
		}
		buf = compact(buf[:0], rec.Raw)
		raw := buf
		if wrap := wraps[rec.Kind]; wrap != nil {
			if raw, err = wrap(raw); err != nil {
				if !yield(dal.Record{}, &dal.ReadError{File: path, Where: fmt.Sprintf("item %d of %s", n[rec.Kind], rec.Kind), Err: err}) {
					return
				}
				continue
			}
		}
		if !yield(dal.Record{Kind: rec.Kind, Raw: raw}, nil) {
			return
		}
	}
	if !known && !failed {
		what := "its members are " + quoteList(seen)
		if array {
			what = "a top-level array, which " + l.Name + " does not write"
		}
		yield(dal.Record{}, &dal.ReadError{File: path, Err: fmt.Errorf("not a %s document: %s; expected some of %s", l.Name, what, quoteList(keys(l.Members)))})
	}
}

// compact appends src without the white space outside its strings: the
// exporters indent their documents, hoard's snapshots are compact. src
// is a complete JSON value (the scanner found its end), so its strings
// are closed.
func compact(dst, src []byte) []byte {
	start := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '"': // jump to the closing quote: one not escaped by an odd run of backslashes
			for {
				q := bytes.IndexByte(src[i+1:], '"')
				if q < 0 {
					return append(dst, src[start:]...)
				}
				i += 1 + q
				n := 0
				for k := i - 1; k >= 0 && src[k] == '\\'; k-- {
					n++
				}
				if n%2 == 0 {
					break
				}
			}
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
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
