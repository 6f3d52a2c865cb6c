// Package monzo is the built-in source for Monzo: accounts, transactions
// and balances, with OAuth2 (`hoard auth NAME` writes the refresh token;
// Monzo issues a new one at every refresh, saved back atomically).
//
// Monzo lets an app read every transaction only in the 5 minutes after
// the user approves its access in the Monzo app; after that, only the
// last 90 days. So transactions are synthetic: each run reads the last
// 89 days (days = ...), the snapshots merge into one history, and hoard
// doctor reports a gap when two runs were so far apart that their
// transactions do not overlap, which is data lost for good. Within 5
// minutes of `hoard auth NAME` (the secrets file's authorized_at), a run
// reads the whole history instead.
package monzo

import (
	"errors"
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// Monzo's endpoints.
const (
	DefaultBaseURL  = "https://api.monzo.com"
	DefaultAuthURL  = "https://auth.monzo.com/"
	DefaultTokenURL = "https://api.monzo.com/oauth2/token"
)

// Days is how far back a run reads transactions by default: Monzo allows
// 90 days; a day less leaves room for clocks that disagree.
const Days = 89

// FullHistory is how long after authorisation the whole history can be
// read.
const FullHistory = 5 * time.Minute

// Params are the keys of a [sources.NAME] table with exporter = "monzo".
type Params struct {
	BaseURL  string `toml:"base_url"`  // default DefaultBaseURL
	AuthURL  string `toml:"auth_url"`  // default DefaultAuthURL (hoard auth)
	TokenURL string `toml:"token_url"` // default DefaultTokenURL
	Days     int    `toml:"days"`      // how many days of transactions each run reads, 1 to 89; default 89
}

// Decoder reads monzo snapshots. A balance gains "account_id" and
// "fetched_at" (from the response it came in) in front of Monzo's own
// members: each run's balance is one point of a time series.
var Decoder = &dal.Decoder{
	Name: "monzo", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"accounts":     {Key: []string{"id"}, Time: "created", Title: "description", Text: "type"},
		"transactions": {Key: []string{"id"}, Time: "created", Title: "description", Text: "notes"},
		"balance":      {Key: []string{"account_id", "fetched_at"}, Time: "fetched_at", Title: "currency", Text: "account_id"},
	},
	Records: apisource.Annotate(func(it restfmt.Item) (map[string]string, bool) {
		if it.Endpoint == "balance" {
			return map[string]string{"account_id": it.Parent, "fetched_at": apisource.FetchedAt(it)}, true
		}
		return nil, true
	}),
}

// Source describes Monzo.
var Source = &source.Source{
	Name:        "monzo",
	Title:       "Monzo accounts, transactions and balances",
	Category:    source.PublicAPI,
	Needs:       "a Monzo OAuth client (client id and secret), then hoard auth",
	Decoder:     Decoder,
	Exporter:    apisource.Kind("monzo", func() any { return &Params{} }, build),
	WindowKinds: []string{"transactions"},
	Stanza: `# Monzo: accounts, transactions and balances. After the first 5 minutes Monzo
# shows only the last 90 days of transactions, so every run reads them again
# and 'hoard doctor' reports a gap if runs were ever too far apart. Create a
# confidential OAuth client at https://developers.monzo.com/ with the redirect
# URL http://127.0.0.1:8976/callback, then run 'hoard auth NAME', approve in the
# Monzo app, and run 'hoard run NAME' within 5 minutes for the whole history.
[sources.NAME]
exporter = "monzo"
secrets = "~/.config/hoard/secrets/monzo.toml"
compression = "zstd"
`,
	Secrets: []source.Secret{
		{Key: "client_id", Help: "your OAuth client's ID, https://developers.monzo.com/"},
		{Key: "client_secret", Help: "its secret (a confidential client: only those get refresh tokens)"},
		{Key: "refresh_token", Help: "written by hoard auth"},
	},
	OAuth2: &source.OAuth2{
		AuthURL: DefaultAuthURL, TokenURL: DefaultTokenURL, ClientAuth: "post", Port: source.RedirectPort,
		Register: "At https://developers.monzo.com/, create a New OAuth Client: Confidentiality \"Confidential\", Redirect URL http://127.0.0.1:8976/callback (or the port you pass to --port).",
		After: "Now approve hoard's access in the Monzo app (a notification asks for your PIN or fingerprint).\n" +
			"Monzo shows every transaction only in the 5 minutes after that approval: run 'hoard run NAME' now\n" +
			"to save your whole history; later runs read the last 90 days.",
	},
}

func build(params any) (apisource.Build, error) {
	p, ok := params.(*Params)
	if !ok {
		return nil, fmt.Errorf("monzo: parameters of type %T", params)
	}
	base, err := apisource.BaseURL(p.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	days := p.Days
	switch {
	case days == 0:
		days = Days
	case days < 1 || days > Days:
		return nil, fmt.Errorf("days = %d: Monzo shows the last 90 days of transactions; use 1 to %d", days, Days)
	}
	token := apisource.Or(p.TokenURL, DefaultTokenURL)
	return func(now time.Time, sec secret.Secrets) (*rest.Params, error) {
		since, err := sinceAt(now, days, sec)
		if err != nil {
			return nil, err
		}
		return restParams(base, token, since), nil
	}, nil
}

// sinceAt is where a run starts reading transactions: days ago, or from
// the beginning ("") within FullHistory of the authorisation that `hoard
// auth` recorded as authorized_at.
func sinceAt(now time.Time, days int, sec secret.Secrets) (string, error) {
	if at, ok := sec["authorized_at"]; ok {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return "", errors.New(`authorized_at in the secrets file is not an RFC 3339 time: write it again with 'hoard auth NAME', or remove it`)
		}
		if !now.Before(t) && now.Before(t.Add(FullHistory)) {
			return "", nil
		}
	}
	return now.UTC().Add(-time.Duration(days) * 24 * time.Hour).Format(time.RFC3339), nil
}

func restParams(base, tokenURL, since string) *rest.Params {
	tx := map[string]string{"account_id": "{id}", "expand[]": "merchant"}
	if since != "" {
		tx["since"] = since
	}
	return &rest.Params{
		BaseURL: base,
		Auth:    rest.AuthParams{Type: "oauth2", TokenURL: tokenURL, ClientAuth: "post"},
		Endpoints: []rest.EndpointParams{
			{Name: "accounts", Path: "/accounts", Items: "accounts", Key: "id"},
			{
				// Oldest first; the next page starts after the last id.
				Name: "transactions", Path: "/transactions", Params: tx, Items: "transactions", Key: "id", Style: "synthetic",
				ForEach:    rest.ForEachParams{Endpoint: "accounts", Field: "id"},
				Pagination: rest.PaginationParams{Type: "keyset", Field: "id", Param: "since", Limit: 100, LimitParam: "limit", StopOnShortPage: true},
			},
			{
				Name: "balance", Path: "/balance", Params: map[string]string{"account_id": "{id}"}, Style: "synthetic",
				ForEach: rest.ForEachParams{Endpoint: "accounts", Field: "id"},
			},
		},
	}
}

// OAuth2Endpoints implements source.OAuth2Endpoints: auth_url and
// token_url move the flow of hoard auth.
func (p *Params) OAuth2Endpoints() (authURL, tokenURL string) { return p.AuthURL, p.TokenURL }
