package spotify

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/spotify"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/apisource"
	"github.com/hoard-dev/hoard/source/internal/apisource/apitest"
)

const secrets = "client_id = \"spotify-client\"\nclient_secret = \"sp-secret-0123456789\"\nrefresh_token = \"rt-0-first\"\n"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

func setup(t *testing.T) (*apitest.Harness, *fake.Server, apisource.Build) {
	h := apitest.New(t, secrets)
	s := fake.New(h.Clock, "spotify-client", "sp-secret-0123456789")
	t.Cleanup(s.Close)
	s.OAuth.Rotate = true
	s.OAuth.SetRefreshToken("rt-0-first")
	s.Play(120, apitest.Start.Add(-time.Minute))
	for i := 1; i <= 120; i++ {
		s.Saved = append(s.Saved, fmt.Sprintf("Saved %d", i))
	}
	var long []string
	for i := 1; i <= 60; i++ {
		long = append(long, fmt.Sprintf("Long %d", i))
	}
	s.Playlists = []fake.Playlist{
		{ID: "p1", Name: "Road trip 🚗", Owner: "wizzler", Snapshot: "s1", Tracks: []string{"A", "B", "A"}},
		{ID: "p2", Name: "Long", Owner: "wizzler", Snapshot: "s1", Tracks: long},
		{ID: "p3", Name: "Someone else's", Owner: "other", Snapshot: "s1", Tracks: []string{"X"}},
	}
	for i := 1; i <= 75; i++ {
		s.Artists = append(s.Artists, fmt.Sprintf("Artist %02d", i))
	}
	b, err := build(&Params{BaseURL: s.Base(), TokenURL: s.URL + "/api/token"})
	if err != nil {
		t.Fatal(err)
	}
	return h, s, b
}

func calls(s *fake.Server) []string {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	c := s.Calls
	s.Calls = nil
	return c
}

func TestExport(t *testing.T) {
	h, s, b := setup(t)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	got := h.Read(Decoder)
	for kind, n := range map[string]int{"recently_played": 50, "saved_tracks": 120, "playlists": 3, "playlist_items": 63, "followed_artists": 75} {
		if len(got[kind]) != n {
			t.Errorf("%s: %d items, want %d", kind, len(got[kind]), n)
		}
	}
	rp := got["recently_played"][49]
	if rp.Key != "2024-03-02T09:59:00.000Z" || !rp.Time.Equal(apitest.Start.Add(-time.Minute)) || rp.Title != "Song 120 — «live»" || rp.Text != "Band of Horses" ||
		!strings.HasPrefix(rp.URL, "https://open.spotify.com/track/") {
		t.Errorf("newest play %+v", rp)
	}
	// p1 holds "A" twice, added an hour apart: two entries.
	var p1 []dal.Item
	for _, it := range got["playlist_items"] {
		if strings.HasPrefix(string(it.Raw), `{"playlist_id":"p1","added_at":"2023-05-01T`) {
			p1 = append(p1, it)
		}
	}
	if len(p1) != 3 || p1[0].Title != "A" || p1[2].Title != "A" || p1[0].Key == p1[2].Key || !strings.HasPrefix(p1[0].Key, `["p1","2023-05-01T00:00:00Z","spotify:track:`) {
		t.Errorf("p1 entries %v", p1)
	}
	// The foreign playlist's 403 is recorded, not fatal.
	snap, _ := os.ReadFile(h.Snapshots()[0])
	if !strings.Contains(string(snap), `"parent":"p3","page":1,"url":"`+s.Base()+`/playlists/p3/items?limit=50","status":403`) {
		t.Errorf("the 403 of another user's playlist is not recorded")
	}
}

