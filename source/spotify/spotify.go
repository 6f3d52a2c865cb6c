// Package spotify is the built-in source for Spotify: recently played
// tracks, saved tracks, playlists and their items, followed artists, with
// OAuth2 (`hoard auth NAME` writes the refresh token; a rotated refresh
// token is saved back atomically).
//
// Quirks honoured: the API shows only the 50 most recent plays, so that
// kind is synthetic (every snapshot matters, they merge by play time),
// the stanza runs the source every two hours, and hoard doctor reports a
// gap when two snapshots' plays do not overlap; a playlist's items are
// fetched only when its snapshot_id changed; another user's playlist
// answers 403 to a Development Mode app and is skipped; playlist entries
// carry the track as "item" (and as the deprecated "track").
package spotify

import (
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// Spotify's endpoints.
const (
	DefaultBaseURL  = "https://api.spotify.com/v1"
	DefaultAuthURL  = "https://accounts.spotify.com/authorize"
	DefaultTokenURL = "https://accounts.spotify.com/api/token"
)

// Scope is what hoard asks for: read access to the kinds it exports.
const Scope = "user-read-recently-played user-library-read playlist-read-private playlist-read-collaborative user-follow-read"

// Params are the keys of a [sources.NAME] table with exporter = "spotify".
type Params struct {
	BaseURL  string `toml:"base_url"`  // default DefaultBaseURL
	AuthURL  string `toml:"auth_url"`  // default DefaultAuthURL (hoard auth)
	TokenURL string `toml:"token_url"` // default DefaultTokenURL
}

// Decoder reads spotify snapshots. Playlist items gain "playlist_id" (the
// playlist they were fetched for) in front of Spotify's own members.
var Decoder = &dal.Decoder{
	Name: "spotify", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"recently_played":  {Key: []string{"played_at"}, Time: "played_at", Title: "track.name", URL: "track.external_urls.spotify", Text: "track.artists.0.name"},
		"saved_tracks":     {Key: []string{"track.id"}, Time: "added_at", Title: "track.name", URL: "track.external_urls.spotify", Text: "track.artists.0.name"},
		"playlists":        {Key: []string{"id"}, Title: "name", URL: "external_urls.spotify", Text: "description"},
		"playlist_items":   {Key: []string{"playlist_id", "added_at", "item.uri"}, Time: "added_at", Title: "item.name", URL: "item.external_urls.spotify", Text: "item.artists.0.name"},
		"followed_artists": {Key: []string{"id"}, Title: "name", URL: "external_urls.spotify"},
	},
	Records: apisource.Annotate(func(it restfmt.Item) (map[string]string, bool) {
		if it.Endpoint == "playlist_items" {
			return map[string]string{"playlist_id": it.Parent}, true
		}
		return nil, true
	}),
}

// Source describes Spotify.
var Source = &source.Source{
	Name:        "spotify",
	Title:       "Spotify recently played, saved tracks, playlists, followed artists",
	Category:    source.PublicAPI,
	Needs:       "a Spotify app (client id and secret), then hoard auth",
	Decoder:     Decoder,
	Exporter:    apisource.Kind("spotify", func() any { return &Params{} }, build),
	WindowKinds: []string{"recently_played"},
	Stanza: `# Spotify: recently played (only the last 50 plays are ever shown, so this runs
# every 2 hours), saved tracks, playlists and their items, followed artists.
# Create an app at https://developer.spotify.com/dashboard with the redirect
# URI http://127.0.0.1/callback, then run 'hoard auth NAME': it asks for the
# client id and secret and writes the secrets file.
[sources.NAME]
exporter = "spotify"
secrets = "~/.config/hoard/secrets/spotify.toml"
schedule = "every 2h"
compression = "zstd"
`,
	Secrets: []source.Secret{
		{Key: "client_id", Help: "your app's Client ID, https://developer.spotify.com/dashboard"},
		{Key: "client_secret", Help: "its Client secret"},
		{Key: "refresh_token", Help: "written by hoard auth"},
	},
	OAuth2: &source.OAuth2{
		AuthURL: DefaultAuthURL, TokenURL: DefaultTokenURL, Scope: Scope, ClientAuth: "basic", PKCE: true,
		Register: "At https://developer.spotify.com/dashboard, create an app (Web API) with the redirect URI http://127.0.0.1/callback (Spotify accepts any port on a loopback address).",
	},
}

func build(params any) (apisource.Build, error) {
	p, ok := params.(*Params)
	if !ok {
		return nil, fmt.Errorf("spotify: parameters of type %T", params)
	}
	base, err := apisource.BaseURL(p.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	token := apisource.Or(p.TokenURL, DefaultTokenURL)
	return func(time.Time, secret.Secrets) (*rest.Params, error) { return restParams(base, token), nil }, nil
}

func restParams(base, tokenURL string) *rest.Params {
	limit := map[string]string{"limit": "50"}
	pages := rest.PaginationParams{Type: "next_url", NextURL: "next", Total: "total"}
	return &rest.Params{
		BaseURL: base,
		Auth:    rest.AuthParams{Type: "oauth2", TokenURL: tokenURL, ClientAuth: "basic"},
		Endpoints: []rest.EndpointParams{
			// The last 50 plays, newest first: one request, every
			// snapshot kept (the next page only goes back within them).
			{Name: "recently_played", Path: "/me/player/recently-played", Params: limit, Items: "items", Key: "played_at", Style: "synthetic"},
			{Name: "saved_tracks", Path: "/me/tracks", Params: limit, Items: "items", Key: "track.id", Pagination: pages},
			{Name: "playlists", Path: "/me/playlists", Params: limit, Items: "items", Key: "id", Pagination: pages},
			{
				// An entry may repeat within a playlist: no key here, the
				// decoder keys entries by playlist, time added and track.
				Name: "playlist_items", Path: "/playlists/{id}/items", Params: limit, Items: "items", Style: "synthetic",
				ForEach:       rest.ForEachParams{Endpoint: "playlists", Field: "id"},
				OnlyIfChanged: rest.ChangedParams{Endpoint: "playlists", Field: "snapshot_id"},
				// Another user's playlist (403 to a Development Mode app)
				// and Spotify's own generated ones (404) have no items to
				// read.
				SkipStatus: []int{403, 404},
				Pagination: pages,
			},
			{
				Name: "followed_artists", Path: "/me/following", Params: map[string]string{"type": "artist", "limit": "50"},
				Items: "artists.items", Key: "id",
				Pagination: rest.PaginationParams{Type: "next_url", NextURL: "artists.next", Total: "artists.total"},
			},
		},
	}
}

// OAuth2Endpoints implements source.OAuth2Endpoints: auth_url and
// token_url move the flow of hoard auth.
func (p *Params) OAuth2Endpoints() (authURL, tokenURL string) { return p.AuthURL, p.TokenURL }
