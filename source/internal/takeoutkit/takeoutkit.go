// Package takeoutkit is what the built-in sources of takeouts and archives
// (google-takeout, twitter, facebook, instagram, telegram) share: a
// snapshot that is either the whole archive (zip, tar, a tgz, as the
// service delivered it or as hoard import stored a folder) or one file of
// it (a Records.json, a result.json imported on its own); a look at the
// start of a document to tell its format generation; the members a
// decoder adds in front of an item's own ("hoard": {...}, see Annotate);
// and a few scanners over raw JSON values.
//
// Items stay as the service wrote them: a decoder only adds one member,
// "hoard", in front of an item's members, holding what it had to derive
// (a time in one form across generations, the chat a message is in, the
// plain text of a message written as entities). Everything else is the
// service's own bytes.
package takeoutkit

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"

	"github.com/hoard-dev/hoard/dal"
)

// HeadSize is how much of a document Sniff looks at.
const HeadSize = 64 << 10

// Archive magic numbers: zip (a local file header, or the end record of
// an empty zip), gzip (a .tgz), and ustar at offset 257 of a tar.
var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	gzipMagic     = []byte{0x1f, 0x8b}
	tarMagic      = []byte("ustar")
)

// IsArchive reports whether the first bytes of a snapshot (uncompressed,
// as dal.OpenRecords gives them) are those of a zip, a gzip stream (a
// tgz) or a tar.
func IsArchive(head []byte) bool {
	switch {
	case bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, zipEmptyMagic), bytes.HasPrefix(head, gzipMagic):
		return true
	case len(head) >= 262 && bytes.Equal(head[257:262], tarMagic):
		return true
	}
	return false
}

// ReadFunc reads one file of an export from r (an archive member, or a
// snapshot that is one file); name is the snapshot named in errors. whole
// says the snapshot is this one file: a file the source does not read is
// then an error, while in an archive it is skipped (a takeout holds many
// files no source reads). Its records carry their own kinds.
type ReadFunc func(ctx context.Context, r io.Reader, name string, spec *dal.Spec, whole bool) iter.Seq2[dal.Record, error]

// SniffedFunc reads one file of an export (see ReadFunc) through br,
// whose head Sniff has looked at (h), yielding its records.
type SniffedFunc func(ctx context.Context, br *bufio.Reader, h Head, name string, spec *dal.Spec, whole bool, yield func(dal.Record, error) bool)

// Sniffed returns the ReadFunc that looks at the head of each file and
// reads it with read; a file whose head cannot be read is an error naming
// it.
func Sniffed(read SniffedFunc) ReadFunc {
	return func(ctx context.Context, r io.Reader, name string, spec *dal.Spec, whole bool) iter.Seq2[dal.Record, error] {
		return func(yield func(dal.Record, error) bool) {
			br := NewReader(r)
			h, err := Sniff(br)
			if err != nil {
				yield(dal.Record{}, ReadError(name, "", err))
				return
			}
			read(ctx, br, h, name, spec, whole, yield)
		}
	}
}

// Reader is a source's way of reading its snapshots.
type Reader struct {
	// Kind names the read settings under which archive members are read
	// (a kind the decoder never yields, added to the spec for the read
	// only): Members chooses them, Read reads each.
	Kind    string
	Members []string
	Read    ReadFunc
	// Named, when set, reads archives instead with the kinds the
	// decoder's own Kinds give members to (dal.KindSpec.Members and
	// Decoder), as dal.Archive does; Read then reads a snapshot that is
	// one file.
	Named bool
}

// Records reads a snapshot: an archive through dal.Archive, each member
// matching Members read by Read, or one file of the export by Read.
func (r *Reader) Records(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		archive, err := snapshotIsArchive(ctx, path)
		if err != nil {
			yield(dal.Record{}, err)
			return
		}
		if !archive {
			whole := func(ctx context.Context, rd io.Reader, name string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
				return r.Read(ctx, rd, name, spec, true)
			}
			for rec, err := range dal.RecordsOf(whole)(ctx, path, spec) {
				if !yield(rec, err) {
					return
				}
			}
			return
		}
		s := *spec
		if !r.Named {
			s.Kinds = maps.Clone(spec.Kinds)
			if s.Kinds == nil {
				s.Kinds = map[string]dal.KindSpec{}
			}
			member := func(ctx context.Context, rd io.Reader, name string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
				return r.Read(ctx, rd, name, spec, false)
			}
			s.Kinds[r.Kind] = dal.KindSpec{Members: r.Members, Decoder: &dal.Decoder{Name: r.Kind, Version: 1, Stream: member}}
		}
		for rec, err := range dal.Archive.Records(ctx, path, &s) {
			if !yield(rec, err) {
				return
			}
		}
	}
}

// snapshotIsArchive looks at the first bytes of a snapshot.
func snapshotIsArchive(ctx context.Context, path string) (bool, error) {
	rc, err := dal.OpenRecords(ctx, path)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return false, &dal.ReadError{File: path, Err: err}
	}
	return IsArchive(head[:n]), nil
}

// Head is what the start of a document says about it.
type Head struct {
	// Type is the first significant byte: '{', '[', '<' (HTML, XML), or
	// 0 for anything else (an empty file, garbage).
	Type byte
	// JS is the target of a JavaScript assignment the JSON is behind
	// ("window.YTD.tweets.part0"), or "".
	JS string
	// Keys are the names of the members of the top-level object, or of
	// the first element of a top-level array, in order, as far as the
	// head reaches (the member whose value the head ends in included).
	Keys []string
	// Element is the first element of a top-level array, when the head
	// holds all of it.
	Element []byte
	// Bytes is the head itself.
	Bytes []byte
}

