// Package source describes hoard's built-in sources. Each built-in source
// is one package under source/ (source/firefox, source/zsh, ...) holding
// everything about it: what `hoard init` detects on this machine, its
// exporter (or which generic one it uses), its decoder with the read
// defaults of each kind of item (key, time, title, url, text), the
// commented stanza `hoard init --add` writes, and its tests and fixtures.
// Package source/all lists them; nothing registers itself.
//
// A Go program can read a built-in source's snapshots without hoard's
// configuration:
//
//	spec := dal.Spec{Source: "firefox", Decoder: firefox.Source.Decoder}
//	for it, err := range dal.Dir(ctx, "/home/me/exports/firefox", spec) { ... }
package source

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/file"
)

// Category says where a source's data comes from.
type Category string

// The categories, as `hoard sources` shows them.
const (
	PublicAPI  Category = "public API"
	PrivateAPI Category = "private API"
	Scraping   Category = "scraping"
	Takeout    Category = "takeout"
	PhoneApp   Category = "phone app"
	Device     Category = "device"
	Local      Category = "local"
)

// Source describes one built-in source.
type Source struct {
	// Name is the source's name: its exporter kind (when it has one), its
	// decoder's name, and the default name of a configured source.
	Name     string
	Title    string // a short human description, e.g. "Firefox history"
	Category Category
	// Needs says what a user must have: "the file", "an API token",
	// "a session cookie", "a mounted device".
	Needs string
	// Decoder reads its snapshots; every kind of item it yields has read
	// defaults in Decoder.Kinds.
	Decoder *dal.Decoder
	// Aliases are other decoder names that mean this source's decoder
	// (names older configs used, e.g. "chrome").
	Aliases []string
	// Exporter is the source's own exporter kind, named Name. Every
	// built-in source has one, so `exporter = "firefox"` is enough.
	Exporter export.Kind
	// Detect finds instances of the source on this machine that need no
	// credentials (a history file, a browser profile); nil finds none.
	Detect func(Env) []Found
	// Stanza is the commented config `hoard init --add NAME` appends,
	// with NAME as the source's name.
	Stanza string
	// Secrets are the keys its secrets file holds; empty if none. Those
	// not Optional are what it must hold.
	Secrets []Secret
	// OAuth2, when set, is how `hoard auth NAME` authorises the source:
	// the authorization-code flow with a loopback redirect, which writes
	// client_id, client_secret and refresh_token into its secrets file.
	OAuth2 *OAuth2
	// Incremental: each snapshot holds only what is new since the last
	// one, so snapshots never overlap and gaps between them mean
	// nothing; hoard doctor looks for none unless the config sets
	// gaps = true.
	Incremental bool
	// WindowKinds, when set, are the only kinds hoard doctor looks for
	// gaps in: those the service shows only a window of (the last 50
	// plays, 90 days of transactions), where a gap between snapshots is
	// lost data. Other kinds are full lists or time series.
	WindowKinds []string
}

// OAuth2 is a source's OAuth 2.0 authorization-code flow (RFC 6749 4.1)
// for `hoard auth NAME`.
type OAuth2 struct {
	AuthURL  string // the authorization endpoint, e.g. "https://accounts.spotify.com/authorize"
	TokenURL string // the token endpoint
	// Scope is the scope parameter, as the service spells it (Spotify
	// separates scopes with spaces, Strava with commas).
	Scope string
	// ClientAuth is how the client authenticates at the token endpoint:
	// "basic" (HTTP basic, the default) or "post" (in the form).
	ClientAuth string
	PKCE       bool              // send an S256 code challenge (RFC 7636)
	Params     map[string]string // extra authorization parameters, e.g. duration = "permanent"
	// Port is the loopback port of the redirect URI: 0 for any free port
	// (services that follow RFC 8252 and accept any port), else the port
	// the app must be registered with (services that match the redirect
	// URI exactly). `hoard auth --port` overrides it.
	Port int
	// Register says, in a sentence, where to create the app whose client
	// id and secret the user pastes, and which redirect URI to give it.
	Register string
	// After is printed once the secrets file is written, e.g. what to do
	// next that the service requires.
	After string
}

// OAuth2Endpoints is implemented by the parameters of a source whose
// config may move its OAuth2 endpoints (auth_url, token_url): "" keeps
// the source's default.
type OAuth2Endpoints interface {
	OAuth2Endpoints() (authURL, tokenURL string)
}

