package dal

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/hoard-dev/hoard/jsonpath"
	"github.com/hoard-dev/hoard/snapshot"
)

// Decoder reads snapshots of one format. Decoders are values: the format
// decoders of this package are listed by Formats, and a built-in source's
// package (source/firefox, ...) holds its own. A Spec names the one it
// uses; nothing is registered globally.
type Decoder struct {
	Name string
	// Version changes whenever the records a decoder yields for the same
	// input change, so that caches built with an older version are
	// rebuilt.
	Version int
	// Exts are the snapshot extensions for which Formats' decoders are
	// chosen when a spec names none.
	Exts []string
	// Kinds are the read defaults of the kinds of items the decoder
	// yields (key, time, title, ...), used where the spec sets nothing.
	Kinds map[string]KindSpec
	// Records yields the records of the snapshot at path (compressed or
	// not), with an error value for each part that cannot be read; the
	// sequence goes on after an error when the format allows it. Errors
	// are *ReadError values naming the file. It must stop promptly once
	// ctx is done, yielding ctx's error.
	Records func(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error]
	// Stream, when set, reads a snapshot's uncompressed bytes from r
	// (an archive member, say) as Records reads the file; name is the
	// snapshot named in errors. Decoders that need a file (SQLite)
	// leave it nil: an archive member they read is first copied to a
	// temporary file.
	Stream StreamFunc
}

// The format decoders, chosen by extension when a spec names no decoder.
var (
	JSON   = streaming(&Decoder{Name: "json", Version: 2, Exts: []string{"json", "js"}, Stream: jsonStream})
	JSONL  = streaming(&Decoder{Name: "jsonl", Version: 1, Exts: []string{"jsonl", "ndjson"}, Stream: jsonlStream})
	CSV    = streaming(&Decoder{Name: "csv", Version: 1, Exts: []string{"csv"}, Stream: csvStream(',')})
	TSV    = streaming(&Decoder{Name: "tsv", Version: 1, Exts: []string{"tsv"}, Stream: csvStream('\t')})
	SQLite = &Decoder{Name: "sqlite", Version: 2, Exts: []string{"sqlite", "sqlite3", "db"}, Records: sqliteRecords}
	XML    = streaming(&Decoder{Name: "xml", Version: 2, Exts: []string{"xml", "rss", "atom", "opml"}, Stream: xmlStream})
	// REST reads the snapshots of the rest exporter (snapshot/restfmt);
	// its kinds are the endpoints' names. It has no extension of its own.
	REST = streaming(&Decoder{Name: "rest", Version: 1, Stream: restStream})
)

// streaming fills in the Records of a decoder that streams.
func streaming(d *Decoder) *Decoder {
	d.Records = RecordsOf(d.Stream)
	return d
}

// Formats returns the format decoders, in a fixed order.
func Formats() []*Decoder { return []*Decoder{JSON, JSONL, CSV, TSV, SQLite, XML, REST, Archive} }

// decoderFor picks the decoder of a snapshot: the spec's, else the format
// decoder of the file's extension.
func decoderFor(spec *Spec, snap snapshot.Snapshot) (*Decoder, error) {
	if spec.Decoder != nil {
		return spec.Decoder, nil
	}
	ext := strings.ToLower(snap.Ext)
	if i := strings.LastIndexByte(ext, '.'); i >= 0 {
		ext = ext[i+1:]
	}
	for _, d := range Formats() {
		if slices.Contains(d.Exts, ext) {
			return d, nil
		}
	}
	return nil, fmt.Errorf("no decoder for extension %q: set decoder = \"...\" for the source (formats: %s)", snap.Ext, formatNames())
}

func formatNames() string {
	var names []string
	for _, d := range Formats() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

// Validate checks a spec before any file is read.
func (s Spec) Validate() error {
	switch s.Merge {
	case "", Union, Latest:
	default:
		return fmt.Errorf("merge = %q: use %q or %q", s.Merge, Union, Latest)
	}
	for _, p := range s.Items {
		if err := checkPath("items", p, true); err != nil {
			return err
		}
	}
	for _, m := range s.Members {
		if err := checkGlob("members", m); err != nil {
			return err
		}
	}
	if err := checkKind("", s.own()); err != nil {
		return err
	}
	for _, k := range s.namedKinds() {
		if err := checkKind("kinds."+k+".", s.Kinds[k]); err != nil {
			return err
		}
	}
	return nil
}

// checkKind checks the paths of one kind's settings (or the spec's own,
// with prefix "").
func checkKind(prefix string, k KindSpec) error {
	for _, f := range []struct {
		name  string
		paths []string
	}{{"key", k.Key}, {"time", optionalPath(k.Time)}, {"title", optionalPath(k.Title)}, {"url", optionalPath(k.URL)}, {"text", optionalPath(k.Text)}} {
		for _, p := range f.paths {
			if err := checkPath(prefix+f.name, p, false); err != nil {
				return err
			}
		}
	}
	if k.Items != "" {
		if err := checkPath(prefix+"items", k.Items, true); err != nil {
			return err
		}
	}
	for _, m := range k.Members {
		if err := checkGlob(prefix+"members", m); err != nil {
			return err
		}
	}
	if _, err := compileTime(k.timeSettings()); err != nil {
		return fmt.Errorf("%s%w", prefix, err)
	}
	switch k.FixEncoding {
	case "", FixLatin1:
	default:
		return fmt.Errorf("%sfix_encoding = %q: the one repair is %q (UTF-8 bytes written as Latin-1 characters, as in Facebook and Instagram exports)", prefix, k.FixEncoding, FixLatin1)
	}
	return nil
}

// checkPath checks one path setting; only item collections may step into
// every element of an array ("chats.list[].messages").
func checkPath(name, s string, many bool) error {
	if err := jsonpath.Check(s, many); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// optionalPath returns the optional path p as a list: none when it is empty.
func optionalPath(p string) []string {
	if p == "" {
		return nil
	}
	return []string{p}
}
