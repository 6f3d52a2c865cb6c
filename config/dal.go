package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/dal"
)

// DAL holds the keys that tell the data access layer how to read a source's
// snapshots back: which items, keyed by what, ordered by which time field,
// merged how. Paths are dotted member names ("data.id"). See
// docs/data-access.md.
type DAL struct {
	Key   StringList `toml:"key"`   // path(s) of the item key, e.g. "id" or ["url", "visited"]
	Items StringList `toml:"items"` // path(s) of the item arrays inside a JSON document
	Time  string     `toml:"time"`  // path of the item's time field
	Merge string     `toml:"merge"` // "union" (default) or "latest"
	// Decoder names the snapshot format: json, jsonl, csv, tsv, sqlite,
	// xml, or a built-in: bash, zsh, fish, firefox, chromium, chrome.
	// Empty: a built-in named like the source, else by file extension.
	Decoder string `toml:"decoder"`
	// Queries maps a kind to the SQL query that reads it from a SQLite
	// snapshot: [sources.NAME.queries] visits = "SELECT ...".
	Queries map[string]string `toml:"queries"`
	Title   string            `toml:"title"` // path of the item's title (default: title, name, subject)
	URL     string            `toml:"url"`   // path of the item's URL (default: url, link, href, permalink)
	Text    string            `toml:"text"`  // path of the item's text (default: text, body, content, ...)
	// Gaps = false stops hoard doctor from reporting gaps, for sources
	// whose snapshots are not meant to overlap (incremental exports).
	Gaps *bool `toml:"gaps"`
	// MaxItemSize bounds one item ("512MiB" or a number of bytes); 0:
	// the data access layer's default (dal.DefaultMaxItemSize).
	MaxItemSize Size `toml:"max_item_size"`
}

// Size is a byte count written as "256MiB", "1GiB" or a number of bytes.
type Size int64

// UnmarshalTOML implements toml.Unmarshaler.
func (z *Size) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		if v <= 0 {
			return fmt.Errorf("size %d must be positive", v)
		}
		*z = Size(v)
		return nil
	case string:
		n, err := dal.ParseSize(v)
		*z = Size(n)
		return err
	}
	return fmt.Errorf("expected a size such as \"512MiB\" or a number of bytes, not %T", v)
}

// GapsWanted reports whether doctor should look for gaps (the default).
func (d DAL) GapsWanted() bool { return d.Gaps == nil || *d.Gaps }

func (d DAL) validate() error {
	spec := dal.Spec{Decoder: d.Decoder, Items: d.Items, Key: d.Key, Time: d.Time, Title: d.Title, URL: d.URL, Text: d.Text, Merge: d.Merge}
	if err := spec.Validate(); err != nil {
		return err
	}
	kinds := make([]string, 0, len(d.Queries))
	for k := range d.Queries {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if strings.TrimSpace(d.Queries[k]) == "" {
			return fmt.Errorf("queries.%s is empty: give the SQL query that reads that kind", k)
		}
	}
	return nil
}

// Spec returns the data access layer's view of a source.
func (s *Source) Spec() dal.Spec {
	return dal.Spec{
		Source: s.Name, Decoder: s.Decoder, Items: s.Items, Queries: s.Queries,
		Key: s.Key, Time: s.Time, Title: s.Title, URL: s.URL, Text: s.Text, Merge: s.Merge,
		MaxItemSize: int64(s.MaxItemSize),
	}
}

// StringList accepts either one string or an array of strings.
type StringList []string

// UnmarshalTOML implements toml.Unmarshaler.
func (s *StringList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*s = StringList{v}
		return nil
	case []any:
		out := make(StringList, 0, len(v))
		for _, e := range v {
			str, ok := e.(string)
			if !ok {
				return fmt.Errorf("expected a string or an array of strings, found %T in the array", e)
			}
			out = append(out, str)
		}
		*s = out
		return nil
	}
	return fmt.Errorf("expected a string or an array of strings, not %T", v)
}
