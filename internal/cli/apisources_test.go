package cli_test

// End-to-end tests of the built-in API sources with the real binary:
// hoard init --add NAME writes the source's own stanza, the test points
// it at a local fake of the service (base_url, token_url, auth_url),
// hoard auth runs the OAuth2 flow against the fake (the "browser" is an
// HTTP client following the authorization URL), hoard run exports, and
// hoard items reads back keys, times and titles; a second run exports
// what the source's style says it should.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
	fakelastfm "github.com/hoard-dev/hoard/internal/fakeapi/lastfm"
	fakemonzo "github.com/hoard-dev/hoard/internal/fakeapi/monzo"
	fakepinboard "github.com/hoard-dev/hoard/internal/fakeapi/pinboard"
	fakespotify "github.com/hoard-dev/hoard/internal/fakeapi/spotify"
	fakestrava "github.com/hoard-dev/hoard/internal/fakeapi/strava"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
)

type wall struct{}

func (wall) Now() time.Time { return time.Now() }

var _ fakeapi.Clock = wall{}

func (e *env) configFile() string { return filepath.Join(e.home, ".config/hoard/hoard.toml") }

// addSource runs hoard init --add name and edits the stanza it wrote:
// each of set ("key = value" lines) replaces the stanza's line of that
// key or is added after the table header.
func (e *env) addSource(name string, set ...string) {
	e.t.Helper()
	if _, stderr, code := e.run("init", "--add", name); code != 0 {
		e.t.Fatalf("init --add %s: exit %d: %s", name, code, stderr)
	}
	data, err := os.ReadFile(e.configFile())
	if err != nil {
		e.t.Fatal(err)
	}
	text := string(data)
	header := "[sources." + name + "]\n"
	if !strings.Contains(text, header) {
		e.t.Fatalf("init --add %s wrote no %s:\n%s", name, header, text)
	}
	// init --add appended the stanza: edit from its header on.
	i := strings.LastIndex(text, header)
	before, stanza := text[:i], text[i:]
	for _, line := range set {
		key, _, _ := strings.Cut(line, " ")
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + ` = .*$`)
		if re.MatchString(stanza) {
			stanza = re.ReplaceAllLiteralString(stanza, line)
		} else {
			stanza = strings.Replace(stanza, header, header+line+"\n", 1)
		}
	}
	if err := os.WriteFile(e.configFile(), []byte(before+stanza), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) secretsFile(name string) string {
	return filepath.Join(e.home, ".config/hoard/secrets", name+".toml")
}

