// Package mastodon is the built-in source for a Mastodon account on any
// instance: the profile, the account's own statuses (incrementally: each
// run stops at the newest one it already has), favourites and bookmarks,
// through the REST API with an access token.
package mastodon

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// Params are the keys of a [sources.NAME] table with exporter = "mastodon".
type Params struct {
	BaseURL string `toml:"base_url"` // the instance, e.g. "https://mastodon.social"; required
}

// Kind is the "mastodon" exporter kind.
var Kind = export.Kind{
	Name:       "mastodon",
	NewParams:  func() any { return &Params{} },
	New:        func(src export.Source) (export.Exporter, error) { return newExporter(src, rest.Hooks{}) },
	DefaultExt: "jsonl",
}

func newExporter(src export.Source, h rest.Hooks) (*rest.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("mastodon: parameters of type %T", src.Params)
	}
	if p.BaseURL == "" {
		return nil, errors.New(`missing key "base_url": your instance, e.g. base_url = "https://mastodon.social"`)
	}
	return rest.NewWithHooks(restParams(p), h)
}

// restParams is the rest engine's configuration for p.
func restParams(p *Params) *rest.Params {
	link := rest.PaginationParams{Type: "link"}
	limit := map[string]string{"limit": "40"} // the most Mastodon serves a page
	return &rest.Params{
		BaseURL: strings.TrimRight(p.BaseURL, "/"),
		Auth:    rest.AuthParams{Type: "bearer"},
		// X-RateLimit-Reset is an ISO 8601 time (300 requests / 5 minutes)
		HTTP: rest.HTTPParams{RateLimitResetFormat: "date"},
		Endpoints: []rest.EndpointParams{
			{Name: "profile", Path: "/api/v1/accounts/verify_credentials"},
			// newest first; each run stops at the newest status of the last
			{Name: "statuses", Path: "/api/v1/accounts/{id}/statuses", Params: limit, Key: "id", Style: "incremental",
				ForEach: rest.ForEachParams{Endpoint: "profile", Field: "id", Required: true}, Pagination: link,
				Incremental: rest.IncrementalParams{CursorField: "id", Order: "descending"}},
			// paginated by the server's own ids (Link header), all every run
			{Name: "favourites", Path: "/api/v1/favourites", Params: limit, Key: "id", Pagination: link},
			{Name: "bookmarks", Path: "/api/v1/bookmarks", Params: limit, Key: "id", Pagination: link},
		},
	}
}

// statusKind is the read default of statuses. content is HTML; a boost
// has none of its own (its reblog member holds the boosted status).
var statusKind = dal.KindSpec{Key: []string{"id"}, Time: "created_at", Title: "spoiler_text", URL: "url", Text: "content"}

// Decoder reads the mastodon source's snapshots.
var Decoder = &dal.Decoder{
	Name: "mastodon", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"profile":    {Key: []string{"id"}, Title: "acct", URL: "url", Text: "note"},
		"statuses":   statusKind,
		"favourites": statusKind,
		"bookmarks":  statusKind,
	},
	Records: apisource.Records(nil),
}

// Source describes the mastodon source.
var Source = &source.Source{
	Name:     "mastodon",
	Title:    "Mastodon (any instance): your posts, favourites, bookmarks, profile",
	Category: source.PublicAPI,
	Needs:    "an access token from your instance",
	Decoder:  Decoder,
	Exporter: Kind,
	Stanza: `# Mastodon: your posts (each run fetches only the new ones), favourites,
# bookmarks and profile, from your own instance.
# Secrets file (chmod 600): token = "..." from your instance's
# Preferences > Development > New application (scope "read")
[sources.NAME]
exporter = "mastodon"
base_url = "https://mastodon.social"   # your instance
secrets = "~/.config/hoard/secrets/mastodon.toml"
compression = "zstd"
gaps = false   # posts are saved incrementally: snapshots do not overlap
`,
	Secrets: []source.Secret{{Key: "token", Help: "an access token with scope read: https://INSTANCE/settings/applications/new"}},
}
