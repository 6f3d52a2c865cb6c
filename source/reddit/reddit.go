// Package reddit is the built-in source for a Reddit account: saved
// posts and comments, upvoted and downvoted posts, your comments and
// submissions, subscribed subreddits, multireddits and the profile,
// through the OAuth2 API. Every listing stops at 1000 items, so each
// snapshot matters (synthetic) and the data access layer merges them.
// Its decoder also reads the JSON that karlicoss's rexport writes.
package reddit

import (
	"fmt"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// The API's hosts: requests with an access token go to the OAuth host;
// tokens come from www.
const (
	DefaultBaseURL  = "https://oauth.reddit.com"
	DefaultTokenURL = "https://www.reddit.com/api/v1/access_token"
	DefaultAuthURL  = "https://www.reddit.com/api/v1/authorize"
)

// Scope is what hoard asks for in `hoard auth reddit`: the profile
// (identity), the user's listings (history), subreddits and multireddits
// (mysubreddits, read).
const Scope = "identity history mysubreddits read"

// Params are the keys of a [sources.NAME] table with exporter = "reddit".
type Params struct {
	BaseURL  string `toml:"base_url"`  // default DefaultBaseURL
	TokenURL string `toml:"token_url"` // default DefaultTokenURL
	AuthURL  string `toml:"auth_url"`  // default DefaultAuthURL (hoard auth)
}

// Kind is the "reddit" exporter kind.
var Kind = export.Kind{
	Name:       "reddit",
	NewParams:  func() any { return &Params{} },
	New:        func(src export.Source) (export.Exporter, error) { return newExporter(src, rest.Hooks{}) },
	DefaultExt: "jsonl",
}

func newExporter(src export.Source, h rest.Hooks) (*rest.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("reddit: parameters of type %T", src.Params)
	}
	tokenURL := p.TokenURL
	if tokenURL == "" {
		tokenURL = DefaultTokenURL
	}
	h.Auth = func(env *export.Env) (httpx.Auth, error) { return newAuth(env, tokenURL, h.Clock) }
	return rest.NewWithHooks(restParams(p), h)
}

// restParams is the rest engine's configuration for p; the credentials
// are the source's own (see auth.go).
func restParams(p *Params) *rest.Params {
	base := p.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	after := rest.PaginationParams{Type: "cursor", Cursor: "data.after", Param: "after"}
	me := rest.ForEachParams{Endpoint: "profile", Field: "name", Required: true}
	// raw_json=1: text as written, not with &, < and > as HTML entities
	listing := func(name, path string) rest.EndpointParams {
		return rest.EndpointParams{Name: name, Path: path, Params: map[string]string{"limit": "100", "raw_json": "1"},
			Items: "data.children", Key: "data.name", Style: "synthetic", Pagination: after, ForEach: me}
	}
	subs := listing("subreddits", "/subreddits/mine/subscriber")
	subs.ForEach = rest.ForEachParams{}
	return &rest.Params{
		BaseURL: strings.TrimRight(base, "/"),
		// X-Ratelimit-Reset is seconds until the window (10 minutes) ends
		HTTP: rest.HTTPParams{RateLimitResetFormat: "delta"},
		Endpoints: []rest.EndpointParams{
			{Name: "profile", Path: "/api/v1/me", Params: map[string]string{"raw_json": "1"}},
			listing("saved", "/user/{id}/saved"),
			listing("upvoted", "/user/{id}/upvoted"),
			listing("downvoted", "/user/{id}/downvoted"),
			listing("comments", "/user/{id}/comments"),
			listing("submissions", "/user/{id}/submitted"),
			subs,
			{Name: "multireddits", Path: "/api/multi/mine", Params: map[string]string{"raw_json": "1"}, Key: "data.path"},
		},
	}
}

// Read defaults. Items are "things" as the API lists them, {"kind": "t3"
// (a post) or "t1" (a comment), "data": {...}}, keyed by their fullname
// (data.name, "t3_abc12"); permalinks are relative to reddit.com.
var (
	postKind    = dal.KindSpec{Key: []string{"data.name"}, Time: "data.created_utc", Title: "data.title", URL: "data.url", Text: "data.selftext"}
	commentKind = dal.KindSpec{Key: []string{"data.name"}, Time: "data.created_utc", Title: "data.link_title", URL: "data.permalink", Text: "data.body"}
)

