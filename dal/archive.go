package dal

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/snapshot"
	kflate "github.com/klauspost/compress/flate"
)

// Archive reads snapshots that are zip or tar archives (a Google
// Takeout, a Twitter archive, a directory stored by hoard import): plain
// tar, or compressed with gzip (.tgz, .tar.gz), zstd, xz or bzip2. Each
// member is read in place, streaming, by an inner decoder, never
// extracted to disk (except for decoders that need a file, such as
// SQLite's, which get a temporary copy of their member; so does a zip
// snapshot that is itself compressed, since zip needs random access).
//
// Which members are read, and as what, is said per kind: a kind's
// Members globs choose its members ("Takeout/*/MyActivity.json", "**"
// spans directories), its Decoder reads them (default: the format decoder
// of each member's extension), its Items says where the items are in a
// member document. Records a member yields without a kind of their own
// (a top-level JSON array, CSV rows) are of that kind. Spec.Members
// chooses members read with the source-wide settings. With no members set
// anywhere, every member that the JSON, JSON lines, CSV or TSV decoder
// reads by its extension is read. A member compressed on its own
// (x.json.gz) is decompressed.
//
// Errors name the archive and the member (ReadError.Member); a member
// that fails to decode does not stop the others.
var Archive = &Decoder{Name: "archive", Version: 1, Exts: []string{"zip", "tar", "tgz"}}

func init() { Archive.Records = archiveRecords } // it reads members with Formats, Archive among them

// memberDefaults are the decoders that read members by extension when no
// members are set.
func memberDefaults() []*Decoder { return []*Decoder{JSON, JSONL, CSV, TSV} }

// archiveReader reads one archive snapshot.
type archiveReader struct {
	path  string
	spec  *Spec
	yield func(Record, error) bool
	kinds []string // named kinds with members, sorted
	// matched records which kinds' globs matched some member, to report
	// those that matched none.
	matched map[string]bool
	stopped bool
}

func archiveRecords(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		a := &archiveReader{path: path, spec: spec, yield: yield, matched: map[string]bool{}}
		for _, k := range spec.namedKinds() {
			if len(spec.ForKind(k).Members) > 0 {
				a.kinds = append(a.kinds, k)
			}
		}
		if err := a.read(ctx); err != nil {
			if !a.stopped {
				a.fail("", err)
			}
			return
		}
		if a.stopped {
			return
		}
		for _, k := range a.kinds {
			if !a.matched[k] && !a.fail("", fmt.Errorf("no member matches kinds.%s.members %q", k, a.spec.ForKind(k).Members)) {
				return
			}
		}
	}
}

// fail yields an error about the archive or one of its members; it
// returns false once the consumer stopped.
func (a *archiveReader) fail(member string, err error) bool {
	if a.stopped {
		return false
	}
	if err == context.Canceled || err == context.DeadlineExceeded {
		a.stopped = !a.yield(Record{}, err)
		return !a.stopped
	}
	if re, ok := err.(*ReadError); ok && (re.File == a.path || re.File == "") {
		c := *re
		c.File = a.path
		if c.Member == "" {
			c.Member = member
		}
		err = &c
	} else {
		// a wrapped ReadError ("... (in item 3 of saved)") keeps its
		// whole message, without the file it names
		err = &ReadError{File: a.path, Member: member, Err: unwrapPath(err, a.path)}
	}
	a.stopped = !a.yield(Record{}, err)
	return !a.stopped
}

// Archive magic numbers.
var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	gzipMagic     = []byte{0x1f, 0x8b}
)

// read dispatches on the archive's format, found by its first bytes.
func (a *archiveReader) read(ctx context.Context) error {
	rc, err := openSnapshot(a.path)
	if err != nil {
		return unwrapPath(err, a.path)
	}
	br := bufio.NewReaderSize(newInput(ctx, rc), 64<<10)
	head, _ := br.Peek(512)
	if bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, zipEmptyMagic) {
		rc.Close()
		return a.zip(ctx)
	}
	defer rc.Close()
	if len(head) == 0 {
		return errors.New("empty file")
	}
	if bytes.HasPrefix(head, gzipMagic) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("reading the gzip stream: %w", err)
		}
		defer gz.Close()
		return a.tar(ctx, gz)
	}
	return a.tar(ctx, br)
}

