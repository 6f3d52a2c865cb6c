// Package detect finds local data sources that need no credentials: shell
// histories and browser history databases that exist on this machine.
package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
)

// Found is one detected source.
type Found struct {
	Name    string // proposed source name, e.g. "firefox" or "firefox-2"
	Kind    string // bash, zsh, fish, firefox, chromium, chrome
	Path    string // the file to snapshot
	Ext     string // snapshot extension
	Comment string // a line for the starter config
}

// candidate is a glob pattern relative to the home directory.
type candidate struct {
	kind, ext, comment string
	globs              []string
}

func candidates(xdgData string) []candidate {
	c := []candidate{
		{"bash", "txt", "bash history", []string{".bash_history"}},
		{"zsh", "txt", "zsh history", []string{".zsh_history", ".zhistory"}},
		{"fish", "txt", "fish history", []string{filepath.Join(xdgData, "fish", "fish_history")}},
		{"firefox", "sqlite", "Firefox history and bookmarks (places.sqlite)", []string{
			".mozilla/firefox/*/places.sqlite",
			"snap/firefox/common/.mozilla/firefox/*/places.sqlite",
			".var/app/org.mozilla.firefox/.mozilla/firefox/*/places.sqlite",
		}},
		{"chromium", "sqlite", "Chromium history", []string{".config/chromium/*/History", "snap/chromium/common/chromium/*/History"}},
		{"chrome", "sqlite", "Google Chrome history", []string{".config/google-chrome/*/History"}},
	}
	if runtime.GOOS == "darwin" {
		c[3].globs = append(c[3].globs, "Library/Application Support/Firefox/Profiles/*/places.sqlite")
		c[4].globs = append(c[4].globs, "Library/Application Support/Chromium/*/History")
		c[5].globs = append(c[5].globs, "Library/Application Support/Google/Chrome/*/History")
	}
	return c
}

// Local returns the sources found under home, in a stable order. A kind
// found more than once (several browser profiles) gets names kind,
// kind-2, kind-3 ...
func Local(home string) []Found {
	xdgData := os.Getenv("XDG_DATA_HOME")
	if xdgData == "" || !filepath.IsAbs(xdgData) {
		xdgData = filepath.Join(home, ".local", "share")
	}
	var out []Found
	for _, c := range candidates(xdgData) {
		var paths []string
		seen := map[string]bool{}
		for _, g := range c.globs {
			if !filepath.IsAbs(g) {
				g = filepath.Join(home, g)
			}
			matches, _ := filepath.Glob(g)
			sort.Strings(matches)
			for _, m := range matches {
				if info, err := os.Stat(m); err == nil && info.Mode().IsRegular() && !seen[m] {
					seen[m] = true
					paths = append(paths, m)
				}
			}
		}
		for i, p := range paths {
			name := c.kind
			if i > 0 {
				name = fmt.Sprintf("%s-%d", c.kind, i+1)
			}
			out = append(out, Found{Name: name, Kind: c.kind, Path: p, Ext: c.ext, Comment: c.comment})
		}
	}
	return out
}
