package all

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/browser"
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

// Every browser of both families, every profile, with comments that tell
// them apart; $HISTFILE; the profiles that are nobody's left out.
func TestDetectBrowserFamiliesAndHistfile(t *testing.T) {
	home := t.TempDir()
	files := []string{
		".config/BraveSoftware/Brave-Browser/Default/History",
		".config/BraveSoftware/Brave-Browser/Profile 1/History",
		".config/BraveSoftware/Brave-Browser/System Profile/History",
		".config/BraveSoftware/Brave-Browser/Guest Profile/History",
		".config/microsoft-edge/Default/History",
		".var/app/com.vivaldi.Vivaldi/config/vivaldi/Default/History",
		".config/opera/History",
		".config/opera/Local State",
		".config/chromium/Default/History",
		".librewolf/x1.default-default/places.sqlite",
		".waterfox/w2.68-edition-default/places.sqlite",
		".mozilla/firefox/f3.default-release/places.sqlite",
		"histories/my_bash_history",
	}
	for _, p := range files {
		os.MkdirAll(filepath.Join(home, filepath.Dir(p)), 0o700)
		os.WriteFile(filepath.Join(home, p), []byte("x"), 0o600)
	}
	os.WriteFile(filepath.Join(home, ".config/BraveSoftware/Brave-Browser/Local State"),
		[]byte(`{"profile":{"info_cache":{"Default":{"name":"Personal"},"Profile 1":{"name":"Work"}}}}`), 0o600)
	e := env(home)
	e.Getenv = func(k string) string {
		if k == "HISTFILE" {
			return "~/histories/my_bash_history"
		}
		return ""
	}
	var got []string
	comments := map[string]bool{}
	for _, f := range Sources.Detect(e) {
		got = append(got, f.Name+"("+f.Source.Name+"): "+f.Comment)
		if comments[f.Comment] {
			t.Errorf("two sources share the comment %q", f.Comment)
		}
		comments[f.Comment] = true
	}
	want := []string{
		"bash(bash): bash history ($HISTFILE)",
		"firefox(firefox): Firefox history and bookmarks (places.sqlite, profile f3.default-release)",
		"librewolf(firefox): LibreWolf history and bookmarks (places.sqlite, profile x1.default-default)",
		"waterfox(firefox): Waterfox history and bookmarks (places.sqlite, profile w2.68-edition-default)",
		"chromium(chromium): Chromium history (profile Default)",
		`brave(chromium): Brave history (profile "Personal", Default)`,
		`brave-2(chromium): Brave history (profile "Work", Profile 1)`,
		"edge(chromium): Microsoft Edge history (profile Default)",
		"vivaldi(chromium): Vivaldi history (profile Default)",
		"opera(chromium): Opera history (profile in opera)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// $HISTFILE naming zsh's history (by name or by its lines) is not bash's.
func TestHistfileOfAnotherShell(t *testing.T) {
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".zsh_hist"), []byte("ls\n"), 0o600)
	os.WriteFile(filepath.Join(home, "hist"), []byte(": 1600000000:0;ls\n"), 0o600)
	for _, hf := range []string{filepath.Join(home, ".zsh_hist"), filepath.Join(home, "hist"), "relative/path"} {
		e := env(home)
		e.Getenv = func(k string) string {
			if k == "HISTFILE" {
				return hf
			}
			return ""
		}
		for _, f := range Sources.Detect(e) {
			if f.Source.Name == "bash" {
				t.Errorf("HISTFILE=%s detected as bash history: %+v", hf, f)
			}
		}
	}
}

// TestBrowserProfilesMatchDetection: browser_cookie's default profile is
// the one hoard init configures first, for every browser of both
// families (internal/browser keeps its own copy of the locations, below
// the exporters; this keeps them the same).
func TestBrowserProfilesMatchDetection(t *testing.T) {
	home := t.TempDir()
	for _, p := range []string{
		".mozilla/firefox/b.default/places.sqlite", ".mozilla/firefox/a.work/places.sqlite",
		"snap/firefox/common/.mozilla/firefox/c.snap/places.sqlite", ".var/app/org.mozilla.firefox/.mozilla/firefox/d.flat/places.sqlite",
		".librewolf/x1.default-default/places.sqlite", ".waterfox/w2.68-edition-default/places.sqlite",
		".config/chromium/Profile 1/History", ".config/chromium/Default/History", "snap/chromium/common/chromium/Default/History",
		".config/chromium/System Profile/History", ".config/chromium/Guest Profile/History",
		".config/google-chrome/Default/History", ".config/google-chrome-beta/Default/History",
		".config/BraveSoftware/Brave-Browser/Default/History", ".config/microsoft-edge/Default/History",
		".var/app/com.vivaldi.Vivaldi/config/vivaldi/Default/History", ".config/opera/History",
	} {
		os.MkdirAll(filepath.Join(home, filepath.Dir(p)), 0o700)
		os.WriteFile(filepath.Join(home, p), []byte("x"), 0o600)
	}
	detected := map[string][]string{}
	for _, f := range Sources.Detect(env(home)) {
		b := strings.TrimRight(f.Name, "-0123456789") // firefox-2 is firefox's
		detected[b] = append(detected[b], filepath.Dir(f.Path))
	}
	for _, b := range browser.Names {
		got, want := browser.Profiles(b, home, "linux"), detected[b]
		if strings.Join(got, "|") != strings.Join(want, "|") || len(got) == 0 {
			t.Errorf("%s: browser profiles %v, hoard init finds %v", b, got, want)
		}
	}
}
