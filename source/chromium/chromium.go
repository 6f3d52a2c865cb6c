// Package chromium is the built-in source for the history of Chromium and
// the browsers built from it (Google Chrome, Brave, Microsoft Edge,
// Vivaldi, Opera): one item per visit from the profile's History
// database, which they all keep in Chromium's format.
package chromium

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path/filepath"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
)

// Visits reads Chromium's History. visit_time is microseconds since
// 1601-01-01 UTC (the Windows epoch); visit_time_unix_us is the same
// instant on the Unix epoch.
const Visits = `SELECT u.url AS url, u.title AS title, v.visit_time AS visit_time,
  v.visit_time - 11644473600000000 AS visit_time_unix_us,
  v.transition AS transition, v.visit_duration AS visit_duration, v.id AS visit_id
FROM visits v JOIN urls u ON u.id = v.url
ORDER BY v.visit_time, v.id`

// Decoder yields one "visits" record per visit, keyed by URL and time.
// The time is read from visit_time itself, declared as microseconds since
// 1601, so that nothing depends on guessing the unit.
var Decoder = &dal.Decoder{
	Name: "chromium", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"visits": {Key: []string{"url", "visit_time"}, Time: "visit_time", TimeUnit: "us", TimeEpoch: "1601", Title: "title", URL: "url"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecords(ctx, path, map[string]string{"visits": Visits})
	},
}

// Source describes Chromium-family history.
var Source = &source.Source{
	Name:     "chromium",
	Title:    "Chromium-family history: Chromium, Chrome, Brave, Edge, Vivaldi, Opera (every visit)",
	Category: source.Local,
	Needs:    "a browser profile on this machine",
	Decoder:  Decoder,
	Aliases:  []string{"chrome"},
	Exporter: source.FileKind("chromium", "sqlite"),
	Detect:   detect,
	Stanza:   source.FileStanza("chromium", "Chromium history (the History database of one profile)", "~/.config/chromium/Default/History"),
}

// browser is one Chromium-family browser: its proposed source name, its
// name for people, and where its profiles' History databases are on Linux
// (distribution package, snap, flatpak) and macOS, relative to the home
// directory. Each pattern's "*" is a profile directory (Default, Profile 1,
// ...); Opera keeps its one profile in the user data directory itself.
type browser struct {
	name, title string
	linux, mac  []string
}

var browsers = []browser{
	{"chromium", "Chromium", []string{
		".config/chromium/*/History",
		"snap/chromium/common/chromium/*/History",
		".var/app/org.chromium.Chromium/config/chromium/*/History",
	}, []string{"Library/Application Support/Chromium/*/History"}},
	{"chrome", "Google Chrome", []string{
		".config/google-chrome/*/History",
		".config/google-chrome-beta/*/History",
		".config/google-chrome-unstable/*/History",
		".var/app/com.google.Chrome/config/google-chrome/*/History",
	}, []string{"Library/Application Support/Google/Chrome/*/History"}},
	{"brave", "Brave", []string{
		".config/BraveSoftware/Brave-Browser/*/History",
		"snap/brave/current/.config/BraveSoftware/Brave-Browser/*/History",
		".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/*/History",
	}, []string{"Library/Application Support/BraveSoftware/Brave-Browser/*/History"}},
	{"edge", "Microsoft Edge", []string{
		".config/microsoft-edge/*/History",
		".config/microsoft-edge-beta/*/History",
		".config/microsoft-edge-dev/*/History",
		".var/app/com.microsoft.Edge/config/microsoft-edge/*/History",
	}, []string{"Library/Application Support/Microsoft Edge/*/History"}},
	{"vivaldi", "Vivaldi", []string{
		".config/vivaldi/*/History",
		".config/vivaldi-snapshot/*/History",
		".var/app/com.vivaldi.Vivaldi/config/vivaldi/*/History",
	}, []string{"Library/Application Support/Vivaldi/*/History"}},
	{"opera", "Opera", []string{
		".config/opera/History",
		".config/opera-beta/History",
		".config/opera-developer/History",
		"snap/opera/current/.config/opera/History",
		".var/app/com.opera.Opera/config/opera/History",
	}, []string{"Library/Application Support/com.operasoftware.Opera/History"}},
}

// notProfiles are directories beside the profiles that hold a History
// database of no person: the sign-in screen's, and the guest window's
// (wiped when it closes).
var notProfiles = map[string]bool{"System Profile": true, "Guest Profile": true}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for _, b := range browsers {
		globs := b.linux
		if env.GOOS == "darwin" {
			globs = append(globs, b.mac...)
		}
		i := 0
		for _, p := range source.Glob(env.Home, globs...) {
			dir := filepath.Dir(p)
			if notProfiles[filepath.Base(dir)] {
				continue
			}
			out = append(out, source.Found{Name: source.Number(b.name, i), Path: p,
				Comment: b.title + " history (" + profileLabel(dir) + ")"})
			i++
		}
	}
	return out
}

// profileLabel names a profile for the starter config's comment: the name
// the person gave it, as the browser's "Local State" file records it, and
// its directory ("profile "Work", Profile 1"), or the directory alone.
func profileLabel(dir string) string {
	base := filepath.Base(dir)
	var state struct {
		Profile struct {
			InfoCache map[string]struct {
				Name string `json:"name"`
			} `json:"info_cache"`
		} `json:"profile"`
	}
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "Local State")); err == nil && json.Unmarshal(b, &state) == nil {
		if name := state.Profile.InfoCache[base].Name; name != "" && name != base {
			return fmt.Sprintf("profile %q, %s", name, base)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "Local State")); err == nil {
		// Opera: the profile is the user data directory itself.
		return "profile in " + base
	}
	return "profile " + base
}
