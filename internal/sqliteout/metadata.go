package sqliteout

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// TableDoc is what the caller knows of a source's kind, for the metadata:
// a sentence about the source and the kind's read settings.
type TableDoc struct {
	Description string       // e.g. "Firefox history (exporter firefox, decoder firefox)"
	Spec        dal.KindSpec // which members are the key, time, title, url and text
}

// Metadata renders Datasette's metadata.json (https://docs.datasette.io/en/0.64.x/metadata.html)
// for the export at dbPath: a title and a description per table and per
// column, the FTS table of each (fts_table, fts_pk) so that the search box
// searches it, newest first, the title as the label, and the bookkeeping
// tables hidden. doc, when not nil, describes each source's kind.
func Metadata(dbPath string, st Stats, doc func(source, kind string) TableDoc) ([]byte, error) {
	tables := map[string]any{}
	for _, t := range st.Tables {
		var d TableDoc
		if doc != nil {
			d = doc(t.Source, t.Kind)
		}
		desc := fmt.Sprintf("The %s items of the source %s, merged from every snapshot: each item once, in its newest version.", t.Kind, t.Source)
		if d.Description != "" {
			desc = d.Description + ". " + desc
		}
		if t.Capped {
			desc += fmt.Sprintf(" Its items have more than %d top-level members: the others are only in raw.", MaxFields)
		}
		tables[t.Name] = map[string]any{
			"title":        t.Source + ": " + t.Kind,
			"description":  desc,
			"fts_table":    t.Name + "_fts",
			"fts_pk":       "id",
			"sort_desc":    "time",
			"label_column": "title",
			"columns":      columnDocs(t, d.Spec),
		}
	}
	for _, hidden := range []string{"_hoard_export", "_hoard_rows", "_hoard_tables", "_hoard_fields"} {
		tables[hidden] = map[string]any{"hidden": true}
	}
	name := strings.TrimSuffix(filepath.Base(dbPath), filepath.Ext(dbPath))
	md := map[string]any{
		"title": "hoard",
		"description": fmt.Sprintf("Personal data exported by hoard (%s) on %s: one table per source and kind. "+
			"Search a table with its search box (title, url and text); raw holds each item's JSON.",
			"https://github.com/hoard-dev/hoard", time.Now().UTC().Format("2006-01-02")),
		"databases": map[string]any{name: map[string]any{"tables": tables}},
	}
	b, err := json.MarshalIndent(md, "", "  ")
	return append(b, '\n'), err
}

func columnDocs(t TableStats, spec dal.KindSpec) map[string]string {
	from := func(what, path string) string {
		if path == "" {
			return what + "; NULL when the item has none"
		}
		return what + ", from the member " + path + "; NULL when the item has none"
	}
	key := "the item's key as text (the parts of a composite key joined by \" | \")"
	if len(spec.Key) > 0 {
		key += ": " + strings.Join(spec.Key, ", ")
	}
	cols := map[string]string{
		"id":         "row number, kept by --update",
		"key":        key,
		"time":       from("the item's time, UTC (ISO 8601)", spec.Time),
		"title":      from("the item's title", spec.Title),
		"url":        from("the item's URL", spec.URL),
		"text":       from("the item's text", spec.Text),
		"first_seen": "when the first snapshot holding the item was taken (UTC)",
		"last_seen":  "when the last snapshot holding the item was taken (UTC)",
		"raw":        "the item's JSON as its newest snapshot holds it; e.g. raw ->> '$.member'",
	}
	for _, f := range t.Fields {
		cols[f.Column] = fmt.Sprintf("the item's member %q (%s; objects and arrays as JSON)", f.Member, strings.ToLower(f.Type))
	}
	return cols
}
