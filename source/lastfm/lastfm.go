// Package lastfm is the built-in source for Last.fm: every scrobble
// (user.getRecentTracks, fetched incrementally) and the loved tracks
// (user.getLovedTracks), with the user's API key.
//
// Quirks honoured: errors arrive as HTTP 200 with an "error" member
// (rate limits, backend failures: retried; a bad key or user: not); the
// track playing now comes first with no "date" (saved as sent, skipped
// when reading back); scrobbles may be submitted up to two weeks late,
// so each run re-reads the last 14 days and saves only what is new; a
// page holding one loved track carries it as an object.
package lastfm

import (
	"errors"
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/jsonpath"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// DefaultBaseURL is Last.fm's API root.
const DefaultBaseURL = "https://ws.audioscrobbler.com/2.0"

// Params are the keys of a [sources.NAME] table with exporter = "lastfm".
type Params struct {
	User    string `toml:"user"`     // the Last.fm user name
	BaseURL string `toml:"base_url"` // default DefaultBaseURL
}

// Lookback is how far before the last run's newest scrobble each run
// reads again: Last.fm accepts scrobbles up to 14 days old.
const Lookback = 14 * 24 * time.Hour

// Decoder reads lastfm snapshots: kinds scrobbles and loved.
var Decoder = &dal.Decoder{
	Name: "lastfm", Version: 1,
	Kinds: map[string]dal.KindSpec{
		// A scrobble has no id: its time, artist and track together are
		// one play.
		"scrobbles": {Key: []string{"date.uts", "artist.#text", "name"}, Time: "date.uts", Title: "name", URL: "url", Text: "artist.#text"},
		"loved":     {Key: []string{"url"}, Time: "date.uts", Title: "name", URL: "url", Text: "artist.name"},
	},
	Records: apisource.Filter(func(kind string, raw []byte) bool {
		// The now-playing entry has no date: it is not a scrobble (yet).
		_, dated := datePath.Lookup(raw)
		return kind != "scrobbles" || dated
	}),
}

var datePath = jsonpath.MustParse("date.uts")

// Source describes Last.fm.
var Source = &source.Source{
	Name:        "lastfm",
	Title:       "Last.fm scrobbles and loved tracks",
	Category:    source.PublicAPI,
	Needs:       "an API key and your user name",
	Decoder:     Decoder,
	Exporter:    apisource.Kind("lastfm", func() any { return &Params{} }, build),
	Incremental: true,
	Stanza: `# Last.fm: every scrobble (each run asks only for what is new, re-reading the last
# 14 days for late scrobbles) and your loved tracks. Secrets file (chmod 600):
#   api_key = "..."   # create an API account: https://www.last.fm/api/account/create
[sources.NAME]
exporter = "lastfm"
user = "YOUR_LASTFM_USER"
secrets = "~/.config/hoard/secrets/lastfm.toml"
compression = "zstd"
`,
	Secrets: []source.Secret{{Key: "api_key", Help: "create an API account at https://www.last.fm/api/account/create (the \"API key\", not the shared secret)"}},
}

func build(params any) (apisource.Build, error) {
	p, ok := params.(*Params)
	if !ok {
		return nil, fmt.Errorf("lastfm: parameters of type %T", params)
	}
	if p.User == "" {
		return nil, errors.New(`missing key "user" (your Last.fm user name, e.g. user = "rj")`)
	}
	base, err := apisource.BaseURL(p.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	return func(time.Time, secret.Secrets) (*rest.Params, error) { return restParams(p.User, base), nil }, nil
}

// restParams is the rest configuration of a Last.fm source.
func restParams(user, base string) *rest.Params {
	page := rest.PaginationParams{Type: "page", Limit: 200, LimitParam: "limit", StopOnShortPage: true}
	return &rest.Params{
		BaseURL: base,
		Vars:    map[string]string{"user": user},
		Auth:    rest.AuthParams{Type: "query", Param: "api_key", Secret: "api_key"},
		// Errors come as {"error": N, "message": "..."}, often with status
		// 200. Temporary: 8 operation failed, 11 service offline, 16
		// temporarily unavailable, 29 rate limit exceeded.
		ErrorPath: "error", ErrorMessagePath: "message", ErrorRetry: []string{"8", "11", "16", "29"},
		// The terms allow 5 requests a second; stay under.
		HTTP: rest.HTTPParams{RequestsPerSecond: 4},
		Endpoints: []rest.EndpointParams{
			{
				Name: "scrobbles", Path: "/",
				Params: map[string]string{"method": "user.getrecenttracks", "user": "{user}", "format": "json", "extended": "0"},
				Items:  "recenttracks.track", Keys: []string{"date.uts", "artist.#text", "name"},
				Style: "incremental", Pagination: page,
				// Newest first, from= inclusive. "ascending" here means
				// the bookmark moves to the newest scrobble seen on every
				// page and never back; older scrobbles within the lookback
				// that the last run did not save are saved, those it did
				// are marked as duplicates.
				Incremental: rest.IncrementalParams{CursorField: "date.uts", Param: "from", Order: "ascending",
					Lookback: duration.Duration{D: Lookback}, AllowMissing: true},
			},
			{
				Name: "loved", Path: "/",
				Params: map[string]string{"method": "user.getlovedtracks", "user": "{user}", "format": "json"},
				Items:  "lovedtracks.track", Key: "url",
				Pagination: rest.PaginationParams{Type: "page", Limit: 200, LimitParam: "limit", StopOnShortPage: true, Total: "lovedtracks.@attr.total"},
			},
		},
	}
}
