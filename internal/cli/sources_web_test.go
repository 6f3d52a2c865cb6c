package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	fbsky "github.com/hoard-dev/hoard/internal/fakeapi/bluesky"
	fgh "github.com/hoard-dev/hoard/internal/fakeapi/github"
	fhn "github.com/hoard-dev/hoard/internal/fakeapi/hackernews"
	fhyp "github.com/hoard-dev/hoard/internal/fakeapi/hypothesis"
	fmasto "github.com/hoard-dev/hoard/internal/fakeapi/mastodon"
	freddit "github.com/hoard-dev/hoard/internal/fakeapi/reddit"
	"github.com/hoard-dev/hoard/source/bluesky"
	"github.com/hoard-dev/hoard/source/github"
	"github.com/hoard-dev/hoard/source/hackernews"
	"github.com/hoard-dev/hoard/source/hypothesis"
	"github.com/hoard-dev/hoard/source/mastodon"
	"github.com/hoard-dev/hoard/source/reddit"
)

type wallNow struct{}

func (wallNow) Now() time.Time { return time.Now() }

// addWebSource runs hoard init --add NAME, then points the stanza at the
// fake: each edit replaces a line of the stanza, extra lines are added to
// its table, and the secrets file it names is written.
func addWebSource(t *testing.T, e *env, name string, edits map[string]string, extra, secrets string) {
	t.Helper()
	if _, stderr, code := e.run("init", "--add", name); code != 0 || !strings.Contains(stderr, "Added [sources."+name+"]") {
		t.Fatalf("init --add %s: exit %d\n%s", name, code, stderr)
	}
	path := filepath.Join(e.home, ".config/hoard/hoard.toml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for old, new := range edits {
		if !strings.Contains(text, old) {
			t.Fatalf("the stanza of %s has no %q:\n%s", name, old, text)
		}
		text = strings.Replace(text, old, new, 1)
	}
	if err := os.WriteFile(path, []byte(strings.TrimRight(text, "\n")+"\n"+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	if secrets != "" {
		p := filepath.Join(e.home, ".config/hoard/secrets", name+".toml")
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(secrets), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// webItem is one line of hoard items.
type webItem struct {
	Kind, Key, Time, Title, URL, Text string
}

// runWeb runs the source and returns its items by kind, and what its
// newest snapshot holds by kind.
func runWeb(t *testing.T, e *env, name string, dec *dal.Decoder) (map[string][]webItem, map[string]int) {
	t.Helper()
	if out, stderr, code := e.run("run", name); code != 0 {
		t.Fatalf("run %s: exit %d\n%s%s", name, code, out, stderr)
	}
	out, stderr, code := e.run("items", name)
	if code != 0 {
		t.Fatalf("items %s: exit %d\n%s", name, code, stderr)
	}
	items := map[string][]webItem{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var it webItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("items line %q: %v", line, err)
		}
		items[it.Kind] = append(items[it.Kind], it)
	}
	snaps := e.snapshots(name)
	last := map[string]int{}
	for rec, err := range dec.Records(context.Background(), snaps[len(snaps)-1].Path, &dal.Spec{Decoder: dec}) {
		if err != nil {
			t.Fatal(err)
		}
		last[rec.Kind]++
	}
	return items, last
}

func wantItem(t *testing.T, it webItem, key, when, title string) {
	t.Helper()
	if it.Key != key || it.Time != when || it.Title != title {
		t.Errorf("%s item: key %q time %q title %q; want %q %q %q", it.Kind, it.Key, it.Time, it.Title, key, when, title)
	}
}

func wantCounts(t *testing.T, what string, got map[string]int, want map[string]int) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %s %d, want %d (all: %v)", what, k, got[k], n, got)
		}
	}
}

func counts(items map[string][]webItem) map[string]int {
	m := map[string]int{}
	for k, v := range items {
		m[k] = len(v)
	}
	return m
}

