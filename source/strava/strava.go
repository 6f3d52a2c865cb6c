// Package strava is the built-in source for Strava: the athlete and
// every activity (fetched incrementally on after=), with OAuth2
// (`hoard auth NAME` writes the refresh token).
//
// Quirks honoured: the 15-minute and daily rate limits come as
// X-RateLimit-Limit: 200,2000 with X-RateLimit-Usage: 15,150 (and the
// X-ReadRateLimit-* pair), so requests pause at a spent window until it
// ends (:00, :15, :30, :45; midnight UTC for the day, which is beyond
// max_wait: the run stops and says so); after= takes epoch seconds; each
// run reads the last 30 days again, so activities uploaded late and
// activities renamed after upload are saved in their newest version.
package strava

import (
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// Strava's endpoints.
const (
	DefaultBaseURL  = "https://www.strava.com/api/v3"
	DefaultAuthURL  = "https://www.strava.com/oauth/authorize"
	DefaultTokenURL = "https://www.strava.com/oauth/token"
)

// Params are the keys of a [sources.NAME] table with exporter = "strava".
type Params struct {
	BaseURL  string `toml:"base_url"`  // default DefaultBaseURL
	AuthURL  string `toml:"auth_url"`  // default DefaultAuthURL (hoard auth)
	TokenURL string `toml:"token_url"` // default DefaultTokenURL
}

// Lookback is how much of the past each run reads again.
const Lookback = 30 * 24 * time.Hour

// Decoder reads strava snapshots: kinds activities and athlete.
var Decoder = &dal.Decoder{
	Name: "strava", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"activities": {Key: []string{"id"}, Time: "start_date", Title: "name", Text: "sport_type"},
		"athlete":    {Key: []string{"id"}, Title: "username", Text: "firstname"},
	},
	Records: apisource.Filter(func(string, []byte) bool { return true }),
}

// Source describes Strava.
var Source = &source.Source{
	Name:        "strava",
	Title:       "Strava activities and athlete profile",
	Category:    source.PublicAPI,
	Needs:       "an API application (client id and secret), then hoard auth",
	Decoder:     Decoder,
	Exporter:    apisource.Kind("strava", func() any { return &Params{} }, build),
	Incremental: true,
	Stanza: `# Strava: your athlete profile and every activity (each run asks only for the
# last 30 days and anything newer). Create an API application at
# https://www.strava.com/settings/api (Authorization Callback Domain: 127.0.0.1),
# then run 'hoard auth NAME': it asks for the client id and secret and writes
# the secrets file.
[sources.NAME]
exporter = "strava"
secrets = "~/.config/hoard/secrets/strava.toml"
compression = "zstd"
`,
	Secrets: []source.Secret{
		{Key: "client_id", Help: "your API application's Client ID, https://www.strava.com/settings/api"},
		{Key: "client_secret", Help: "its Client Secret"},
		{Key: "refresh_token", Help: "written by hoard auth"},
	},
	OAuth2: &source.OAuth2{
		AuthURL: DefaultAuthURL, TokenURL: DefaultTokenURL,
		Scope: "read,activity:read_all", ClientAuth: "post",
		Params:   map[string]string{"approval_prompt": "auto"},
		Register: "At https://www.strava.com/settings/api, create an API application with the Authorization Callback Domain 127.0.0.1.",
	},
}

func build(params any) (apisource.Build, error) {
	p, ok := params.(*Params)
	if !ok {
		return nil, fmt.Errorf("strava: parameters of type %T", params)
	}
	base, err := apisource.BaseURL(p.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	token := apisource.Or(p.TokenURL, DefaultTokenURL)
	return func(time.Time, secret.Secrets) (*rest.Params, error) { return restParams(base, token), nil }, nil
}

func restParams(base, tokenURL string) *rest.Params {
	windows := []duration.Duration{{D: 15 * time.Minute}, {D: 24 * time.Hour}}
	return &rest.Params{
		BaseURL: base,
		Auth:    rest.AuthParams{Type: "oauth2", TokenURL: tokenURL, ClientAuth: "post"},
		HTTP: rest.HTTPParams{
			RateLimitUsage: []rest.UsageParams{
				{LimitHeader: "X-RateLimit-Limit", UsageHeader: "X-RateLimit-Usage", Windows: windows},
				{LimitHeader: "X-ReadRateLimit-Limit", UsageHeader: "X-ReadRateLimit-Usage", Windows: windows},
			},
			// A spent 15-minute window is waited out; a spent day is not.
			MaxWait: duration.Duration{D: 16 * time.Minute},
		},
		Endpoints: []rest.EndpointParams{
			{Name: "athlete", Path: "/athlete"},
			{
				// No key here: the last 30 days are saved again on every
				// run (an activity renamed since is saved anew, and the
				// newest version wins when reading back, by id).
				Name: "activities", Path: "/athlete/activities", Style: "incremental",
				Pagination: rest.PaginationParams{Type: "page", Limit: 200, LimitParam: "per_page", StopOnShortPage: true},
				Incremental: rest.IncrementalParams{CursorField: "start_date", Param: "after", ParamFormat: "unix",
					Order: "ascending", Lookback: duration.Duration{D: Lookback}},
			},
		},
	}
}

// OAuth2Endpoints implements source.OAuth2Endpoints: auth_url and
// token_url move the flow of hoard auth.
func (p *Params) OAuth2Endpoints() (authURL, tokenURL string) { return p.AuthURL, p.TokenURL }
