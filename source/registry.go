package source

import (
	"fmt"
	"sort"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
)

// Registry is an explicit list of built-in sources with look-ups by name.
// It is read-only once built, so safe for concurrent use.
type Registry struct {
	list     []*Source
	byName   map[string]*Source
	decoders map[string]*dal.Decoder // formats, sources and aliases
}

// NewRegistry lists sources. It panics on a name used twice (among the
// sources, their aliases and the format decoders), a programming error
// found at start-up.
func NewRegistry(sources ...*Source) *Registry {
	r := &Registry{list: sources, byName: map[string]*Source{}, decoders: map[string]*dal.Decoder{}}
	add := func(name string, d *dal.Decoder) {
		if _, dup := r.decoders[name]; dup {
			panic("source: the name " + name + " is used twice")
		}
		r.decoders[name] = d
	}
	for _, d := range dal.Formats() {
		add(d.Name, d)
	}
	for _, s := range sources {
		r.byName[s.Name] = s
		add(s.Name, s.Decoder)
		for _, a := range s.Aliases {
			add(a, s.Decoder)
		}
	}
	return r
}

// All returns the sources in their listed order.
func (r *Registry) All() []*Source { return r.list }

// Lookup returns the source called name, or nil.
func (r *Registry) Lookup(name string) *Source { return r.byName[name] }

// Decoder returns the decoder called name: a format decoder (json,
// jsonl, csv, ...), a built-in source's, or an alias of one; nil if none.
func (r *Registry) Decoder(name string) *dal.Decoder { return r.decoders[name] }

// DecoderNames returns every decoder name, sorted.
func (r *Registry) DecoderNames() []string {
	names := make([]string, 0, len(r.decoders))
	for n := range r.decoders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Exporters returns the sources' exporter kinds.
func (r *Registry) Exporters() []export.Kind {
	out := make([]export.Kind, 0, len(r.list))
	for _, s := range r.list {
		out = append(out, s.Exporter)
	}
	return out
}

// Detect runs every source's detection. Names are unique: a name two
// sources propose is numbered on.
func (r *Registry) Detect(env Env) []Found {
	var out []Found
	taken := map[string]bool{}
	for _, s := range r.list {
		if s.Detect == nil {
			continue
		}
		for _, f := range s.Detect(env) {
			f.Source = s
			base, name := f.Name, f.Name
			for i := 2; taken[name]; i++ {
				name = fmt.Sprintf("%s-%d", base, i)
			}
			f.Name = name
			taken[name] = true
			out = append(out, f)
		}
	}
	return out
}
