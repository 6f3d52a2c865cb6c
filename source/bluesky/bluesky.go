// Package bluesky is the built-in source for a Bluesky (AT Protocol)
// account: the records of its repository, collection by collection
// (posts, likes, reposts, follows, with com.atproto.repo.listRecords), and
// the profile, signed in with an app password.
package bluesky

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// DefaultBaseURL is Bluesky's PDS entryway: it signs in accounts hosted by
// Bluesky and forwards their requests to the server that holds them.
const DefaultBaseURL = "https://bsky.social"

// Params are the keys of a [sources.NAME] table with exporter = "bluesky".
type Params struct {
	User    string `toml:"user"`     // your handle ("alice.bsky.social") or DID; required
	BaseURL string `toml:"base_url"` // your PDS; default DefaultBaseURL
}

// Kind is the "bluesky" exporter kind.
var Kind = export.Kind{
	Name:       "bluesky",
	NewParams:  func() any { return &Params{} },
	New:        func(src export.Source) (export.Exporter, error) { return newExporter(src, rest.Hooks{}) },
	DefaultExt: "jsonl",
}

func newExporter(src export.Source, h rest.Hooks) (*rest.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("bluesky: parameters of type %T", src.Params)
	}
	user := strings.TrimPrefix(strings.TrimSpace(p.User), "@")
	if user == "" {
		return nil, errors.New(`missing key "user": your handle, e.g. user = "alice.bsky.social"`)
	}
	rp := restParams(p)
	h.Auth = func(env *export.Env) (httpx.Auth, error) { return newSession(env, rp.BaseURL, user, h.Clock) }
	h.AuthExpired = expired
	return rest.NewWithHooks(rp, h)
}

// Collections are the repository's collections the source exports, by
// kind.
var Collections = map[string]string{
	"posts":   "app.bsky.feed.post",
	"likes":   "app.bsky.feed.like",
	"reposts": "app.bsky.feed.repost",
	"follows": "app.bsky.graph.follow",
}

// restParams is the rest engine's configuration for p.
func restParams(p *Params) *rest.Params {
	base := p.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	eps := []rest.EndpointParams{{Name: "profile", Path: "/xrpc/app.bsky.actor.getProfile", Params: map[string]string{"actor": "{user}"}}}
	for _, kind := range []string{"posts", "likes", "reposts", "follows"} {
		eps = append(eps, rest.EndpointParams{Name: kind, Path: "/xrpc/com.atproto.repo.listRecords",
			Params: map[string]string{"repo": "{user}", "collection": Collections[kind], "limit": "100"},
			Items:  "records", Key: "uri",
			// a cursor follows every page with records; the empty page after
			// the last one has none
			Pagination: rest.PaginationParams{Type: "cursor", Cursor: "cursor", Param: "cursor"}})
	}
	return &rest.Params{
		BaseURL: strings.TrimRight(base, "/"),
		Vars:    map[string]string{"user": strings.TrimPrefix(strings.TrimSpace(p.User), "@")},
		// ratelimit-reset is Unix seconds (3000 requests / 5 minutes)
		HTTP:      rest.HTTPParams{RateLimitRemaining: "ratelimit-remaining", RateLimitReset: "ratelimit-reset", RateLimitResetFormat: "epoch"},
		Endpoints: eps,
	}
}

// expired recognises the PDS's answer to an expired or revoked access
// token: 400 {"error": "ExpiredToken"} (or "InvalidToken").
func expired(r *httpx.Response) bool {
	return r.Status == 400 && (bytes.Contains(r.Body, []byte(`"ExpiredToken"`)) || bytes.Contains(r.Body, []byte(`"InvalidToken"`)))
}

// recordKind is the read default of a collection's records,
// {"uri": "at://DID/COLLECTION/RKEY", "cid", "value": {...}}.
func recordKind(title, url, text string) dal.KindSpec {
	return dal.KindSpec{Key: []string{"uri"}, Time: "value.createdAt", Title: title, URL: url, Text: text}
}

// Decoder reads the bluesky source's snapshots; records are keyed by
// their at:// URI.
var Decoder = &dal.Decoder{
	Name: "bluesky", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"profile": {Key: []string{"did"}, Title: "handle", Text: "description"},
		"posts":   recordKind("", "uri", "value.text"),
		"likes":   recordKind("", "value.subject.uri", ""),
		"reposts": recordKind("", "value.subject.uri", ""),
		"follows": recordKind("value.subject", "", ""),
	},
	Records: apisource.Records(nil),
}

// Source describes the bluesky source.
var Source = &source.Source{
	Name:     "bluesky",
	Title:    "Bluesky: your posts, likes, reposts, follows and profile",
	Category: source.PublicAPI,
	Needs:    "your handle and an app password",
	Decoder:  Decoder,
	Exporter: Kind,
	Stanza: `# Bluesky: every record of your repository's posts, likes, reposts and
# follows, and your profile.
# Secrets file (chmod 600): password = "xxxx-xxxx-xxxx-xxxx", an app password
# from Settings > Privacy and security > App passwords (https://bsky.app/settings/app-passwords)
[sources.NAME]
exporter = "bluesky"
user = "alice.bsky.social"   # your handle
secrets = "~/.config/hoard/secrets/bluesky.toml"
compression = "zstd"
# base_url = "https://pds.example.com"   # an account on your own PDS
`,
	Secrets: []source.Secret{{Key: "password", Help: "an app password (not your account password): https://bsky.app/settings/app-passwords"}},
}