// Each web source end to end with the real binary: the stanza hoard init
// --add writes, pointed at a local fake of the service; hoard run; hoard
// items with the source's keys, times and titles; a second run that
// exports what its style says; hoard doctor content (no false gaps).
func TestWebSourcesEndToEnd(t *testing.T) {
	t.Run("github", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := fgh.New(wallNow{}, "", fgh.Counts{Stars: 3, Repos: 2, Gists: 1, Followers: 1, Following: 1, Events: 5, Issues: 2, Pulls: 1})
		defer srv.Close()
		addWebSource(t, e, "github", nil, "base_url = \""+srv.URL+"\"\n", "token = \""+fgh.Token+"\"\n")
		items, last := runWeb(t, e, "github", github.Decoder)
		wantCounts(t, "first run", last, map[string]int{"profile": 1, "starred": 3, "repos": 2, "gists": 1, "followers": 1, "following": 1, "events": 5, "issues": 2, "pulls": 1})
		wantItem(t, items["starred"][0], "1001", "2025-06-01T01:00:00Z", "someone/tool-1")
		wantItem(t, items["events"][4], "40000000005", "2025-06-01T00:05:00Z", "PushEvent")
		wantItem(t, items["pulls"][0], "7003", "2025-06-01T00:03:00Z", "Bug 3: ünïcode breaks")
		srv.AddEvent()
		items, last = runWeb(t, e, "github", github.Decoder)
		// full kinds again; the events window again, with the new one (synthetic)
		wantCounts(t, "second run", last, map[string]int{"starred": 3, "events": 6})
		wantCounts(t, "merged", counts(items), map[string]int{"events": 6, "starred": 3})
		if _, stderr, code := e.run("doctor", "github"); code != 0 {
			t.Errorf("doctor: exit %d\n%s", code, stderr)
		}
	})
	t.Run("reddit", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := freddit.New(wallNow{}, freddit.Counts{Saved: 120, Upvoted: 2, Comments: 3, Submitted: 1, Subreddits: 2})
		defer srv.Close()
		addWebSource(t, e, "reddit", nil, "base_url = \""+srv.URL+"\"\ntoken_url = \""+srv.URL+"/api/v1/access_token\"\n",
			"client_id = \""+freddit.ClientID+"\"\nclient_secret = \""+freddit.ClientSecret+"\"\nusername = \""+freddit.Username+"\"\npassword = \""+freddit.Password+"\"\n")
		items, last := runWeb(t, e, "reddit", reddit.Decoder)
		wantCounts(t, "first run", last, map[string]int{"profile": 1, "saved": 120, "upvoted": 2, "comments": 3, "submissions": 1, "subreddits": 2, "multireddits": 1})
		wantItem(t, items["saved"][0], "t3_rt", "2023-01-01T16:41:00Z", "Post 1001: <b>bold</b> & ünïcode")
		wantItem(t, items["comments"][0], "t1_12kx", "2023-02-04T17:21:00Z", "Thread 50001")
		srv.Save(9999)
		items, last = runWeb(t, e, "reddit", reddit.Decoder)
		wantCounts(t, "second run", last, map[string]int{"saved": 121}) // the listing again (synthetic)
		wantCounts(t, "merged", counts(items), map[string]int{"saved": 121})
		if _, stderr, code := e.run("doctor", "reddit"); code != 0 {
			t.Errorf("doctor: exit %d\n%s", code, stderr)
		}
	})
	t.Run("reddit through hoard auth", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := freddit.New(wallNow{}, freddit.Counts{Saved: 3, Subreddits: 1})
		defer srv.Close()
		addWebSource(t, e, "reddit", nil, "base_url = \""+srv.URL+"\"\ntoken_url = \""+srv.URL+"/api/v1/access_token\"\nauth_url = \""+srv.URL+"/api/v1/authorize\"\n",
			"client_id = \""+freddit.ClientID+"\"\nclient_secret = \""+freddit.ClientSecret+"\"\n")
		if _, stderr, code := e.run("run", "reddit"); code == 0 || !strings.Contains(stderr, "hoard auth reddit") {
			t.Errorf("a run before hoard auth: exit %d, want the hint\n%s", code, stderr)
		}
		log := e.auth("", "reddit", "--no-browser", "--port", fmt.Sprint(freePort(t)))
		if !strings.Contains(log, "hoard run reddit") {
			t.Errorf("auth said:\n%s", log)
		}
		data, _ := os.ReadFile(e.secretsFile("reddit"))
		if !strings.Contains(string(data), "refresh_token = \""+freddit.RefreshToken+"\"") {
			t.Fatalf("the secrets file after hoard auth:\n%s", data)
		}
		items, last := runWeb(t, e, "reddit", reddit.Decoder)
		wantCounts(t, "first run", last, map[string]int{"saved": 3, "subreddits": 1})
		if len(items["saved"]) != 3 || !slices.Contains(srv.Grants, "authorization_code") {
			t.Errorf("%d saved; grants %v", len(items["saved"]), srv.Grants)
		}
	})
	t.Run("hypothesis", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := fhyp.New(5)
		defer srv.Close()
		addWebSource(t, e, "hypothesis", nil, "base_url = \""+srv.URL+"/api\"\n", "token = \""+fhyp.Token+"\"\n")
		items, last := runWeb(t, e, "hypothesis", hypothesis.Decoder)
		wantCounts(t, "first run", last, map[string]int{"profile": 1, "annotations": 5})
		wantItem(t, items["annotations"][2], "Ann00003xyz", "2024-03-01T03:00:00Z", "Article 3")
		srv.Add()
		items, last = runWeb(t, e, "hypothesis", hypothesis.Decoder)
		wantCounts(t, "second run", last, map[string]int{"annotations": 1}) // only the new one (incremental)
		wantCounts(t, "merged", counts(items), map[string]int{"annotations": 6})
		if _, stderr, code := e.run("doctor", "hypothesis"); code != 0 {
			t.Errorf("doctor: exit %d\n%s", code, stderr)
		}
	})
	t.Run("mastodon", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := fmasto.New(wallNow{}, 45, 2, 1)
		defer srv.Close()
		addWebSource(t, e, "mastodon", map[string]string{`base_url = "https://mastodon.social"`: `base_url = "` + srv.URL + `"`}, "", "token = \""+fmasto.Token+"\"\n")
		items, last := runWeb(t, e, "mastodon", mastodon.Decoder)
		wantCounts(t, "first run", last, map[string]int{"profile": 1, "statuses": 45, "favourites": 2, "bookmarks": 1})
		wantItem(t, items["statuses"][4], "109348765432427680", "2016-11-06T09:00:00Z", "cw: food")
		srv.Post()
		items, last = runWeb(t, e, "mastodon", mastodon.Decoder)
		wantCounts(t, "second run", last, map[string]int{"statuses": 1, "favourites": 2}) // new statuses only; favourites in full
		wantCounts(t, "merged", counts(items), map[string]int{"statuses": 46})
		if _, stderr, code := e.run("doctor", "mastodon"); code != 0 {
			t.Errorf("doctor: exit %d\n%s", code, stderr)
		}
	})
	t.Run("bluesky", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := fbsky.New(wallNow{}, map[string]int{fbsky.Posts: 130, fbsky.Likes: 2, fbsky.Reposts: 1, fbsky.Follows: 3})
		defer srv.Close()
		addWebSource(t, e, "bluesky", map[string]string{`user = "alice.bsky.social"`: `user = "` + fbsky.Handle + `"`}, "base_url = \""+srv.URL+"\"\n", "password = \""+fbsky.AppPassword+"\"\n")
		items, last := runWeb(t, e, "bluesky", bluesky.Decoder)
		wantCounts(t, "first run", last, map[string]int{"profile": 1, "posts": 130, "likes": 2, "reposts": 1, "follows": 3})
		wantItem(t, items["posts"][0], "at://"+fbsky.DID+"/app.bsky.feed.post/"+fbsky.TID(fbsky.Base.Add(time.Hour), 7), "2024-02-01T01:00:00Z", "")
		wantItem(t, items["follows"][0], "at://"+fbsky.DID+"/app.bsky.graph.follow/"+fbsky.TID(fbsky.Base.Add(time.Hour), 7), "2024-02-01T01:00:00Z", "did:plc:friend1")
		srv.Add(fbsky.Posts)
		items, last = runWeb(t, e, "bluesky", bluesky.Decoder)
		wantCounts(t, "second run", last, map[string]int{"posts": 131}) // every record again (full)
		wantCounts(t, "merged", counts(items), map[string]int{"posts": 131})
		if srv.Sessions != 2 {
			t.Errorf("%d sessions, want one a run", srv.Sessions)
		}
		if _, stderr, code := e.run("doctor", "bluesky"); code != 0 {
			t.Errorf("doctor: exit %d\n%s", code, stderr)
		}
	})
	t.Run("hackernews", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		srv := fhn.New(3, 2, 2, 1, 0, 0)
		defer srv.Close()
		addWebSource(t, e, "hackernews", map[string]string{`user = "pg"`: `user = "` + fhn.User + `"`},
			"base_url = \""+srv.URL+"\"\napi_url = \""+srv.URL+"/v0\"\n", "")
		items, last := runWeb(t, e, "hackernews", hackernews.Decoder)
		wantCounts(t, "first run", last, map[string]int{"profile": 1, "submissions": 3, "comments": 2, "favorites": 2, "favorite_comments": 1})
		wantItem(t, items["submissions"][0], "40000001", "2024-05-01T13:00:00Z", "Show HN: Thing 40000001 – “quoted” & ünïcode")
		wantItem(t, items["favorite_comments"][0], "40000008", "2024-05-01T20:00:00Z", "The story of comment 40000008, with a long title")
		srv.Submit(true)
		items, last = runWeb(t, e, "hackernews", hackernews.Decoder)
		wantCounts(t, "second run", last, map[string]int{"comments": 1, "submissions": 0, "favorites": 2}) // the new comment only (incremental); the list in full
		wantCounts(t, "merged", counts(items), map[string]int{"comments": 3, "submissions": 3})
		if _, stderr, code := e.run("doctor", "hackernews"); code != 0 {
			t.Errorf("doctor: exit %d\n%s", code, stderr)
		}
	})
}

