package app_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/source"
)

// detectAndLoad detects the built-in sources in env, which must be those
// named (in order), and loads the starter config hoard init writes for
// them into home, as edit changes it (the user's edits).
func detectAndLoad(t *testing.T, env source.Env, names string, edit func(text string) string) *app.App {
	t.Helper()
	found := app.Sources.Detect(env)
	var got []string
	for _, f := range found {
		got = append(got, f.Name)
	}
	if strings.Join(got, " ") != names {
		t.Fatalf("detected %v", got)
	}
	text := edit(app.StarterConfig(filepath.Join(env.Home, "exports"), found))
	cfgPath := filepath.Join(env.Home, "hoard.toml")
	put(t, cfgPath, []byte(text))
	a, err := app.Load(cfgPath, paths.Layout{State: filepath.Join(env.Home, "state"), Cache: filepath.Join(env.Home, "cache")})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return a
}

// wantItem is an item an end-to-end test looks for: its kind and key, and
// the UTC time (as when formats it) and title it must have.
type wantItem struct{ kind, key, time, title string }

// checkItems asserts what a source read back: exactly the kinds of
// counts, that many of each, and the items of want, each with its time,
// title and source.
func checkItems(t *testing.T, got map[string][]dal.Item, source string, counts map[string]int, want []wantItem) {
	t.Helper()
	for kind, n := range counts {
		if len(got[kind]) != n {
			t.Errorf("%d %s, want %d", len(got[kind]), kind, n)
		}
	}
	if len(got) != len(counts) {
		t.Errorf("kinds %v", keysOf(got))
	}
	for _, w := range want {
		var match *dal.Item
		for i := range got[w.kind] {
			if got[w.kind][i].Key == w.key {
				match = &got[w.kind][i]
			}
		}
		if match == nil {
			t.Errorf("no %s item %s", w.kind, w.key)
			continue
		}
		if when(*match) != w.time || match.Title != w.title || match.Source != source {
			t.Errorf("%s %s: time %s title %q source %s; want %s %q", w.kind, w.key, when(*match), match.Title, match.Source, w.time, w.title)
		}
	}
}

func keysOf(m map[string][]dal.Item) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
