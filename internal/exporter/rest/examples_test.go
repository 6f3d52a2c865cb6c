package rest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fakegithub "github.com/hoard-dev/hoard/internal/fakeapi/github"
	fakehn "github.com/hoard-dev/hoard/internal/fakeapi/hackernews"
	fakehypothesis "github.com/hoard-dev/hoard/internal/fakeapi/hypothesis"
	fakemastodon "github.com/hoard-dev/hoard/internal/fakeapi/mastodon"
)

// loadExample loads docs/examples/<file> unchanged through the strict
// config loader, then points the source at a local fake (the base URL
// override).
func loadExample(t *testing.T, file, source, baseURL string) *Params {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	cfg, err := config.Load(filepath.Join("..", "..", "..", "docs", "examples", file), export.NewKinds(Kind).Params)
	if err != nil {
		t.Fatal(err)
	}
	src, ok := cfg.Sources[source]
	if !ok {
		t.Fatalf("%s has no source %s", file, source)
	}
	if _, err := export.NewKinds(Kind).New(src.Source); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	p := src.Params.(*Params)
	p.BaseURL = baseURL
	return p
}

// byEndpoint groups items by endpoint name.
func byEndpoint(items []Item) map[string][]Item {
	m := map[string][]Item{}
	for _, it := range items {
		m[it.Endpoint] = append(m[it.Endpoint], it)
	}
	return m
}