func (e *env) writeSecrets(name, text string) {
	e.t.Helper()
	p := e.secretsFile(name)
	os.MkdirAll(filepath.Dir(p), 0o700)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// mustRun runs hoard and fails the test on a non-zero exit.
func (e *env) mustRun(args ...string) string {
	e.t.Helper()
	out, stderr, code := e.run(args...)
	if code != 0 {
		e.t.Fatalf("hoard %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// item is a line of hoard items --format jsonl.
type item struct {
	Kind  string          `json:"kind"`
	Key   string          `json:"key"`
	Time  string          `json:"time"`
	Title string          `json:"title"`
	URL   string          `json:"url"`
	Text  string          `json:"text"`
	Raw   json.RawMessage `json:"raw"`
}

// items runs hoard items NAME and groups the items by kind.
func (e *env) items(name string) map[string][]item {
	e.t.Helper()
	out := e.mustRun("items", name, "--format", "jsonl")
	kinds := map[string][]item{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var it item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			e.t.Fatalf("items line %q: %v", line, err)
		}
		kinds[it.Kind] = append(kinds[it.Kind], it)
	}
	return kinds
}

// saved returns the items the newest snapshot of name saved (duplicates
// skipped), by endpoint.
func (e *env) saved(name string) map[string]int {
	e.t.Helper()
	snaps := e.snapshots(name)
	if len(snaps) == 0 {
		e.t.Fatalf("no snapshot of %s", name)
	}
	f, err := snapshot.Open(snaps[len(snaps)-1].Path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	n := map[string]int{}
	for it, err := range restfmt.Items(f) {
		if err != nil {
			e.t.Fatal(err)
		}
		n[it.Endpoint]++
	}
	return n
}

// auth runs hoard auth NAME with stdin, playing the user's browser:
// follow the authorization URL it prints to the fake, whose redirect
// lands on hoard's loopback listener.
func (e *env) auth(stdin string, args ...string) string {
	e.t.Helper()
	c := e.cmd(append([]string{"auth"}, args...)...)
	c.Stdin = strings.NewReader(stdin)
	stderr, err := c.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		e.t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		if u, ok := strings.CutPrefix(line, "  http"); ok {
			resp, err := http.Get("http" + u)
			if err != nil {
				e.t.Errorf("the browser: %v", err)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(body), "You can close this tab") {
				e.t.Errorf("the browser was told %q", body)
			}
		}
	}
	if err := c.Wait(); err != nil {
		e.t.Fatalf("hoard auth: %v\n%s", err, log.String())
	}
	return log.String()
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func q(s string) string { return fmt.Sprintf("%q", s) }

func TestSourcesListsAPISources(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out := e.mustRun("sources")
	for _, want := range []string{"lastfm", "spotify", "strava", "monzo", "pinboard"} {
		if !regexp.MustCompile(`(?m)^` + want + `\s+public API\s`).MatchString(out) {
			t.Errorf("hoard sources does not list %s as a public API:\n%s", want, out)
		}
	}
	var infos []struct {
		Name     string                 `json:"name"`
		Category string                 `json:"category"`
		Secrets  []struct{ Key string } `json:"secrets"`
	}
	if err := json.Unmarshal([]byte(e.mustRun("sources", "--json")), &infos); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, in := range infos {
		if in.Name == "spotify" && in.Category == "public API" && len(in.Secrets) == 3 && in.Secrets[2].Key == "refresh_token" {
			found++
		}
	}
	if found != 1 {
		t.Errorf("spotify in --json: %+v", infos)
	}
}

// TestInitAddAPISources: init --add writes each stanza into a config
// that loads, and says which secrets to write and where to get them.
func TestInitAddAPISources(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, name := range []string{"lastfm", "spotify", "strava", "monzo", "pinboard"} {
		_, stderr, code := e.run("init", "--add", name)
		if code != 0 || !strings.Contains(stderr, "Added [sources."+name+"]") || !strings.Contains(stderr, "It needs a secrets file") {
			t.Errorf("init --add %s: exit %d: %s", name, code, stderr)
		}
	}
	if _, stderr, code := e.run("init", "--add", "spotify"); code != 0 || !strings.Contains(stderr, "[sources.spotify-2]") ||
		!strings.Contains(stderr, "Then: hoard auth spotify-2") {
		t.Errorf("a second spotify: exit %d: %s", code, stderr)
	}
	if _, stderr, code := e.run("status"); code != 0 {
		t.Errorf("the config does not load: %s", stderr)
	}
}

func TestLastfmEndToEnd(t *testing.T) {
	t.Parallel()
	s := fakelastfm.New(wall{}, "rj", "0123456789abcdef0123456789abcdef")
	defer s.Close()
	s.Scrobble(250, time.Now().Add(-time.Hour))
	s.NowPlaying = &fakelastfm.Scrobble{Artist: "Sigur Rós", Track: "Hoppípolla"}
	s.Loved = []fakelastfm.Loved{{Artist: "Björk", Track: "Jóga", At: time.Now().Add(-48 * time.Hour)}}
	e := newEnv(t)
	e.addSource("lastfm", `user = "rj"`, "base_url = "+q(s.Base()))
	e.writeSecrets("lastfm", "api_key = \"0123456789abcdef0123456789abcdef\"\n")
	e.mustRun("run", "lastfm")
	got := e.items("lastfm")
	if len(got["scrobbles"]) != 250 || len(got["loved"]) != 1 {
		t.Fatalf("%d scrobbles, %d loved", len(got["scrobbles"]), len(got["loved"]))
	}
	last := got["scrobbles"][249]
	if !strings.HasPrefix(last.Key, `["`) || last.Title != "Track №250 “live”" || last.Text != "Artist 5" || last.Time == "" {
		t.Errorf("newest scrobble %+v", last)
	}
	s.Scrobble(5, time.Now().Add(-time.Minute))
	e.mustRun("run", "lastfm")
	if n := e.saved("lastfm")["scrobbles"]; n != 5+1 { // the new ones and the now-playing entry
		t.Errorf("the second run saved %d scrobbles, want the 5 new ones (and the now-playing entry)", n)
	}
	if n := len(e.items("lastfm")["scrobbles"]); n != 255 {
		t.Errorf("%d scrobbles after two runs", n)
	}
	// incremental: no gap report between snapshots that never overlap
	if out, stderr, code := e.run("doctor", "lastfm", "--json"); code != 0 || strings.Contains(out, `"gaps"`) {
		t.Errorf("doctor: exit %d %s %s", code, out, stderr)
	}
}

func TestPinboardEndToEnd(t *testing.T) {
	t.Parallel()
	s := fakepinboard.New(wall{}, "maciej:ABCDEF0123456789")
	defer s.Close()
	s.Add(fakepinboard.Bookmark{URL: "https://www.sqlite.org/wal.html", Title: "Write-Ahead Logging", Tags: "sqlite", At: time.Now().Add(-time.Hour)})
	s.Add(fakepinboard.Bookmark{URL: "https://ja.wikipedia.org/wiki/俳句", Title: "俳句", At: time.Now().Add(-2 * time.Hour)})
	e := newEnv(t)
	e.addSource("pinboard", "base_url = "+q(s.Base()))
	e.writeSecrets("pinboard", "token = \"maciej:ABCDEF0123456789\"\n")
	e.mustRun("run", "pinboard")
	got := e.items("pinboard")["bookmarks"]
	if len(got) != 2 || got[1].Title != "Write-Ahead Logging" || got[1].URL != "https://www.sqlite.org/wal.html" || got[1].Key != got[1].URL {
		t.Fatalf("bookmarks %+v", got)
	}
	time.Sleep(3 * time.Second) // Pinboard: one call every 3 seconds, across runs too
	e.mustRun("run", "pinboard")
	if n := e.saved("pinboard"); n["bookmarks"] != 0 || n["update"] != 1 {
		t.Errorf("unchanged: the second run saved %v, want only the update time", n)
	}
	if n := len(e.items("pinboard")["bookmarks"]); n != 2 {
		t.Errorf("%d bookmarks after two runs", n)
	}
	if s.TooMany > 0 {
		t.Errorf("%d 429s", s.TooMany)
	}
}

func TestStravaEndToEnd(t *testing.T) {
	t.Parallel()
	s := fakestrava.New(wall{}, "12345", "cs-0123456789abcdef")
	defer s.Close()
	s.Add(250, time.Now().Add(-3*time.Hour))
	e := newEnv(t)
	e.addSource("strava", "base_url = "+q(s.Base()), "token_url = "+q(s.URL+"/oauth/token"), "auth_url = "+q(s.URL+"/oauth/authorize"))
	log := e.auth("12345\ncs-0123456789abcdef\n", "strava", "--no-browser")
	if !strings.Contains(log, "Wrote client_id, client_secret, refresh_token") || strings.Contains(log, "cs-0123456789abcdef") {
		t.Errorf("auth said:\n%s", log)
	}
	sec, err := secret.Load(e.secretsFile("strava"))
	if err != nil || sec["refresh_token"] != s.OAuth.RefreshToken() || sec["client_id"] != "12345" || sec["authorized_at"] == "" {
		t.Fatalf("secrets %v %v", sec.Keys(), err)
	}
	e.mustRun("run", "strava")
	got := e.items("strava")
	if len(got["activities"]) != 250 || len(got["athlete"]) != 1 || got["athlete"][0].Title != "marianne_t" {
		t.Fatalf("%d activities, athlete %+v", len(got["activities"]), got["athlete"])
	}
	if a := got["activities"][249]; a.Key != "10000000250" || a.Title != "Morning Run №250 ☀" || a.Time == "" {
		t.Errorf("newest activity %+v", a)
	}
	s.Add(1, time.Now().Add(-time.Minute))
	e.mustRun("run", "strava")
	if n := e.saved("strava")["activities"]; n != 31 {
		t.Errorf("the second run saved %d activities, want the last 30 days again and the new one", n)
	}
	if n := len(e.items("strava")["activities"]); n != 251 {
		t.Errorf("%d activities after two runs", n)
	}
}

func TestSpotifyEndToEnd(t *testing.T) {
	t.Parallel()
	s := fakespotify.New(wall{}, "spotify-client", "sp-secret-0123456789")
	defer s.Close()
	s.OAuth.Rotate = true
	s.Play(70, time.Now().Add(-time.Minute))
	s.Saved = []string{"Saved one", "Saved two"}
	s.Playlists = []fakespotify.Playlist{{ID: "p1", Name: "Road trip", Owner: "wizzler", Snapshot: "s1", Tracks: []string{"A", "B"}}}
	s.Artists = []string{"Band of Horses"}
	e := newEnv(t)
	e.addSource("spotify", "base_url = "+q(s.Base()), "token_url = "+q(s.URL+"/api/token"), "auth_url = "+q(s.URL+"/authorize"))
	// client id and secret already in the secrets file: no prompt.
	e.writeSecrets("spotify", "# my Spotify app\nclient_id = \"spotify-client\"\nclient_secret = \"sp-secret-0123456789\"\n")
	log := e.auth("", "spotify", "--no-browser")
	if !strings.Contains(log, "Using client_id and client_secret from") {
		t.Errorf("auth said:\n%s", log)
	}
	data, _ := os.ReadFile(e.secretsFile("spotify"))
	if !strings.HasPrefix(string(data), "# my Spotify app\n") {
		t.Errorf("auth lost the file's comment:\n%s", data)
	}
	e.mustRun("run", "spotify")
	got := e.items("spotify")
	if len(got["recently_played"]) != 50 || len(got["saved_tracks"]) != 2 || len(got["playlist_items"]) != 2 || len(got["followed_artists"]) != 1 {
		t.Fatalf("kinds: %d played, %d saved, %d playlist items, %d artists", len(got["recently_played"]), len(got["saved_tracks"]), len(got["playlist_items"]), len(got["followed_artists"]))
	}
	if p := got["recently_played"][49]; p.Title != "Song 70 — «live»" || p.Key != p.Time[:19]+".000Z" && !strings.HasPrefix(p.Key, p.Time[:19]) {
		t.Errorf("newest play %+v", p)
	}
	s.Play(10, time.Now())
	e.mustRun("run", "spotify")
	if n := e.saved("spotify"); n["recently_played"] != 50 || n["playlist_items"] != 0 {
		t.Errorf("second run saved %v: want the 50 last plays again, no unchanged playlist", n)
	}
	if n := len(e.items("spotify")["recently_played"]); n != 60 {
		t.Errorf("%d plays after two runs, want 60", n)
	}
	// Authorising again replaces the tokens, and says so.
	if log := e.auth("", "spotify", "--no-browser"); !strings.Contains(log, "Replaced the old access_token, refresh_token; other keys in the file are unchanged.") {
		t.Errorf("second auth said:\n%s", log)
	}
	// The schedule the stanza sets.
	if cfg, _ := os.ReadFile(e.configFile()); !strings.Contains(string(cfg), `schedule = "every 2h"`) {
		t.Errorf("the stanza has no frequent schedule")
	}
}

func TestMonzoEndToEnd(t *testing.T) {
	t.Parallel()
	s := fakemonzo.New(wall{}, "oauth2client_00009abc", "mnzconf.secret.0123456789")
	defer s.Close()
	s.Balance["acc_00009237aqC8c5umZmrRdh"] = 5000
	s.Add("acc_00009237aqC8c5umZmrRdh", 300, time.Now().Add(-time.Hour)) // 300 days of history
	e := newEnv(t)
	e.addSource("monzo", "base_url = "+q(s.URL), "token_url = "+q(s.URL+"/oauth2/token"), "auth_url = "+q(s.URL+"/authorize"))
	port := freePort(t)
	log := e.auth("oauth2client_00009abc\nmnzconf.secret.0123456789\n", "monzo", "--no-browser", "--port", fmt.Sprint(port))
	if !strings.Contains(log, fmt.Sprintf("http://127.0.0.1:%d/callback", port)) || !strings.Contains(log, "approve hoard's access in the Monzo app") ||
		!strings.Contains(log, "hoard run monzo") {
		t.Errorf("auth said:\n%s", log)
	}
	// Within 5 minutes of the authorisation: the whole history.
	e.mustRun("run", "monzo")
	got := e.items("monzo")
	if len(got["transactions"]) != 300 || len(got["accounts"]) != 1 || len(got["balance"]) != 1 {
		t.Fatalf("%d transactions, %d accounts, %d balances", len(got["transactions"]), len(got["accounts"]), len(got["balance"]))
	}
	if tx := got["transactions"][299]; tx.Key != "tx_00000000000000000300" || tx.Title != "PRET A MANGER 300  LONDON  GBR" || tx.Time == "" {
		t.Errorf("newest transaction %+v", tx)
	}
	// Later (authorized_at older than 5 minutes): the last 89 days.
	sec, _ := secret.Load(e.secretsFile("monzo"))
	text, _ := os.ReadFile(e.secretsFile("monzo"))
	old := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	os.WriteFile(e.secretsFile("monzo"), []byte(strings.Replace(string(text), sec["authorized_at"], old, 1)), 0o600)
	s.Mu.Lock()
	s.ApprovedAt = time.Now().Add(-time.Hour)
	s.Mu.Unlock()
	s.OAuth.SetRefreshToken(s.OAuth.RefreshToken()) // and the access token expires: one refresh
	time.Sleep(1100 * time.Millisecond)             // balances fetched in another second
	e.mustRun("run", "monzo")
	if n := e.saved("monzo")["transactions"]; n < 88 || n > 90 {
		t.Errorf("the later run saved %d transactions, want the last 89 days", n)
	}
	if n := len(e.items("monzo")["transactions"]); n != 300 {
		t.Errorf("%d transactions after two runs", n)
	}
	after, _ := secret.Load(e.secretsFile("monzo"))
	if after["refresh_token"] == sec["refresh_token"] || after["refresh_token"] != s.OAuth.RefreshToken() {
		t.Errorf("the one-time refresh token was not saved")
	}
	// Balances are a time series (each run's is one point): no gaps
	// between them; transactions of the two runs overlap.
	out, stderr, code := e.run("doctor", "monzo", "--json")
	var reports []struct {
		Gaps []struct{ Kind string } `json:"gaps"`
	}
	if err := json.Unmarshal([]byte(out), &reports); err != nil || code != 0 || len(reports) != 1 || len(reports[0].Gaps) != 0 {
		t.Errorf("doctor: exit %d, %v %s%s", code, err, out, stderr)
	}
}

// TestAuthErrors: a source without OAuth2, and a configured one with no
// secrets file key, are configuration errors naming the line.
func TestAuthErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addSource("pinboard")
	_, stderr, code := e.run("auth", "pinboard")
	if code != 2 || !strings.Contains(stderr, "hoard auth cannot authorise") || !strings.Contains(stderr, "monzo, reddit, spotify, strava") {
		t.Errorf("pinboard: exit %d %s", code, stderr)
	}
	e.addSource("strava", `secrets = ""`)
	_, stderr, code = e.run("auth", "strava")
	if code != 2 || !strings.Contains(stderr, "no secrets file") {
		t.Errorf("no secrets: exit %d %s", code, stderr)
	}
	if _, stderr, code := e.run("auth", "nosuch"); code != 2 || !strings.Contains(stderr, `no source "nosuch"`) {
		t.Errorf("unknown: exit %d %s", code, stderr)
	}
}