// RedirectPort is the loopback port of the redirect URI
// (http://127.0.0.1:8976/callback) that sources which match it exactly
// are registered with, unless `hoard auth --port` says otherwise.
const RedirectPort = 8976

// ResolveOAuth2 returns the flow of a configured source: its declared
// endpoints, moved by its parameters where they say so.
func (s *Source) ResolveOAuth2(params any) *OAuth2 {
	if s.OAuth2 == nil {
		return nil
	}
	o := *s.OAuth2
	if e, ok := params.(OAuth2Endpoints); ok {
		a, t := e.OAuth2Endpoints()
		if a != "" {
			o.AuthURL = a
		}
		if t != "" {
			o.TokenURL = t
		}
	}
	return &o
}

// Secret is one key a source's secrets file holds.
type Secret struct {
	Key  string // e.g. "token"
	Help string // where to get it, e.g. "https://github.com/settings/tokens (scope: read:user)"
	// Optional keys are needed by some setups only (one of two ways to
	// sign in, a key for one kind of item); the exporter says which are
	// missing when it runs.
	Optional bool `json:",omitempty"`
}

// Docs is the path of the source's documentation page in hoard's
// repository.
func (s *Source) Docs() string { return "docs/sources/" + s.Name + ".md" }

// Env is what detection may look at: the home directory and the
// environment, so that tests run detection on a temporary home.
type Env struct {
	Home   string
	Getenv func(string) string // os.Getenv in real use
	GOOS   string              // runtime.GOOS in real use
	// Mounts are the directories under which removable volumes (an
	// e-reader, a GPS) are mounted, DefaultMounts in real use; nil looks
	// at none.
	Mounts []string
}

// XDGData returns $XDG_DATA_HOME, or ~/.local/share.
func (e Env) XDGData() string {
	if d := e.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d
	}
	return filepath.Join(e.Home, ".local", "share")
}

// Found is one instance of a source found on this machine. Detect
// functions leave Source nil; Registry.Detect sets it.
type Found struct {
	Source  *Source
	Name    string // proposed source name: the source's, then "-2", "-3" ...
	Comment string // one line for the starter config, e.g. "Firefox history (profile x.default)"
	Path    string // the file to snapshot
	// Stanza, when set, is the whole config of a source that is not one
	// file (the git source's roots), with [sources.NAME] for its table;
	// Config returns it with Name.
	Stanza string
}

// Config renders the stanza of a found source: Stanza, else that of a
// file-backed source.
func (f Found) Config() string {
	if f.Stanza != "" {
		return strings.ReplaceAll(f.Stanza, "[sources.NAME]", "[sources."+f.Name+"]")
	}
	return fmt.Sprintf("# %s\n[sources.%s]\nexporter = %q\npath = %s\ncompression = \"zstd\"\n",
		f.Comment, f.Name, f.Source.Name, strconv.Quote(f.Path))
}

// Glob returns the regular files matching patterns (relative to home
// unless absolute), sorted, each once.
func Glob(home string, patterns ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range patterns {
		if !filepath.IsAbs(g) {
			g = filepath.Join(home, g)
		}
		matches, _ := filepath.Glob(g)
		sort.Strings(matches)
		for _, m := range matches {
			if info, err := os.Stat(m); err == nil && info.Mode().IsRegular() && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// Number names several instances of a source: name, name-2, name-3 ...
func Number(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s-%d", name, i+1)
}

// FileKind returns the exporter kind of a source whose export is a copy
// of one file (a history file, an app's SQLite database, copied
// consistently): the "file" exporter under the source's name and with its
// extension. Its one key is path.
func FileKind(name, ext string) export.Kind {
	return export.Kind{Name: name, NewParams: file.Kind.NewParams, New: file.Kind.New, DefaultExt: ext}
}

// FileStanza renders the commented config of a file-backed source for
// `hoard init --add`: what it is, then the table, headed [sources.NAME].
func FileStanza(exporter, what, pathExample string) string {
	return fmt.Sprintf("# %s\n# (edit the path)\n[sources.NAME]\nexporter = %q\npath = %s\ncompression = \"zstd\"\n", what, exporter, strconv.Quote(pathExample))
}
