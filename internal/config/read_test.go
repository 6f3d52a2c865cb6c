package config_test

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

func TestReadKeys(t *testing.T) {
	const text = `root = "/data"

[sources.ff]
exporter = "file"
path = "/p"
decoder = "firefox"

[sources.kobo]
exporter = "file"
path = "/k"
key = ["book", "id"]
time = "data.created"
title = "name"
merge = "latest"

[sources.kobo.queries]
highlights = "SELECT * FROM Bookmark"

[sources.kobo.kinds.highlights]
key = "BookmarkID"
time = "DateCreated"
text = "Text"
`
	c, err := config.Parse("hoard.toml", []byte(text), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Sources["kobo"].Read
	if r.Merge != "latest" || strings.Join(r.Queries["highlights"], ";") != "SELECT * FROM Bookmark" ||
		strings.Join(r.Key, ",") != "book,id" || r.Time != "data.created" || r.Title != "name" {
		t.Errorf("read %+v", r)
	}
	if k := r.Kinds["highlights"]; strings.Join(k.Key, ",") != "BookmarkID" || k.Time != "DateCreated" || k.Text != "Text" {
		t.Errorf("kind %+v", k)
	}
	if c.Sources["ff"].Read.Decoder != "firefox" {
		t.Error("decoder not read")
	}
	if got := c.Line("sources", "kobo", "kinds", "highlights", "time"); got != 21 {
		t.Errorf("line of kinds.highlights.time = %d, want 21", got)
	}
}

// TestReadKeyErrors: the form of every path is checked here, with the
// line; decoder names and merge styles are checked by package app, which
// knows the decoders.
func TestReadKeyErrors(t *testing.T) {
	for _, tt := range []struct{ keys, want string }{
		{`key = "a..b"`, `hoard.toml:6: [sources.s]: key: invalid path "a..b": empty segment`},
		{`key = ["id", ""]`, `key: empty path ""`},
		{`items = ".saved"`, `items: invalid path ".saved": empty segment`},
		{`time = "created."`, `time: invalid path "created.": empty segment`},
		{`url = "a..b"`, `url: invalid path "a..b"`},
		{`time = "a[].t"`, `time: path "a[].t": "[]" (every element of an array) names many values`},
		{"[sources.s.kinds.starred]\ntitle = \"repo..name\"", `kinds.starred.title: invalid path "repo..name"`},
		{"[sources.s.kinds.starred]\ntitel = \"x\"", `unknown key "sources.s.kinds.starred.titel"`},
		{"[sources.s.queries]\nv = \" \"", `queries.v is empty`},
		{`decoders = "x"`, `unknown key "sources.s.decoders"`},
	} {
		text := "root = \"/d\"\n\n[sources.s]\nexporter = \"file\"\npath = \"/p\"\n" + tt.keys + "\n"
		_, err := config.Parse("hoard.toml", []byte(text), kinds.Params)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.keys, err, tt.want)
		}
	}
}