func field(t *testing.T, it Item, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(it.Raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

func TestExampleGitHub(t *testing.T) {
	h := newHarness(t, "token = \""+fakegithub.Token+"\"\n")
	gh := fakegithub.New(h.clock, "", fakegithub.Counts{Stars: 250, Repos: 7, Events: 320})
	defer gh.Close()
	gh.Limit = 4 // force pauses: the run needs 8 requests
	p := loadExample(t, "github.toml", "github", gh.URL)
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	got := byEndpoint(h.items())
	if len(got["user"]) != 1 || len(got["starred"]) != 250 || len(got["repos"]) != 7 || len(got["events"]) != 300 {
		t.Fatalf("items: user %d, starred %d, repos %d, events %d", len(got["user"]), len(got["starred"]), len(got["repos"]), len(got["events"]))
	}
	if field(t, got["starred"][0], "starred_at") == nil {
		t.Fatal("starred items lack starred_at: the star+json Accept header was not sent")
	}
	if gh.Forbidden != 0 || h.clock.Slept() < time.Hour {
		t.Fatalf("rate limit: %d 403 answers, paused %v; want none and a pause until the reset", gh.Forbidden, h.clock.Slept())
	}
	snap, _ := os.ReadFile(h.snapshots()[0])
	if strings.Contains(string(snap), fakegithub.Token) {
		t.Fatal("token in the snapshot")
	}

	// Second run: nothing new in the events feed, so GitHub answers 304.
	h.clock.Sleep(t.Context(), time.Second)
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if gh.NotModified != 1 {
		t.Fatalf("%d 304 answers, want 1 (If-None-Match from the saved ETag)", gh.NotModified)
	}
	if got := byEndpoint(h.items()); len(got["events"]) != 0 || len(got["starred"]) != 250 {
		t.Fatalf("second run: events %d (want 0: not modified), starred %d", len(got["events"]), len(got["starred"]))
	}
}

// TestExampleGitHubFaults puts GitHub's own failure modes in front of the
// fake: a secondary rate limit (403 + Retry-After), a 502, a reset
// connection and a body cut short. The run recovers with every item once.
func TestExampleGitHubFaults(t *testing.T) {
	h := newHarness(t, "token = \""+fakegithub.Token+"\"\n")
	gh := fakegithub.New(h.clock, "", fakegithub.Counts{Stars: 250, Repos: 7, Events: 320})
	defer gh.Close()
	gh.Faults.
		At(2, fakeapi.Fault{Kind: fakeapi.Status, Status: 403, RetryAfter: "60",
			Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`}).
		At(4, fakeapi.Fault{Kind: fakeapi.Status, Status: 502, Body: `{"message":"Server Error"}`}).
		At(6, fakeapi.Fault{Kind: fakeapi.Reset}).
		At(8, fakeapi.Fault{Kind: fakeapi.Truncate})
	if err := h.run(loadExample(t, "github.toml", "github", gh.URL)); err != nil {
		t.Fatal(err)
	}
	got := byEndpoint(h.items())
	if len(got["starred"]) != 250 || len(got["repos"]) != 7 || len(got["events"]) != 300 {
		t.Fatalf("starred %d, repos %d, events %d", len(got["starred"]), len(got["repos"]), len(got["events"]))
	}
	seen := map[any]bool{}
	for _, it := range got["starred"] {
		id := field(t, it, "repo").(map[string]any)["id"]
		if seen[id] {
			t.Fatalf("repo %v read twice", id)
		}
		seen[id] = true
	}
	if gh.Faults.Requests() != 12 || h.clock.Slept() < time.Minute {
		t.Fatalf("%d requests (want 8 + 4 retries), slept %v (want >= the 60s Retry-After)", gh.Faults.Requests(), h.clock.Slept())
	}
}

func TestExampleGitHubBadToken(t *testing.T) {
	h := newHarness(t, "token = \"wrong-token\"\n")
	gh := fakegithub.New(h.clock, "", fakegithub.Counts{Stars: 3, Repos: 1, Events: 1})
	defer gh.Close()
	err := h.run(loadExample(t, "github.toml", "github", gh.URL))
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "Bad credentials") || strings.Contains(err.Error(), "wrong-token") {
		t.Fatalf("err = %v, want a redacted 401 Bad credentials", err)
	}
	if !export.IsPermanent(err) {
		t.Fatal("a 401 should not be retried by the runner")
	}
}

func TestExampleGitHubMissingSecret(t *testing.T) {
	h := newHarness(t, "tokn = \"x\"\n")
	gh := fakegithub.New(h.clock, "", fakegithub.Counts{Stars: 3, Repos: 1, Events: 1})
	defer gh.Close()
	err := h.run(loadExample(t, "github.toml", "github", gh.URL))
	if err == nil || !strings.Contains(err.Error(), `key "token"`) {
		t.Fatalf("err = %v, want one naming the missing secrets key", err)
	}
}

func TestExampleHypothesisIncremental(t *testing.T) {
	h := newHarness(t, "token = \""+fakehypothesis.Token+"\"\n")
	hyp := fakehypothesis.New(450)
	defer hyp.Close()
	p := loadExample(t, "hypothesis.toml", "hypothesis", hyp.URL+"/api")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	anns := byEndpoint(h.items())["annotations"]
	if len(anns) != 450 || len(hyp.Calls) != 3 {
		t.Fatalf("run 1: %d annotations in %d requests, want 450 in 3", len(anns), len(hyp.Calls))
	}
	const key = "annotations/" + fakehypothesis.User
	bookmark := h.cursors()[key]
	if bookmark != hyp.Anns[449]["updated"] {
		t.Fatalf("bookmark %q, want the newest updated %q", bookmark, hyp.Anns[449]["updated"])
	}

	// Run 2: five new annotations and one edited: only those six come back.
	for range 5 {
		hyp.Add()
	}
	hyp.Touch(10, fakehypothesis.Base.Add(465*time.Hour))
	hyp.Mu.Lock()
	hyp.Calls = nil
	hyp.Mu.Unlock()
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	anns = byEndpoint(h.items())["annotations"]
	if len(anns) != 6 {
		t.Fatalf("run 2: %d annotations, want 6", len(anns))
	}
	if after := hyp.Calls[0].Get("search_after"); after != "2024-03-19T17:59:00Z" {
		t.Fatalf("run 2 started at search_after=%q, want the bookmark minus the 1m lookback", after)
	}
	newest := h.cursors()[key]
	if compareCursor(newest, bookmark) <= 0 {
		t.Fatalf("bookmark did not advance: %q", newest)
	}

	// Run 3 fails: the profile is read, then every search answers 500 (the
	// run gives up after its attempts): no snapshot, state exactly as it was.
	before, nSnaps := h.state(), len(h.snapshots())
	n := hyp.Faults.Requests()
	for i, f := range repeat(fakeapi.Fault{Kind: fakeapi.Status, Status: 500, Body: `{"status":"failure","reason":"internal error"}`}, n+2, n+20) {
		hyp.Faults.At(i, f)
	}
	if err := h.run(p); err == nil || !strings.Contains(err.Error(), "annotations") || !strings.Contains(err.Error(), "500") {
		t.Fatalf("run 3: err = %v, want the searches' 500", err)
	}
	if h.state() != before || len(h.snapshots()) != nSnaps {
		t.Fatal("a failed run changed the state or left a snapshot")
	}
}

func TestExampleHackerNews(t *testing.T) {
	h := newHarness(t, "")
	// Five comments, submitted newest first; the API answers null for the
	// third (an item that no longer exists).
	hn := fakehn.New(0, 5, 0, 0, 0, 0)
	defer hn.Close()
	hn.Mu.Lock()
	delete(hn.Items, 40000003)
	hn.Mu.Unlock()
	p := loadExample(t, "hackernews.toml", "hackernews", hn.URL+"/v0")
	p.Vars["user"] = fakehn.User
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	got := byEndpoint(h.items())
	if len(got["user"]) != 1 || len(got["items"]) != 4 {
		t.Fatalf("user %d, items %d; want 1 and 4 (item 40000003 is null)", len(got["user"]), len(got["items"]))
	}
	var order []string
	for _, it := range got["items"] {
		order = append(order, it.Parent)
	}
	if strings.Join(order, ",") != "40000005,40000004,40000002,40000001" {
		t.Fatalf("items fetched for %v, want 40000005,40000004,40000002,40000001 in submitted order", order)
	}
}

func TestExampleMastodon(t *testing.T) {
	h := newHarness(t, "token = \""+fakemastodon.Token+"\"\n")
	m := fakemastodon.New(h.clock, 95, 45, 3)
	defer m.Close()
	m.Limit = 6 // 1 + 4 + 3 + 2 requests: pauses needed
	p := loadExample(t, "mastodon.toml", "mastodon", m.URL)
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	got := byEndpoint(h.items())
	if len(got["statuses"]) != 95 || len(got["favourites"]) != 45 || len(got["bookmarks"]) != 3 {
		t.Fatalf("statuses %d, favourites %d, bookmarks %d", len(got["statuses"]), len(got["favourites"]), len(got["bookmarks"]))
	}
	if m.TooMany != 0 {
		t.Fatalf("%d 429 answers: the client should pause at the limit", m.TooMany)
	}
	const key = "statuses/" + fakemastodon.AccountID
	ids := m.StatusIDs()
	bookmark := h.cursors()[key]
	if bookmark != ids[0] {
		t.Fatalf("bookmark %q, want the newest status id %q", bookmark, ids[0])
	}

	// Run 2: three new posts; the first page reaches the bookmark, so only
	// one page of statuses is fetched, and the 37 older posts on it are
	// marked as already saved: three items are read back.
	for range 3 {
		m.Post()
	}
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	statuses := byEndpoint(h.items())["statuses"]
	if len(statuses) != 3 || statuses[2].Page != 1 {
		t.Fatalf("run 2 read %d statuses, want the 3 new ones from page 1", len(statuses))
	}
	ids = m.StatusIDs()
	for i, it := range statuses {
		if field(t, it, "id") != ids[i] {
			t.Fatalf("run 2 status %d is %v, want %v", i, field(t, it, "id"), ids[i])
		}
	}
	if h.cursors()[key] != ids[0] {
		t.Fatal("bookmark not advanced to the newest post")
	}
}
