// Package pinboard is the built-in source for Pinboard bookmarks, with
// the user's API token.
//
// Pinboard allows posts/all (every bookmark) once every five minutes and
// any call once every three seconds, and answers posts/update with the
// time of the last change. Each run asks posts/update first and fetches
// posts/all only when that time moved since the last successful run;
// requests are paced four seconds apart.
package pinboard

import (
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// DefaultBaseURL is Pinboard's API root.
const DefaultBaseURL = "https://api.pinboard.in/v1"

// Params are the keys of a [sources.NAME] table with exporter =
// "pinboard".
type Params struct {
	BaseURL string `toml:"base_url"` // default DefaultBaseURL
}

// Decoder reads pinboard snapshots: kind bookmarks (the update marker is
// kept in the snapshot and skipped).
var Decoder = &dal.Decoder{
	Name: "pinboard", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"bookmarks": {Key: []string{"href"}, Time: "time", Title: "description", URL: "href", Text: "extended"},
	},
	Records: apisource.Filter(func(kind string, _ []byte) bool { return kind == "bookmarks" }),
}

// Source describes Pinboard.
var Source = &source.Source{
	Name:     "pinboard",
	Title:    "Pinboard bookmarks",
	Category: source.PublicAPI,
	Needs:    "an API token",
	Decoder:  Decoder,
	Exporter: apisource.Kind("pinboard", func() any { return &Params{} }, build),
	Stanza: `# Pinboard: every bookmark, fetched only when posts/update says something changed
# (Pinboard allows posts/all once every five minutes). Secrets file (chmod 600):
#   token = "user:HEX"   # https://pinboard.in/settings/password ("API Token")
[sources.NAME]
exporter = "pinboard"
secrets = "~/.config/hoard/secrets/pinboard.toml"
compression = "zstd"
`,
	Secrets: []source.Secret{{Key: "token", Help: "your API token, USER:HEX, from https://pinboard.in/settings/password"}},
}

func build(params any) (apisource.Build, error) {
	p, ok := params.(*Params)
	if !ok {
		return nil, fmt.Errorf("pinboard: parameters of type %T", params)
	}
	base, err := apisource.BaseURL(p.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	return func(time.Time, secret.Secrets) (*rest.Params, error) { return restParams(base), nil }, nil
}

func restParams(base string) *rest.Params {
	asJSON := map[string]string{"format": "json"}
	return &rest.Params{
		BaseURL: base,
		Auth:    rest.AuthParams{Type: "query", Param: "auth_token", Secret: "token"},
		// Pinboard allows one call every three seconds; a second more of
		// margin, since a request that leaves on time may arrive late.
		HTTP: rest.HTTPParams{RequestsPerSecond: 1.0 / 4},
		Endpoints: []rest.EndpointParams{
			{Name: "update", Path: "/posts/update", Params: asJSON},
			{
				Name: "bookmarks", Path: "/posts/all", Params: asJSON, Key: "href",
				// The whole list, but only when it changed: a run that
				// skips it saves no bookmarks, so the style is synthetic
				// and reading back merges every snapshot.
				Style:         "synthetic",
				OnlyIfChanged: rest.ChangedParams{Endpoint: "update", Field: "update_time"},
			},
		},
	}
}
