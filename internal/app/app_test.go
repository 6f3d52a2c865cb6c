package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/firefox"
	"github.com/hoard-dev/hoard/source/zsh"
)

func load(t *testing.T, text string) (*app.App, error) {
	t.Helper()
	cfg, err := config.Parse("hoard.toml", []byte(text), app.Exporters.Params)
	if err != nil {
		return nil, err
	}
	return app.New(cfg, paths.Layout{State: t.TempDir(), Cache: t.TempDir()})
}

// TestDecoderResolution: a source is read with the decoder it names, else
// its exporter's, else the built-in source of its exact name (for file
// and command exports), else by extension: never by a name's suffix.
func TestDecoderResolution(t *testing.T) {
	a, err := load(t, `root = "/r"
[sources.ff]
exporter = "firefox"
path = "/p"
[sources.zsh]
exporter = "file"
path = "/h"
[sources.zsh-2]
exporter = "file"
path = "/h2"
[sources.old]
exporter = "file"
path = "/p"
decoder = "chrome"
[sources.api]
exporter = "rest"
base_url = "https://example.org"
[[sources.api.endpoints]]
name = "things"
path = "/things"
key = "uid"
[sources.api.kinds.things]
time = "made"
`)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"ff": "firefox", "zsh": "zsh", "zsh-2": "", "old": "chromium", "api": "rest"} {
		got := ""
		if d := a.Spec(name).Decoder; d != nil {
			got = d.Name
		}
		if got != want {
			t.Errorf("%s: decoder %q, want %q", name, got, want)
		}
	}
	if a.Spec("ff").Decoder != firefox.Decoder || a.Spec("zsh").Decoder != zsh.Decoder {
		t.Error("built-in sources must be read with their own decoder values")
	}
	things := a.Spec("api")
	if k := things.ForKind("things"); strings.Join(k.Key, ",") != "uid" || k.Time != "made" {
		t.Errorf("kind things: %+v; want the endpoint's key and the kinds table's time", k)
	}
	if a.Extension("ff") != "sqlite" || a.Extension("api") != "jsonl" {
		t.Errorf("extensions %q %q", a.Extension("ff"), a.Extension("api"))
	}
}

// TestReadSettingErrors: decoder names and merge styles are checked here,
// with the key's line and a suggestion; every mistake is reported.
func TestReadSettingErrors(t *testing.T) {
	_, err := load(t, `root = "/r"

[sources.a]
exporter = "file"
path = "/p"
decoder = "firefx"

[sources.b]
exporter = "file"
path = "/p"
merge = "zip"

[sources.c]
exporter = "file"
path = "/p"
time_zone = "Europe/Berln"

[sources.d]
exporter = "file"
path = "/p"
[sources.d.kinds.m]
time = "ts"
time_unit = "minutes"
`)
	var ce *app.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err %v, want a ConfigError", err)
	}
	for _, want := range []string{
		`hoard.toml:6: [sources.a]: decoder = "firefx": unknown (did you mean "firefox"?)`,
		`hoard.toml:11: [sources.b]: merge = "zip": use "union" or "latest"`,
		`hoard.toml:16: [sources.c]: time_zone = "Europe/Berln": unknown time zone Europe/Berln`,
		`hoard.toml:23: [sources.d]: kinds.m.time_unit = "minutes": use s, ms, us, 100ns or ns`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestExporterBuiltOnce: a source's exporter is built once per app, and a
// mistake in its settings is a ConfigError naming the source's line.
func TestExporterBuiltOnce(t *testing.T) {
	a, err := load(t, "root = \"/r\"\n[sources.c]\nexporter = \"command\"\ncommand = [\"true\"]\n[sources.bad]\nexporter = \"command\"\ncommand = []\n")
	if err != nil {
		t.Fatal(err)
	}
	e1, err1 := a.Exporter("c")
	e2, err2 := a.Exporter("c")
	if err1 != nil || err2 != nil || e1 != e2 {
		t.Errorf("exporter built twice or failed: %v %v", err1, err2)
	}
	err = a.CheckExporters([]string{"c", "bad"})
	var ce *app.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), `hoard.toml:5: source bad: missing key "command"`) {
		t.Errorf("err %v", err)
	}
}

// TestGapsHonourGapsFalse: the daemon's and status's gap check finds the
// gap between two snapshots that do not overlap, unless gaps = false.
func TestGapsHonourGapsFalse(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "feed")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "20200101T000000Z.json"), []byte(`[{"id":1,"t":"2020-01-01T00:00:00Z"}]`), 0o600)
	os.WriteFile(filepath.Join(dir, "20200201T000000Z.json"), []byte(`[{"id":2,"t":"2020-02-01T00:00:00Z"}]`), 0o600)
	for gaps, want := range map[string]int{"": 1, "gaps = false\n": 0} {
		a, err := load(t, "root = \""+root+"\"\n[sources.feed]\nexporter = \"file\"\npath = \"/p\"\nkey = \"id\"\ntime = \"t\"\n"+gaps)
		if err != nil {
			t.Fatal(err)
		}
		n, err := a.Gaps(context.Background(), "feed")
		if err != nil || n != want {
			t.Errorf("%q: %d gaps, err %v; want %d", gaps, n, err, want)
		}
	}
}

// TestStarterConfigAndAdd: the starter config is valid with every source
// found, and adding a source's stanza to it keeps it valid, under a free
// name.
func TestStarterConfigAndAdd(t *testing.T) {
	found := app.Sources.Detect(envWith(t, ".zsh_history"))
	text := app.StarterConfig("~/exports", found)
	if err := app.CheckConfigText("hoard.toml", text); err != nil || !strings.Contains(text, "[sources.zsh]") {
		t.Fatalf("starter: %v\n%s", err, text)
	}
	cfg, err := config.Parse("hoard.toml", []byte(text), app.Exporters.Params)
	if err != nil {
		t.Fatal(err)
	}
	name, stanza, detected := app.AddStanza(app.Sources.Lookup("zsh"), cfg, found)
	if name != "zsh-2" || detected || !strings.Contains(stanza, "[sources.zsh-2]") {
		t.Errorf("zsh again: %s %v\n%s", name, detected, stanza)
	}
	if err := app.CheckConfigText("hoard.toml", text+"\n"+stanza); err != nil {
		t.Errorf("with the added stanza: %v", err)
	}
}

func envWith(t *testing.T, files ...string) source.Env {
	home := t.TempDir()
	for _, f := range files {
		p := filepath.Join(home, f)
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte("x"), 0o600)
	}
	return source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }}
}

// TestEveryStanzaIsValid: the stanza `hoard init --add` writes for each
// built-in source makes a valid config, read with the source's decoder.
func TestEveryStanzaIsValid(t *testing.T) {
	for _, s := range app.Sources.All() {
		text := "root = \"/r\"\n\n" + strings.ReplaceAll(s.Stanza, "[sources.NAME]", "[sources.mine]")
		a, err := load(t, text)
		if err != nil {
			t.Errorf("%s: %v\n%s", s.Name, err, text)
			continue
		}
		if a.Spec("mine").Decoder != s.Decoder {
			t.Errorf("%s: the stanza is read with %v, not the source's decoder", s.Name, a.Spec("mine").Decoder)
		}
		if err := a.CheckExporters([]string{"mine"}); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
}
