package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	fakegithub "github.com/hoard-dev/hoard/internal/fakeapi/github"
	fakehn "github.com/hoard-dev/hoard/internal/fakeapi/hackernews"
	fakehypothesis "github.com/hoard-dev/hoard/internal/fakeapi/hypothesis"
	fakemastodon "github.com/hoard-dev/hoard/internal/fakeapi/mastodon"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
)

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// example loads docs/examples/FILE unchanged, in a fresh home with the
// secrets file the example names, and points it at a fake.
func example(t *testing.T, file, source, baseURL, secrets string) *app.App {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	layout := paths.Layout{State: filepath.Join(home, "state"), Cache: filepath.Join(home, "cache")}
	a, err := app.Load(filepath.Join("..", "..", "docs", "examples", file), layout)
	if err != nil {
		t.Fatal(err)
	}
	src := a.Config.Sources[source]
	src.Params.(*rest.Params).BaseURL = baseURL
	if src.Secrets != "" {
		os.MkdirAll(filepath.Dir(src.Secrets), 0o700)
		if err := os.WriteFile(src.Secrets, []byte(secrets), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// runAndRead runs the source once and reads its items back, through the
// index and without it; both must agree, with no problem.
func runAndRead(t *testing.T, a *app.App, source string) map[string][]dal.Item {
	t.Helper()
	return runAndReadProblems(t, a, source, 0)
}

// runAndReadProblems is runAndRead for exports with members cut short:
// the source runs once, and reads back through the index and without it
// alike, items and problems; there are exactly problems of them.
func runAndReadProblems(t *testing.T, a *app.App, source string, problems int) map[string][]dal.Item {
	t.Helper()
	exp, err := a.Exporter(source)
	if err != nil {
		t.Fatal(err)
	}
	r := &app.Runner{Runner: &export.Runner{}, Store: snapshot.New(a.Config.Root), Layout: a.Layout}
	if res := r.Run(context.Background(), a.Config.Sources[source].Source, a.Extension(source), exp); res.Err != nil {
		t.Fatal(res.Err)
	}
	ts, err := a.Targets([]string{source})
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	var kinds map[string][]dal.Item
	for _, noCache := range []bool{true, false} {
		rd, err := a.Reader(noCache).Read(context.Background(), ts, dal.Query{})
		if err != nil {
			t.Fatal(err)
		}
		kinds = map[string][]dal.Item{}
		var b strings.Builder
		for it, err := range rd.Items {
			if err != nil {
				t.Fatal(err)
			}
			kinds[it.Kind] = append(kinds[it.Kind], it)
			b.Write(it.AppendJSON(nil))
		}
		rd.Close()
		if len(rd.Problems) != problems {
			t.Fatalf("%d problems reading %s (want %d): %v", len(rd.Problems), source, problems, rd.Problems)
		}
		outs = append(outs, b.String()+strings.Join(rd.Problems, "\n"))
	}
	if outs[0] != outs[1] {
		t.Fatal("the index and the snapshots read differently")
	}
	return kinds
}

// check asserts one item's envelope.
func check(t *testing.T, it dal.Item, key, when, title string) {
	t.Helper()
	got := it.Time.Format(time.RFC3339)
	if it.Time.IsZero() {
		got = ""
	}
	if it.Key != key || got != when || it.Title != title {
		t.Errorf("%s item: key %q time %q title %q; want %q %q %q", it.Kind, it.Key, got, it.Title, key, when, title)
	}
}

// TestExamplesReadBack: the examples in docs/examples read back with real
// keys, times and titles: each endpoint's key is its kind's key, and the
// kinds tables give the rest.
func TestExamplesReadBack(t *testing.T) {
	t.Run("github", func(t *testing.T) {
		gh := fakegithub.New(wallClock{}, "", fakegithub.Counts{Stars: 3, Repos: 2, Events: 4})
		defer gh.Close()
		got := runAndRead(t, example(t, "github.toml", "github", gh.URL, "token = \""+fakegithub.Token+"\"\n"), "github")
		if len(got["user"]) != 1 || len(got["starred"]) != 3 || len(got["repos"]) != 2 || len(got["events"]) != 4 {
			t.Fatalf("kinds: %d user, %d starred, %d repos, %d events", len(got["user"]), len(got["starred"]), len(got["repos"]), len(got["events"]))
		}
		check(t, got["user"][0], "1", "", fakegithub.Login)
		check(t, got["starred"][0], "1001", "2025-06-01T01:00:00Z", "someone/tool-1") // oldest star first
		check(t, got["starred"][2], "1003", "2025-06-01T03:00:00Z", "someone/tool-3")
		check(t, got["events"][3], "40000000004", "2025-06-01T00:04:00Z", "PushEvent")
		check(t, got["repos"][0], "2002", "2025-03-09T14:00:00Z", fakegithub.Login+"/r002") // created_at: r002 is the older
	})
	t.Run("hypothesis", func(t *testing.T) {
		hyp := fakehypothesis.New(3)
		defer hyp.Close()
		got := runAndRead(t, example(t, "hypothesis.toml", "hypothesis", hyp.URL+"/api", "token = \""+fakehypothesis.Token+"\"\n"), "hypothesis")
		if len(got["annotations"]) != 3 || len(got["profile"]) != 1 {
			t.Fatalf("kinds %v", got)
		}
		a0 := got["annotations"][0]
		if a0.Key != "Ann00001xyz" || a0.Time.Format(time.RFC3339) != "2024-03-01T01:00:00Z" || a0.URL != "https://example.com/article-1" || a0.Text != "note 1 — ünïcode" {
			t.Errorf("annotation %+v", a0)
		}
		check(t, got["profile"][0], fakehypothesis.User, "", fakehypothesis.User)
	})
	t.Run("mastodon", func(t *testing.T) {
		m := fakemastodon.New(wallClock{}, 3, 2, 1)
		defer m.Close()
		got := runAndRead(t, example(t, "mastodon.toml", "mastodon", m.URL, "token = \""+fakemastodon.Token+"\"\n"), "mastodon")
		if len(got["statuses"]) != 3 || len(got["favourites"]) != 2 || len(got["bookmarks"]) != 1 || len(got["me"]) != 1 {
			t.Fatalf("kinds: %d statuses %d favourites %d bookmarks %d me", len(got["statuses"]), len(got["favourites"]), len(got["bookmarks"]), len(got["me"]))
		}
		if s := got["statuses"][0]; s.Time.IsZero() || !strings.Contains(s.Text, "toot") {
			t.Errorf("status %+v", s)
		}
		check(t, got["me"][0], fakemastodon.AccountID, "", "alice")
	})
	t.Run("hackernews", func(t *testing.T) {
		hn := fakehn.New(0, 2, 0, 0, 0, 0)
		defer hn.Close()
		a := example(t, "hackernews.toml", "hackernews", hn.URL+"/v0", "")
		a.Config.Sources["hackernews"].Params.(*rest.Params).Vars["user"] = fakehn.User
		got := runAndRead(t, a, "hackernews")
		if len(got["items"]) != 2 {
			t.Fatalf("items %v", got["items"])
		}
		check(t, got["items"][0], "40000001", "2024-05-01T13:00:00Z", "") // a comment: no title
		if want := `A comment 40000001 &amp; a <a href="https://x.example/">link</a><p>Second paragraph`; got["items"][0].Text != want {
			t.Errorf("text %q, want %q", got["items"][0].Text, want)
		}
		check(t, got["user"][0], fakehn.User, "", fakehn.User)
	})
}
