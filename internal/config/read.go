package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/internal/bytesize"
	"github.com/hoard-dev/hoard/jsonpath"
)

// Read holds the keys that say how a source's snapshots are read back:
// which items, keyed by what, ordered by which time field, merged how.
// Paths are jsonpath paths ("data.id"). See docs/data-access.md.
type Read struct {
	Key   StringList `toml:"key"`   // path(s) of the item key, e.g. "id" or ["url", "visited"]
	Items StringList `toml:"items"` // path(s) of the item collections inside a JSON document
	Time  string     `toml:"time"`  // path of the item's time field
	Merge string     `toml:"merge"` // "union" (default) or "latest"
	// Decoder names the snapshot format or a built-in source's decoder;
	// empty: the exporter's, else by file extension. Checked by the
	// caller, which knows the decoders.
	Decoder string `toml:"decoder"`
	// Queries maps a kind to the SQL query that reads it from a SQLite
	// snapshot: [sources.NAME.queries] visits = "SELECT ...", or to
	// several, one per version of the app's schema, the first that fits
	// a snapshot being used: visits = ["SELECT ... new", "SELECT ... old"].
	Queries map[string]StringList `toml:"queries"`
	Title   string                `toml:"title"` // path of the item's title (default: title, name, subject)
	URL     string                `toml:"url"`   // path of the item's URL (default: url, link, href, permalink)
	Text    string                `toml:"text"`  // path of the item's text (default: text, body, content, ...)
	// Kinds sets key, time, title, url and text for one kind of item,
	// over the source-wide keys: [sources.NAME.kinds.starred].
	Kinds map[string]Kind `toml:"kinds"`
	// Gaps = false stops hoard doctor from reporting gaps, for sources
	// whose snapshots are not meant to overlap (incremental exports).
	Gaps *bool `toml:"gaps"`
	// MaxItemSize bounds one item ("512MiB" or a number of bytes); 0:
	// the data access layer's default (dal.DefaultMaxItemSize).
	MaxItemSize bytesize.Size `toml:"max_item_size"`
	// Members are globs of the archive members read with the
	// source-wide settings, for kinds that name none.
	Members StringList `toml:"members"`
	TimeSettings
}

// TimeSettings say how times are written, where guessing is not good
// enough (see docs/data-access.md, "Times"); their values are checked by
// the data access layer.
type TimeSettings struct {
	TimeFormat string `toml:"time_format"` // a Go layout, a strftime pattern or a name (rfc2822, twitter, ...)
	TimeUnit   string `toml:"time_unit"`   // s, ms, us, 100ns, ns
	TimeEpoch  string `toml:"time_epoch"`  // unix, 1601, 2001
	TimeZone   string `toml:"time_zone"`   // of times written without one: "Europe/Berlin", "+02:00"
	// FixEncoding "latin1" repairs UTF-8 written as Latin-1 characters
	// (Facebook, Instagram).
	FixEncoding string `toml:"fix_encoding"`
}

// Kind is one [sources.NAME.kinds.KIND] table.
type Kind struct {
	// Items is the path of the kind's items inside a document
	// ("chats.list[].messages"), read under the kind's name.
	Items string `toml:"items"`
	// Members are globs of the archive members holding the kind's items
	// ("Takeout/*/MyActivity.json"); Decoder reads them (default: by
	// each member's extension). Checked by the data access layer and the
	// glue.
	Members StringList `toml:"members"`
	Decoder string     `toml:"decoder"`
	Key     StringList `toml:"key"`
	Time    string     `toml:"time"`
	Title   string     `toml:"title"`
	URL     string     `toml:"url"`
	Text    string     `toml:"text"`
	TimeSettings
}

// GapsWanted reports whether doctor should look for gaps (the default).
func (r Read) GapsWanted() bool { return r.Gaps == nil || *r.Gaps }

func (r Read) validate() error {
	for _, p := range r.Items {
		if err := jsonpath.Check(p, true); err != nil {
			return fmt.Errorf("items: %w", err)
		}
	}
	if err := checkPaths("", Kind{Key: r.Key, Time: r.Time, Title: r.Title, URL: r.URL, Text: r.Text}); err != nil {
		return err
	}
	for _, k := range sortedKeys(r.Kinds) {
		if err := checkPaths("kinds."+k+".", r.Kinds[k]); err != nil {
			return err
		}
		if p := r.Kinds[k].Items; p != "" {
			if err := jsonpath.Check(p, true); err != nil {
				return fmt.Errorf("kinds.%s.items: %w", k, err)
			}
		}
	}
	for _, k := range sortedKeys(r.Queries) {
		if len(r.Queries[k]) == 0 {
			return fmt.Errorf("queries.%s is empty: give the SQL query that reads that kind", k)
		}
		for _, q := range r.Queries[k] {
			if strings.TrimSpace(q) == "" {
				return fmt.Errorf("queries.%s is empty: give the SQL query that reads that kind", k)
			}
		}
	}
	return nil
}

// checkPaths checks the path keys of a kind (or of the source, prefix "").
func checkPaths(prefix string, k Kind) error {
	for _, f := range []struct {
		name  string
		paths []string
	}{{"key", k.Key}, {"time", opt(k.Time)}, {"title", opt(k.Title)}, {"url", opt(k.URL)}, {"text", opt(k.Text)}} {
		for _, p := range f.paths {
			if err := jsonpath.Check(p, false); err != nil {
				return fmt.Errorf("%s%s: %w", prefix, f.name, err)
			}
		}
	}
	return nil
}

func opt(p string) []string {
	if p == "" {
		return nil
	}
	return []string{p}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
