package dal

import (
	"context"
	"fmt"
	"iter"
	"regexp"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/snapshot"
)

// Decoder reads snapshots of one format.
type Decoder struct {
	Name string
	// Version changes whenever the records a decoder yields for the same
	// input change, so that caches built with an older version are
	// rebuilt.
	Version int
	// Exts are the snapshot extensions chosen automatically for this
	// decoder when a source names none.
	Exts []string
	// Defaults fills the Spec fields a built-in format knows (key, time,
	// envelope paths) where the user left them empty.
	Defaults func(*Spec)
	// Records yields the records of the snapshot at path (compressed or
	// not), with an error value for each part that cannot be read; the
	// sequence goes on after an error when the format allows it. Errors
	// are *ReadError values naming the file.
	Records func(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error]
}

var decoders = map[string]*Decoder{}

// register adds a built-in decoder; it is called from init functions.
func register(d *Decoder) {
	if _, dup := decoders[d.Name]; dup {
		panic("dal: duplicate decoder " + d.Name)
	}
	decoders[d.Name] = d
}

// Decoders returns the names of the known decoders, sorted.
func Decoders() []string {
	names := make([]string, 0, len(decoders))
	for n := range decoders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupDecoder returns the decoder called name, or nil.
func LookupDecoder(name string) *Decoder { return decoders[name] }

var profileSuffix = regexp.MustCompile(`-\d+$`)

// resolve picks the decoder of a snapshot for spec: spec.Decoder, else a
// built-in named like the source, else one for the file's extension.
func resolve(spec *Spec, snap snapshot.Snapshot) (*Decoder, error) {
	if spec.Decoder != "" {
		if d := decoders[spec.Decoder]; d != nil {
			return d, nil
		}
		return nil, fmt.Errorf("unknown decoder %q (known: %s)", spec.Decoder, strings.Join(Decoders(), ", "))
	}
	if d := builtinFor(spec.Source); d != nil {
		return d, nil
	}
	ext := strings.ToLower(snap.Ext)
	if i := strings.LastIndexByte(ext, '.'); i >= 0 {
		ext = ext[i+1:]
	}
	for _, name := range Decoders() {
		for _, e := range decoders[name].Exts {
			if e == ext {
				return decoders[name], nil
			}
		}
	}
	return nil, fmt.Errorf("no decoder for extension %q: set decoder = \"...\" for the source (known: %s)", snap.Ext, strings.Join(Decoders(), ", "))
}

// builtinFor returns the built-in decoder named like a source ("firefox",
// "firefox-2"), or nil.
func builtinFor(source string) *Decoder {
	d := decoders[profileSuffix.ReplaceAllString(source, "")]
	if d != nil && d.Defaults != nil {
		return d
	}
	return nil
}

// WithDefaults returns spec completed with the defaults of its built-in
// decoder, if it has one.
func WithDefaults(spec Spec) Spec {
	d := decoders[spec.Decoder]
	if spec.Decoder == "" {
		d = builtinFor(spec.Source)
	}
	if d != nil && d.Defaults != nil {
		d.Defaults(&spec)
	}
	if spec.Merge == "" {
		spec.Merge = Union
	}
	return spec
}

// Validate checks a spec before any file is read.
func (s Spec) Validate() error {
	switch s.Merge {
	case "", Union, Latest:
	default:
		return fmt.Errorf("merge = %q: use %q or %q", s.Merge, Union, Latest)
	}
	if s.Decoder != "" && decoders[s.Decoder] == nil {
		return fmt.Errorf("decoder = %q: unknown (known: %s)", s.Decoder, strings.Join(Decoders(), ", "))
	}
	for _, f := range []struct {
		name  string
		paths []string
	}{{"key", s.Key}, {"items", s.Items}, {"time", optionalPath(s.Time)}, {"title", optionalPath(s.Title)}, {"url", optionalPath(s.URL)}, {"text", optionalPath(s.Text)}} {
		for _, p := range f.paths {
			if p == "" || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, "..") {
				return fmt.Errorf("%s = %q: use dotted member names, e.g. \"id\" or \"data.id\"", f.name, p)
			}
		}
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
