package all

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/source"
)

func env(home string) source.Env {
	return source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }}
}

func TestDetect(t *testing.T) {
	home := t.TempDir()
	for _, p := range []string{
		".bash_history", ".zsh_history", ".local/share/fish/fish_history",
		".mozilla/firefox/b.default/places.sqlite", ".mozilla/firefox/a.work/places.sqlite",
		".config/google-chrome/Default/History",
	} {
		os.MkdirAll(filepath.Join(home, filepath.Dir(p)), 0o700)
		os.WriteFile(filepath.Join(home, p), []byte("x"), 0o600)
	}
	os.MkdirAll(filepath.Join(home, ".config/chromium/Default/History"), 0o700) // a directory, not a database
	var got []string
	for _, f := range Sources.Detect(env(home)) {
		got = append(got, f.Name+"("+f.Source.Name+")="+strings.TrimPrefix(f.Path, home+"/"))
	}
	want := "bash(bash)=.bash_history zsh(zsh)=.zsh_history fish(fish)=.local/share/fish/fish_history " +
		"firefox(firefox)=.mozilla/firefox/a.work/places.sqlite firefox-2(firefox)=.mozilla/firefox/b.default/places.sqlite " +
		"chrome(chromium)=.config/google-chrome/Default/History"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestDetectEmptyHome(t *testing.T) {
	if f := Sources.Detect(env(t.TempDir())); len(f) != 0 {
		t.Errorf("found %v in an empty home", f)
	}
}

// TestEverySourceIsComplete: each built-in source has what `hoard
// sources`, `hoard init --add` and the config need, and a docs page.
func TestEverySourceIsComplete(t *testing.T) {
	for _, s := range Sources.All() {
		switch {
		case s.Name == "" || s.Title == "" || s.Category == "" || s.Needs == "":
			t.Errorf("%s: name, title, category or needs missing", s.Name)
		case s.Decoder == nil || s.Decoder.Name != s.Name || len(s.Decoder.Kinds) == 0:
			t.Errorf("%s: its decoder must carry its name and the read defaults of its kinds", s.Name)
		case s.Exporter.Name != s.Name || s.Exporter.New == nil:
			t.Errorf("%s: its exporter kind must be named like it", s.Name)
		case !strings.Contains(s.Stanza, "[sources.NAME]"):
			t.Errorf("%s: the stanza must use NAME for the source's name", s.Name)
		}
		if _, err := os.Stat(filepath.Join("..", "..", s.Docs())); err != nil {
			t.Errorf("%s: no docs page: %v", s.Name, err)
		}
		for kind, k := range s.Decoder.Kinds {
			if len(k.Key) == 0 {
				t.Errorf("%s: kind %s has no key (%+v)", s.Name, kind, k)
			}
		}
	}
}
