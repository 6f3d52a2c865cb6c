package browser

import (
	"os"
	"path/filepath"
	"sort"
)

// family is how a browser stores cookies.
type family int

const (
	firefoxFamily  family = iota // cookies.sqlite, values in the clear
	chromiumFamily               // Cookies, values encrypted
)

// profileFiles are, per browser, the files whose directories are profiles,
// relative to the home directory on Linux and macOS: the same places, in
// the same order, as the detection of `hoard init` (source/firefox,
// source/chromium), so the default profile is the one the starter config
// names first. source/all's tests check that they agree.
var profileFiles = map[string]struct {
	family        family
	linux, darwin []string
}{
	Firefox: {firefoxFamily, []string{".mozilla/firefox/*/places.sqlite", "snap/firefox/common/.mozilla/firefox/*/places.sqlite",
		".var/app/org.mozilla.firefox/.mozilla/firefox/*/places.sqlite"},
		[]string{"Library/Application Support/Firefox/Profiles/*/places.sqlite"}},
	LibreWolf: {firefoxFamily, []string{".librewolf/*/places.sqlite", ".var/app/io.gitlab.librewolf-community/.librewolf/*/places.sqlite"},
		[]string{"Library/Application Support/librewolf/Profiles/*/places.sqlite"}},
	Waterfox: {firefoxFamily, []string{".waterfox/*/places.sqlite", ".var/app/net.waterfox.waterfox/.waterfox/*/places.sqlite"},
		[]string{"Library/Application Support/Waterfox/Profiles/*/places.sqlite"}},
	Chromium: {chromiumFamily, []string{".config/chromium/*/History", "snap/chromium/common/chromium/*/History",
		".var/app/org.chromium.Chromium/config/chromium/*/History"},
		[]string{"Library/Application Support/Chromium/*/History"}},
	Chrome: {chromiumFamily, []string{".config/google-chrome/*/History", ".config/google-chrome-beta/*/History",
		".config/google-chrome-unstable/*/History", ".var/app/com.google.Chrome/config/google-chrome/*/History"},
		[]string{"Library/Application Support/Google/Chrome/*/History"}},
	Brave: {chromiumFamily, []string{".config/BraveSoftware/Brave-Browser/*/History", "snap/brave/current/.config/BraveSoftware/Brave-Browser/*/History",
		".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/*/History"},
		[]string{"Library/Application Support/BraveSoftware/Brave-Browser/*/History"}},
	Edge: {chromiumFamily, []string{".config/microsoft-edge/*/History", ".config/microsoft-edge-beta/*/History",
		".config/microsoft-edge-dev/*/History", ".var/app/com.microsoft.Edge/config/microsoft-edge/*/History"},
		[]string{"Library/Application Support/Microsoft Edge/*/History"}},
	Vivaldi: {chromiumFamily, []string{".config/vivaldi/*/History", ".config/vivaldi-snapshot/*/History",
		".var/app/com.vivaldi.Vivaldi/config/vivaldi/*/History"},
		[]string{"Library/Application Support/Vivaldi/*/History"}},
	Opera: {chromiumFamily, []string{".config/opera/History", ".config/opera-beta/History", ".config/opera-developer/History",
		"snap/opera/current/.config/opera/History", ".var/app/com.opera.Opera/config/opera/History"},
		[]string{"Library/Application Support/com.operasoftware.Opera/History"}},
}

// notProfiles hold a History database of no person (the sign-in screen's,
// the guest window's); detection skips them too.
var notProfiles = map[string]bool{"System Profile": true, "Guest Profile": true}

// Profiles returns the profile directories of a browser under home, in
// the order `hoard init` finds them.
func Profiles(browser, home, goos string) []string {
	pf, ok := profileFiles[browser]
	if !ok {
		return nil
	}
	globs := pf.linux
	if goos == "darwin" {
		globs = append(append([]string(nil), globs...), pf.darwin...)
	}
	var out []string
	seen := map[string]bool{}
	for _, g := range globs {
		matches, _ := filepath.Glob(filepath.Join(home, g))
		sort.Strings(matches)
		for _, m := range matches {
			if info, err := os.Stat(m); err != nil || !info.Mode().IsRegular() {
				continue
			}
			if dir := filepath.Dir(m); !seen[dir] && !notProfiles[filepath.Base(dir)] {
				seen[dir] = true
				out = append(out, dir)
			}
		}
	}
	return out
}
