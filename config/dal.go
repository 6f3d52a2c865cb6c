package config

import (
	"fmt"
)

// DAL holds the keys that tell the data access layer how to read a source's
// snapshots back: which items, keyed by what, ordered by which time field,
// merged how.
type DAL struct {
	Key   StringList `toml:"key"`   // path(s) of the item key, e.g. "id" or ["url", "visited"]
	Items StringList `toml:"items"` // path(s) of the item arrays inside a JSON document
	Time  string     `toml:"time"`  // path of the item's time field
	Merge string     `toml:"merge"` // "union" (default) or "latest"
}

func (d DAL) validate() error {
	switch d.Merge {
	case "", "union", "latest":
		return nil
	}
	return fmt.Errorf("merge = %q: use \"union\" or \"latest\"", d.Merge)
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