// Decoder reads the reddit source's snapshots and rexport's JSON, whose
// items (attributes of praw's objects) are read as things,
// {"kind": "t3", "data": {...}}, so that they merge with hoard's by
// data.name.
var Decoder = &dal.Decoder{
	Name: "reddit", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"profile": {Key: []string{"id"}, Title: "name"},
		// saved holds posts and comments: a post's title, a comment's body
		"saved":        {Key: []string{"data.name"}, Time: "data.created_utc", Title: "data.title", URL: "data.permalink", Text: "data.body"},
		"upvoted":      postKind,
		"downvoted":    postKind,
		"submissions":  postKind,
		"comments":     commentKind,
		"subreddits":   {Key: []string{"data.name"}, Title: "data.display_name_prefixed", URL: "data.url", Text: "data.public_description"},
		"multireddits": {Key: []string{"data.path"}, Time: "data.created_utc", Title: "data.display_name", URL: "data.path", Text: "data.description_md"},
		"inbox":        {Key: []string{"data.name"}, Time: "data.created_utc", Title: "data.subject", Text: "data.body"},
	},
	Records: apisource.Records(rexport),
}

// rexport is the document karlicoss's rexport writes (2019 on): profile,
// multireddits, subreddits, saved, upvoted, downvoted, comments,
// submissions and, from September 2019, inbox.
var rexport = &apisource.Legacy{
	Name: "rexport",
	Members: map[string]apisource.Member{
		"profile":      {},
		"multireddits": {Wrap: wrapKind("LabeledMulti")},
		"subreddits":   {Wrap: wrapThing}, "saved": {Wrap: wrapThing}, "upvoted": {Wrap: wrapThing}, "downvoted": {Wrap: wrapThing},
		"comments": {Wrap: wrapThing}, "submissions": {Wrap: wrapThing}, "inbox": {Wrap: wrapThing},
	},
}

// Source describes the reddit source.
var Source = &source.Source{
	Name:     "reddit",
	Title:    "Reddit: saved, upvoted, downvoted, comments, submissions, subreddits, profile",
	Category: source.PublicAPI,
	Needs:    "an OAuth2 app: client id and secret, and a refresh token or your password",
	Decoder:  Decoder,
	Exporter: Kind,
	Stanza: `# Reddit: saved posts and comments, upvoted, downvoted, your comments and
# submissions, subscribed subreddits, multireddits and profile. Listings
# stop at 1000 items, so every snapshot is kept and merged: run daily.
# Secrets file (chmod 600), from your app at https://www.reddit.com/prefs/apps:
#   client_id = "..."  client_secret = "..."  and either
#   refresh_token = "..."  (an installed or web app: hoard auth NAME writes it) or
#   username = "..."  password = "..."  (a "script" app of your own account)
[sources.NAME]
exporter = "reddit"
secrets = "~/.config/hoard/secrets/reddit.toml"
compression = "zstd"
`,
	// hoard auth reddit: an "installed app" or "web app" registered with
	// the redirect URI http://127.0.0.1:8976/callback (Reddit matches it
	// exactly); duration=permanent gets a refresh token.
	OAuth2: &source.OAuth2{
		AuthURL: DefaultAuthURL, TokenURL: DefaultTokenURL, Scope: Scope, ClientAuth: "basic",
		Params: map[string]string{"duration": "permanent"}, Port: source.RedirectPort,
		Register: "At https://www.reddit.com/prefs/apps, create an app (\"installed app\" or \"web app\") with the redirect URI http://127.0.0.1:8976/callback.",
	},
	Secrets: []source.Secret{
		{Key: "client_id", Help: "your app's id, under its name at https://www.reddit.com/prefs/apps"},
		{Key: "client_secret", Help: `the app's "secret" (none for an installed app)`, Optional: true},
		{Key: "refresh_token", Help: "from the authorization-code flow (duration=permanent; scopes identity history mysubreddits read); or, for a script app, username and password", Optional: true},
		{Key: "username", Help: "your Reddit user name, for a script app", Optional: true},
		{Key: "password", Help: "your Reddit password, for a script app", Optional: true},
	},
}

// OAuth2Endpoints implements source.OAuth2Endpoints: auth_url and
// token_url move the flow of hoard auth.
func (p *Params) OAuth2Endpoints() (authURL, tokenURL string) { return p.AuthURL, p.TokenURL }