// zip reads a zip archive through random access: the snapshot itself, or
// a decompressed temporary copy of it.
func (a *archiveReader) zip(ctx context.Context) error {
	file, remove, err := plainFile(a.path)
	if err != nil {
		return err
	}
	defer remove()
	f, err := os.Open(file)
	if err != nil {
		return unwrapPath(err, file)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, info.Size())
	if err != nil {
		return fmt.Errorf("not a readable zip archive (truncated?): %w", err)
	}
	zr.RegisterDecompressor(zip.Deflate, inflater)
	for _, zf := range zr.File {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !zf.Mode().IsRegular() {
			continue
		}
		if !a.member(ctx, zf.Name, func() (io.ReadCloser, error) { return zf.Open() }) {
			return nil
		}
	}
	return nil
}

// inflater reads deflated zip members with klauspost/compress's flate
// (already hoard's zstd and gzip), which inflated a 1 GiB zip of JSON
// about 20% faster than the standard library's here: most of the time
// reading a takeout goes to inflating it.
func inflater(r io.Reader) io.ReadCloser { return kflate.NewReader(r) }

// tar reads a tar stream member by member.
func (a *archiveReader) tar(ctx context.Context, r io.Reader) error {
	tr := tar.NewReader(r)
	for n := 0; ; n++ {
		h, err := tr.Next()
		if err == io.EOF {
			return nil // the end, or an empty archive
		}
		if err != nil {
			if n == 0 {
				return fmt.Errorf("not a zip or tar archive: %w", err)
			}
			return fmt.Errorf("reading the tar stream after %d members (truncated?): %w", n, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != '\x00' {
			continue
		}
		if !a.member(ctx, h.Name, func() (io.ReadCloser, error) { return io.NopCloser(tr), nil }) {
			return nil
		}
	}
}

// target is one reading of a member: by the kinds it is read for (""
// standing for the source-wide settings), with one decoder.
type target struct {
	dec   *Decoder
	kinds []string
}

// member reads one member if some kind wants it; it returns false once
// the consumer stopped.
func (a *archiveReader) member(ctx context.Context, name string, open func() (io.ReadCloser, error)) bool {
	slash := strings.ReplaceAll(name, `\`, "/")
	slash = strings.TrimPrefix(slash, "./")
	targets, err := a.targets(slash)
	if err != nil {
		return a.fail(name, err)
	}
	for _, t := range targets {
		rc, err := open()
		if err != nil {
			return a.fail(name, err)
		}
		ok := a.decode(ctx, name, slash, rc, t)
		rc.Close()
		if !ok {
			return false
		}
		if len(targets) > 1 {
			// a second reading of a tar member has nothing left to read
			return a.fail(name, errors.New("the member is read by kinds with different decoders; only the first is read"))
		}
	}
	return true
}

// targets returns how a member is read: by the kinds whose members match
// it, grouped by decoder; else with the source-wide settings when
// Spec.Members matches it, or when no members are set anywhere and a
// format decoder reads its extension.
func (a *archiveReader) targets(name string) ([]target, error) {
	var kinds []string
	for _, k := range a.kinds {
		for _, g := range a.spec.ForKind(k).Members {
			if matchGlob(g, name) {
				kinds = append(kinds, k)
				a.matched[k] = true
				break
			}
		}
	}
	ext := memberExt(name)
	if len(kinds) == 0 {
		switch {
		case len(a.spec.Members) > 0:
			if !slices.ContainsFunc(a.spec.Members, func(g string) bool { return matchGlob(g, name) }) {
				return nil, nil
			}
			dec := formatFor(ext, Formats())
			if dec == nil {
				return nil, fmt.Errorf("no decoder for the extension %q of this member (formats: %s)", ext, formatNames())
			}
			return []target{{dec: dec, kinds: []string{""}}}, nil
		case len(a.kinds) == 0:
			if dec := formatFor(ext, memberDefaults()); dec != nil {
				return []target{{dec: dec, kinds: []string{""}}}, nil
			}
		}
		return nil, nil
	}
	var out []target
	for _, k := range kinds {
		dec := a.spec.ForKind(k).Decoder
		if dec == nil {
			if dec = formatFor(ext, Formats()); dec == nil {
				return nil, fmt.Errorf("no decoder for the extension %q of this member, chosen by kinds.%s.members: set kinds.%s.decoder", ext, k, k)
			}
		}
		if i := slices.IndexFunc(out, func(t target) bool { return t.dec == dec }); i >= 0 {
			out[i].kinds = append(out[i].kinds, k)
		} else {
			out = append(out, target{dec: dec, kinds: []string{k}})
		}
	}
	return out, nil
}

// memberExt is a member's extension without a codec suffix: "json" for
// "a/b.json.gz".
func memberExt(name string) string {
	base, _ := splitMemberCodec(path.Base(name))
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return strings.ToLower(base[i+1:])
	}
	return ""
}

func splitMemberCodec(name string) (string, snapshot.Codec) {
	c := snapshot.CodecOf(name)
	if c == snapshot.None {
		return name, c
	}
	return name[:strings.LastIndexByte(name, '.')], c
}

// formatFor returns the decoder among decs that reads ext; nested
// archives are not read.
func formatFor(ext string, decs []*Decoder) *Decoder {
	for _, d := range decs {
		if d != Archive && slices.Contains(d.Exts, ext) {
			return d
		}
	}
	return nil
}

// decode reads one member with one target's decoder and settings,
// yielding its records under the target's kinds.
func (a *archiveReader) decode(ctx context.Context, name, slash string, rc io.Reader, t target) bool {
	if _, c := splitMemberCodec(path.Base(slash)); c != snapshot.None {
		d, err := snapshot.NewDecompressor(rc, c)
		if err != nil {
			return a.fail(name, err)
		}
		defer d.Close()
		rc = d
	}
	sub, plain := a.subSpec(t)
	sub.Member = slash
	mapKind := func(kind string) []string {
		if kind == DefaultKind {
			return plain
		}
		return []string{kind}
	}
	if known := a.spec.known; known != nil {
		sub.known = func(kind string, b []byte) int {
			if ks := mapKind(kind); len(ks) == 1 {
				return known(ks[0], b)
			}
			return 0
		}
	}
	records := func() iter.Seq2[Record, error] {
		if t.dec.Stream != nil {
			return t.dec.Stream(ctx, rc, a.path, sub)
		}
		return a.viaFile(ctx, name, rc, t.dec, sub)
	}
	for rec, err := range records() {
		if err != nil {
			if !a.fail(name, err) {
				return false
			}
			continue
		}
		for _, k := range mapKind(rec.Kind) {
			rec.Kind = k
			if !a.yield(rec, nil) {
				a.stopped = true
				return false
			}
		}
	}
	return !a.stopped
}

// subSpec returns the settings a target's member is read with, and the
// kinds that records without a kind of their own become.
func (a *archiveReader) subSpec(t target) (*Spec, []string) {
	sub := &Spec{Source: a.spec.Source, Decoder: t.dec, Queries: a.spec.Queries, QueryFallbacks: a.spec.QueryFallbacks, MaxItemSize: a.spec.MaxItemSize}
	var plain []string
	for _, k := range t.kinds {
		if k == "" {
			sub.Items = a.spec.Items
			plain = append(plain, DefaultKind)
			continue
		}
		if items := a.spec.ForKind(k).Items; items != "" {
			if sub.Kinds == nil {
				sub.Kinds = map[string]KindSpec{}
			}
			sub.Kinds[k] = KindSpec{Items: items}
			continue
		}
		plain = append(plain, k)
	}
	sort.Strings(plain)
	return sub, plain
}

// viaFile reads a member with a decoder that needs a file (SQLite): the
// member is copied to a temporary file, removed afterwards; errors name
// the archive and member, not the copy.
func (a *archiveReader) viaFile(ctx context.Context, name string, r io.Reader, dec *Decoder, sub *Spec) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		tmp, err := os.CreateTemp("", "hoard-member-*"+path.Ext(name))
		if err != nil {
			yield(Record{}, fmt.Errorf("copying the member to a temporary file: %w", err))
			return
		}
		defer os.Remove(tmp.Name())
		_, err = io.Copy(tmp, newInput(ctx, r))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			yield(Record{}, fmt.Errorf("copying the member to a temporary file: %w", err))
			return
		}
		for rec, err := range dec.Records(ctx, tmp.Name(), sub) {
			var re *ReadError
			if errors.As(err, &re) && re.File == tmp.Name() {
				c := *re
				c.File = a.path
				err = &c
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}