// hoard sources lists every web source with its category; init --add
// writes a valid stanza for each, telling which secrets it needs.
func TestWebSourcesListedAndAdded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out, _, code := e.run("sources", "--json")
	var infos []struct {
		Name, Category string
		Secrets        []struct{ Key string }
	}
	if err := json.Unmarshal([]byte(out), &infos); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	cat := map[string]string{}
	for _, in := range infos {
		cat[in.Name] = in.Category
	}
	for name, want := range map[string]string{"github": "public API", "reddit": "public API", "hypothesis": "public API", "mastodon": "public API", "bluesky": "public API", "hackernews": "scraping"} {
		if cat[name] != want {
			t.Errorf("%s: category %q, want %q", name, cat[name], want)
		}
		_, stderr, code := e.run("init", "--add", name)
		if code != 0 || !strings.Contains(stderr, "Added [sources."+name+"]") || !strings.Contains(stderr, "docs/sources/"+name+".md") {
			t.Errorf("init --add %s: exit %d\n%s", name, code, stderr)
		}
		if name != "hackernews" && !strings.Contains(stderr, "It needs a secrets file") {
			t.Errorf("init --add %s does not say which secrets it needs:\n%s", name, stderr)
		}
	}
	table, _, _ := e.run("sources")
	for _, name := range []string{"github", "reddit", "hypothesis", "mastodon", "bluesky", "hackernews"} {
		if !strings.Contains(table, name) {
			t.Errorf("hoard sources lacks %s:\n%s", name, table)
		}
	}
	if _, stderr, code := e.run("doctor"); code == 2 {
		t.Errorf("the config with every web source added is not valid:\n%s", stderr)
	}
}
