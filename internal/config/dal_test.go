package config_test

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/export"
)

func TestDALKeys(t *testing.T) {
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
`
	c, err := config.Parse("hoard.toml", []byte(text), export.Params)
	if err != nil {
		t.Fatal(err)
	}
	spec := c.Sources["kobo"].Spec()
	if spec.Source != "kobo" || spec.Merge != "latest" || spec.Queries["highlights"] != "SELECT * FROM Bookmark" ||
		strings.Join(spec.Key, ",") != "book,id" || spec.Time != "data.created" || spec.Title != "name" {
		t.Errorf("spec %+v", spec)
	}
	if c.Sources["ff"].Spec().Decoder != "firefox" {
		t.Error("decoder not read")
	}
}

func TestDALKeyErrors(t *testing.T) {
	for _, tt := range []struct{ keys, want string }{
		{`decoder = "bashh"`, `hoard.toml:3: [sources.s]: decoder = "bashh": unknown (known: bash, chrome,`},
		{`merge = "all"`, `merge = "all": use "union" or "latest"`},
		{`key = "a..b"`, `key = "a..b": use dotted member names`},
		{`key = ["id", ""]`, `key = "": use dotted member names`},
		{`items = ".saved"`, `items = ".saved": use dotted member names`},
		{`time = "created."`, `time = "created.": use dotted member names`},
		{`url = "a..b"`, `url = "a..b": use dotted member names`},
		{"[sources.s.queries]\nv = \" \"", `queries.v is empty`},
		{`decoders = "x"`, `unknown key "sources.s.decoders"`},
	} {
		text := "root = \"/d\"\n\n[sources.s]\nexporter = \"file\"\npath = \"/p\"\n" + tt.keys + "\n"
		_, err := config.Parse("hoard.toml", []byte(text), export.Params)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.keys, err, tt.want)
		}
	}
}
