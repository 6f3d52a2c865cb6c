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
	own := KindSpec{Key: s.Key, Time: s.Time, Title: s.Title, URL: s.URL, Text: s.Text}
	var dec KindSpec
	if s.Decoder != nil {
		dec = s.Decoder.Kinds[kind]
	}
	for _, from := range []KindSpec{own, dec} {
		if len(out.Key) == 0 {
			out.Key = from.Key
		}
		fill(&out.Time, from.Time)
		fill(&out.Title, from.Title)
		fill(&out.URL, from.URL)
		fill(&out.Text, from.Text)
	}
	return out
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
	fmt.Fprintf(h, "items %q\nkey %q\ntime %q\ntitle %q\nurl %q\ntext %q\nmerge %q\nmax item %d\n", s.Items, s.Key, s.Time, s.Title, s.URL, s.Text, s.Merge, s.ItemLimit())
	// how keys and fields are read; a change here rebuilds every cache
	fmt.Fprintf(h, "repeated member names: the last counts\n")
	writeKinds(h, "kind", s.Kinds)
	qs := make([]string, 0, len(s.Queries))
	for k := range s.Queries {
		qs = append(qs, k)
	}
	sort.Strings(qs)
	for _, k := range qs {
		fmt.Fprintf(h, "query %q %q\n", k, s.Queries[k])
	}
	opts := make([]string, 0, len(s.Options))
	for k := range s.Options {
		opts = append(opts, k)
	}
	sort.Strings(opts)
	for _, k := range opts {
		fmt.Fprintf(h, "option %q %q\n", k, s.Options[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func writeDecoder(w io.Writer, d *Decoder) {
	fmt.Fprintf(w, "decoder %q %d %q\n", d.Name, d.Version, strings.Join(d.Exts, ","))
	writeKinds(w, "default", d.Kinds)
}

func writeKinds(w io.Writer, label string, kinds map[string]KindSpec) {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		ks := kinds[k]
		fmt.Fprintf(w, "%s %q key %q time %q title %q url %q text %q\n", label, k, ks.Key, ks.Time, ks.Title, ks.URL, ks.Text)
	}
}
