package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocal(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", "")
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
	for _, f := range Local(home) {
		got = append(got, f.Name+"="+strings.TrimPrefix(f.Path, home+"/"))
	}
	want := "bash=.bash_history zsh=.zsh_history fish=.local/share/fish/fish_history " +
		"firefox=.mozilla/firefox/a.work/places.sqlite firefox-2=.mozilla/firefox/b.default/places.sqlite " +
		"chrome=.config/google-chrome/Default/History"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestLocalEmptyHome(t *testing.T) {
	if f := Local(t.TempDir()); len(f) != 0 {
		t.Errorf("found %v in an empty home", f)
	}
}
