package dal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ForKind returns the settings that apply to items of kind, field by
// field: the spec's table for that kind, else the spec's own setting, else
// the decoder's default for that kind.
func (s *Spec) ForKind(kind string) KindSpec {
	out := s.Kinds[kind]
	for _, from := range []KindSpec{s.own(), s.defaults(kind)} {
		out = Overlay(from, out)
	}
	return out
}

// defaults returns the decoder's defaults for kind; for kinds that
// archive members yield, those of the members' decoder.
func (s *Spec) defaults(kind string) KindSpec {
	if s.Decoder != nil {
		if d, ok := s.Decoder.Kinds[kind]; ok {
			return d
		}
	}
	for _, d := range s.memberDecoders() {
		if d, ok := d.Kinds[kind]; ok {
			return d
		}
	}
	return KindSpec{}
}

// memberDecoders returns the decoders the kinds name for archive
// members, in kind order.
func (s *Spec) memberDecoders() []*Decoder {
	var out []*Decoder
	add := func(kinds map[string]KindSpec) {
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if d := kinds[k].Decoder; d != nil && d != s.Decoder {
				out = append(out, d)
			}
		}
	}
	add(s.Kinds)
	if s.Decoder != nil {
		add(s.Decoder.Kinds)
	}
	return out
}

// own returns the spec's source-wide settings as a KindSpec.
func (s *Spec) own() KindSpec {
	return KindSpec{Key: s.Key, Time: s.Time, Title: s.Title, URL: s.URL, Text: s.Text,
		TimeFormat: s.TimeFormat, TimeUnit: s.TimeUnit, TimeEpoch: s.TimeEpoch, TimeZone: s.TimeZone,
		FixEncoding: s.FixEncoding}
}

// Overlay returns top with each field it leaves empty taken from base.
func Overlay(base, top KindSpec) KindSpec {
	if len(top.Key) == 0 {
		top.Key = base.Key
	}
	if len(top.Members) == 0 {
		top.Members = base.Members
	}
	if top.Decoder == nil {
		top.Decoder = base.Decoder
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&top.Time, base.Time}, {&top.Title, base.Title}, {&top.URL, base.URL}, {&top.Text, base.Text},
		{&top.TimeFormat, base.TimeFormat}, {&top.TimeUnit, base.TimeUnit}, {&top.TimeEpoch, base.TimeEpoch},
		{&top.TimeZone, base.TimeZone}, {&top.Items, base.Items}, {&top.FixEncoding, base.FixEncoding}} {
		fill(f.dst, f.v)
	}
	return top
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// namedKinds returns the kinds the spec or its decoder has settings for,
// sorted. Items of other kinds follow the spec's own settings.
func (s *Spec) namedKinds() []string {
	set := map[string]bool{}
	for k := range s.Kinds {
		set[k] = true
	}
	if s.Decoder != nil {
		for k := range s.Decoder.Kinds {
			set[k] = true
		}
	}
	for _, d := range s.memberDecoders() {
		for k := range d.Kinds {
			set[k] = true
		}
	}
	kinds := make([]string, 0, len(set))
	for k := range set {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// HasTime reports whether some kind of item has a time field, so that the
// output is ordered by time and gaps can be looked for.
func (s *Spec) HasTime() bool {
	if s.Time != "" {
		return true
	}
	for _, k := range s.namedKinds() {
		if s.ForKind(k).Time != "" {
			return true
		}
	}
	return false
}

// perKind holds one value per named kind of a spec, and one for the rest.
type perKind[T any] struct {
	named map[string]T
	other T
}

func newPerKind[T any](s *Spec, build func(KindSpec) T) perKind[T] {
	p := perKind[T]{named: map[string]T{}, other: build(s.ForKind("\x00"))}
	for _, k := range s.namedKinds() {
		p.named[k] = build(s.ForKind(k))
	}
	return p
}

func (p *perKind[T]) of(kind string) T {
	if v, ok := p.named[kind]; ok {
		return v
	}
	return p.other
}

// Fingerprint changes whenever the items read with the spec could change
// for the same snapshots: any setting, or the version of a decoder that
// may read them. Caches compare it.
func (s Spec) Fingerprint() string {
	h := sha256.New()
	if s.Decoder != nil {
		writeDecoder(h, s.Decoder)
	} else {
		for _, d := range Formats() {
			writeDecoder(h, d)
		}
	}
	fmt.Fprintf(h, "items %q\nmerge %q\nmax item %d\nmembers %q\n", s.Items, s.Merge, s.ItemLimit(), s.Members)
	writeKind(h, "own", "", s.own())
	// how times are read; a change here rebuilds every cache
	fmt.Fprintf(h, "times: exact digits, %d layouts\n", len(autoLayouts))
	// how keys and fields are read; a change here rebuilds every cache
	fmt.Fprintf(h, "repeated member names: the last counts\n")
	writeKinds(h, "kind", s.Kinds)
	versions := s.queryVersions()
	qs := make([]string, 0, len(versions))
	for k := range versions {
		qs = append(qs, k)
	}
	sort.Strings(qs)
	for _, k := range qs {
		fmt.Fprintf(h, "query %q %q\n", k, versions[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func writeDecoder(w io.Writer, d *Decoder) { writeDecoderDepth(w, d, 0) }

// writeDecoderDepth writes a decoder and its kinds' defaults; the member
// decoders those name are written to a depth of two.
func writeDecoderDepth(w io.Writer, d *Decoder, depth int) {
	fmt.Fprintf(w, "decoder %q %d %q\n", d.Name, d.Version, strings.Join(d.Exts, ","))
	if depth < 2 {
		writeKindsDepth(w, "default", d.Kinds, depth+1)
	}
}

func writeKinds(w io.Writer, label string, kinds map[string]KindSpec) {
	writeKindsDepth(w, label, kinds, 0)
}

func writeKindsDepth(w io.Writer, label string, kinds map[string]KindSpec, depth int) {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		writeKindDepth(w, label, k, kinds[k], depth)
	}
}

func writeKind(w io.Writer, label, name string, ks KindSpec) { writeKindDepth(w, label, name, ks, 0) }

func writeKindDepth(w io.Writer, label, name string, ks KindSpec, depth int) {
	fmt.Fprintf(w, "%s %q key %q time %q title %q url %q text %q", label, name, ks.Key, ks.Time, ks.Title, ks.URL, ks.Text)
	fmt.Fprintf(w, " time as %q items %q members %q fix %q\n", ks.timeSettings(), ks.Items, ks.Members, ks.FixEncoding)
	if ks.Decoder != nil {
		writeDecoderDepth(w, ks.Decoder, depth)
	}
}