// TestRecentWindow: only the last 50 plays are ever shown; runs often
// enough overlap and merge into one history; a run too late leaves a gap
// that the gap report finds.
func TestRecentWindow(t *testing.T) {
	h, s, b := setup(t)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	h.Clock.Advance(90 * time.Minute)
	s.Play(30, h.Clock.Now().Add(-time.Minute)) // 30 new plays: the window still overlaps
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if n := len(h.Read(Decoder)["recently_played"]); n != 80 {
		t.Errorf("%d plays after two runs, want 80", n)
	}
	if g := h.Gaps(Decoder, "recently_played"); len(g) != 0 {
		t.Errorf("gaps %v", g)
	}
	h.Clock.Advance(10 * time.Hour)
	s.Play(70, h.Clock.Now().Add(-time.Minute)) // 70 new plays: 20 lost
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	if n := len(h.Read(Decoder)["recently_played"]); n != 130 {
		t.Errorf("%d plays after three runs, want 130", n)
	}
	if g := h.Gaps(Decoder, "recently_played"); len(g) != 1 || g[0].Kind != "recently_played" {
		t.Errorf("gaps %v, want one in recently_played", g)
	}
}

// TestPlaylistsOnlyWhenChanged: a playlist's items are fetched again only
// when its snapshot_id changed.
func TestPlaylistsOnlyWhenChanged(t *testing.T) {
	h, s, b := setup(t)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	calls(s)
	h.Clock.Advance(2 * time.Hour)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	for _, c := range calls(s) {
		if strings.Contains(c, "/items") {
			t.Errorf("unchanged playlists fetched: %s", c)
		}
	}
	s.Mu.Lock()
	s.Playlists[0].Snapshot, s.Playlists[0].Tracks = "s2", append(s.Playlists[0].Tracks, "C")
	s.Mu.Unlock()
	h.Clock.Advance(2 * time.Hour)
	if err := h.Run(b); err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, c := range calls(s) {
		if strings.Contains(c, "/items") {
			items = append(items, c)
		}
	}
	if len(items) != 1 || !strings.HasPrefix(items[0], "/v1/playlists/p1/items") {
		t.Errorf("after p1 changed: %v", items)
	}
	if n := len(h.Read(Decoder)["playlist_items"]); n != 64 {
		t.Errorf("%d playlist items, want 64", n)
	}
}

// TestFaults: every standard fault, and an access token expiring
// mid-run: refreshed, the rotated refresh token saved, the run complete.
func TestFaults(t *testing.T) {
	for _, f := range apitest.Faults() {
		for _, at := range []int{2, 5} {
			t.Run(fmt.Sprintf("%s/request %d", f.Name, at), func(t *testing.T) {
				h, s, b := setup(t)
				h.Tune = apitest.ShortTimeout
				s.Faults.At(at, f.Fault)
				if err := h.Run(b); err != nil {
					t.Fatal(err)
				}
				got := h.Read(Decoder)
				if len(got["saved_tracks"]) != 120 || len(got["playlist_items"]) != 63 || len(got["followed_artists"]) != 75 {
					t.Errorf("%d saved, %d playlist items, %d artists", len(got["saved_tracks"]), len(got["playlist_items"]), len(got["followed_artists"]))
				}
			})
		}
	}
	t.Run("expired token", func(t *testing.T) {
		h, s, b := setup(t)
		s.OAuth.ExpireAt(4)
		if err := h.Run(b); err != nil {
			t.Fatal(err)
		}
		if n := len(h.Read(Decoder)["saved_tracks"]); n != 120 {
			t.Errorf("%d saved tracks", n)
		}
		sec, _ := secret.Load(h.Secrets)
		if r, _ := s.OAuth.Counts(); r != 2 || sec["refresh_token"] != s.OAuth.RefreshToken() {
			t.Errorf("%d refreshes; secrets file holds %q, server %q", r, sec["refresh_token"], s.OAuth.RefreshToken())
		}
	})
}

// TestRepeatedPage: a next link that points back to the page fails the
// run as a pagination loop, with no snapshot.
func TestRepeatedPage(t *testing.T) {
	h, s, b := setup(t)
	s.RepeatNext = true
	err := h.Run(b)
	if err == nil || !strings.Contains(err.Error(), "looping") {
		t.Fatalf("err = %v", err)
	}
	if len(h.Snapshots()) != 0 {
		t.Error("snapshot left")
	}
}