// Has reports whether name is among the keys.
func (h Head) Has(name string) bool {
	for _, k := range h.Keys {
		if k == name {
			return true
		}
	}
	return false
}

// First returns the first key, or "".
func (h Head) First() string {
	if len(h.Keys) == 0 {
		return ""
	}
	return h.Keys[0]
}

// Sniff reads the start of a document through br (whose buffer must hold
// HeadSize bytes: NewReader) without consuming it.
func Sniff(br *bufio.Reader) (Head, error) {
	b, err := br.Peek(HeadSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		if len(b) == 0 {
			return Head{}, err
		}
	}
	return SniffBytes(b), nil
}

// NewReader returns a reader whose buffer Sniff can look into.
func NewReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, HeadSize) }

// SniffBytes is Sniff on bytes.
func SniffBytes(b []byte) Head {
	h := Head{Bytes: b}
	i := skipSpace(b, skipBOM(b))
	if i >= len(b) {
		return h
	}
	if isIdentStart(b[i]) {
		for _, kw := range []string{"var ", "let ", "const "} {
			if bytes.HasPrefix(b[i:], []byte(kw)) {
				i = skipSpace(b, i+len(kw))
				break
			}
		}
		j := i
		for j < len(b) && (isIdent(b[j]) || b[j] == '.' || b[j] == '[' || b[j] == ']' || b[j] == '"' || b[j] == '\'') {
			j++
		}
		k := skipSpace(b, j)
		if k >= len(b) || b[k] != '=' {
			return h
		}
		h.JS = string(b[i:j])
		i = skipSpace(b, k+1)
		if i >= len(b) {
			return h
		}
	}
	switch b[i] {
	case '<':
		h.Type = '<'
		return h
	case '{':
		h.Type = '{'
		h.Keys = objectKeys(b, i)
	case '[':
		h.Type = '['
		if j := skipSpace(b, i+1); j < len(b) && b[j] == '{' {
			h.Keys = objectKeys(b, j)
			if end, err := skipValue(b, j); err == nil {
				h.Element = b[j:end]
			}
		}
	}
	return h
}

func skipBOM(b []byte) int {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return 3
	}
	return 0
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdent(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// objectKeys returns the member names of the object starting at b[i], as
// far as b reaches.
func objectKeys(b []byte, i int) []string {
	var keys []string
	for m, err := range members(b, i, true) {
		if err != nil {
			break
		}
		keys = append(keys, m.Name)
	}
	return keys
}

// Annotate returns raw, a JSON object, with the member "hoard" (whose
// value is the object fields renders) in front of its own members; raw's
// bytes follow unchanged. Anything but an object is returned as it is.
func Annotate(raw []byte, fields *Fields) []byte {
	if fields.Empty() {
		return raw
	}
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return raw
	}
	out := make([]byte, 0, len(raw)+len(fields.buf)+16)
	out = append(out, `{"hoard":`...)
	out = fields.AppendObject(out)
	rest := skipSpace(raw, i+1)
	if rest < len(raw) && raw[rest] == '}' {
		return append(out, '}')
	}
	out = append(out, ',')
	return append(out, raw[i+1:]...)
}

// Fields is an ordered JSON object under construction.
type Fields struct {
	buf []byte
	n   int
}

// Empty reports whether no field was added.
func (f *Fields) Empty() bool { return f == nil || f.n == 0 }

func (f *Fields) name(name string) {
	if f.n > 0 {
		f.buf = append(f.buf, ',')
	}
	f.n++
	f.buf = dal.AppendJSONString(f.buf, name)
	f.buf = append(f.buf, ':')
}

// String adds a string member.
func (f *Fields) String(name, v string) *Fields {
	f.name(name)
	f.buf = dal.AppendJSONString(f.buf, v)
	return f
}

// Raw adds a member whose value is raw JSON, copied as it is.
func (f *Fields) Raw(name string, v []byte) *Fields {
	f.name(name)
	f.buf = append(f.buf, bytes.TrimSpace(v)...)
	return f
}

// AppendObject appends the fields as a JSON object.
func (f *Fields) AppendObject(dst []byte) []byte {
	dst = append(dst, '{')
	dst = append(dst, f.buf...)
	return append(dst, '}')
}

// ReadError is an error about one part of a file: where (a line, an item),
// or the whole file when where is "".
func ReadError(file, where string, err error) error {
	return &dal.ReadError{File: file, Where: where, Err: err}
}

// Unrecognised is the error of a snapshot that is one file but none the
// source reads: what it expected, and what the file starts with.
func Unrecognised(file string, h Head, expected string) error {
	var what string
	switch {
	case len(h.Bytes) == 0:
		what = "the file is empty"
	case h.Type == 0:
		what = fmt.Sprintf("it starts with %q", clip(h.Bytes, 24))
	case len(h.Keys) > 0:
		what = fmt.Sprintf("its first members are %s", quoteList(h.Keys, 4))
	default:
		what = fmt.Sprintf("it starts with %q", clip(h.Bytes, 24))
	}
	return &dal.ReadError{File: file, Err: fmt.Errorf("not %s: %s", expected, what)}
}

func clip(b []byte, n int) string {
	i := skipSpace(b, skipBOM(b))
	b = b[i:]
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

func quoteList(keys []string, n int) string {
	var out []byte
	for i, k := range keys {
		if i == n {
			out = append(out, ", ..."...)
			break
		}
		if i > 0 {
			out = append(out, ", "...)
		}
		out = fmt.Appendf(out, "%q", k)
	}
	return string(out)
}
