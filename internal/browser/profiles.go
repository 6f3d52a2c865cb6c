package browser

import (
	"os"
	"path/filepath"
	"sort"
)

// profileFiles are, per browser, the files whose directories are profiles,
// relative to the home directory: the same places, in the same order, as
// the detection of `hoard init` (source/firefox, source/chromium), so the
// default profile is the one the starter config names first.
var profileFiles = map[string]struct{ linux, darwin []string }{
	Firefox: {
		linux: []string{".mozilla/firefox/*/places.sqlite", "snap/firefox/common/.mozilla/firefox/*/places.sqlite",
			".var/app/org.mozilla.firefox/.mozilla/firefox/*/places.sqlite"},
		darwin: []string{"Library/Application Support/Firefox/Profiles/*/places.sqlite"},
	},
	Chromium: {
		linux:  []string{".config/chromium/*/History", "snap/chromium/common/chromium/*/History"},
		darwin: []string{"Library/Application Support/Chromium/*/History"},
	},
	Chrome: {
		linux:  []string{".config/google-chrome/*/History"},
		darwin: []string{"Library/Application Support/Google/Chrome/*/History"},
	},
}

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
			if dir := filepath.Dir(m); !seen[dir] {
				seen[dir] = true
				out = append(out, dir)
			}
		}
	}
	return out
}
