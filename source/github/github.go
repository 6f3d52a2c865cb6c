// Package github is the built-in source for a GitHub account: the
// profile, stars (with the date of each), own repositories, gists,
// followers and following, the issues and pull requests the user opened,
// and the activity events, through the REST API with a personal access
// token. Its decoder also reads the JSON that karlicoss's ghexport writes,
// so years of arctee-made exports merge with hoard's snapshots.
package github

import (
	"fmt"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/apisource"
)

// DefaultBaseURL is github.com's API. GitHub Enterprise Server serves it
// at https://HOST/api/v3.
const DefaultBaseURL = "https://api.github.com"

// Params are the keys of a [sources.NAME] table with exporter = "github".
type Params struct {
	BaseURL string `toml:"base_url"` // default DefaultBaseURL
}

// Kind is the "github" exporter kind.
var Kind = export.Kind{
	Name:       "github",
	NewParams:  func() any { return &Params{} },
	New:        func(src export.Source) (export.Exporter, error) { return newExporter(src, rest.Hooks{}) },
	DefaultExt: "jsonl",
}

func newExporter(src export.Source, h rest.Hooks) (*rest.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("github: parameters of type %T", src.Params)
	}
	return rest.NewWithHooks(restParams(p), h)
}

// Pages and items the API lets a client reach: events stop at 300 (three
// pages of 100), search results at 1000 (ten pages).
const (
	eventPages  = 3
	searchPages = 10
)

// restParams is the rest engine's configuration for p: every endpoint,
// header, pagination rule and style of the source.
func restParams(p *Params) *rest.Params {
	base := p.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	link := rest.PaginationParams{Type: "link"}
	perPage := map[string]string{"per_page": "100"}
	login := rest.ForEachParams{Endpoint: "profile", Field: "login", Required: true}
	search := func(name, is string) rest.EndpointParams {
		return rest.EndpointParams{Name: name, Path: "/search/issues",
			Params: map[string]string{"q": "author:{id} is:" + is, "sort": "created", "order": "desc", "per_page": "100"},
			Items:  "items", Key: "id", Style: "synthetic", MaxPages: searchPages, Pagination: link, ForEach: login}
	}
	return &rest.Params{
		BaseURL: strings.TrimRight(base, "/"),
		Headers: map[string]string{"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
		Auth:    rest.AuthParams{Type: "bearer"},
		// x-ratelimit-reset is Unix seconds; the core limit resets hourly.
		HTTP: rest.HTTPParams{RateLimitResetFormat: "epoch", MaxWait: duration.Duration{D: time.Hour}},
		Endpoints: []rest.EndpointParams{
			{Name: "profile", Path: "/user"},
			// star+json adds starred_at and moves the repository under "repo"
			{Name: "starred", Path: "/user/starred", Headers: map[string]string{"Accept": "application/vnd.github.star+json"},
				Params: map[string]string{"per_page": "100", "sort": "created", "direction": "desc"}, Key: "repo.id", Pagination: link},
			{Name: "repos", Path: "/user/repos", Params: map[string]string{"per_page": "100", "affiliation": "owner", "sort": "full_name"}, Key: "id", Pagination: link},
			{Name: "gists", Path: "/gists", Params: perPage, Key: "id", Pagination: link},
			{Name: "followers", Path: "/user/followers", Params: perPage, Key: "id", Pagination: link},
			{Name: "following", Path: "/user/following", Params: perPage, Key: "id", Pagination: link},
			// at most 300 events from the last 90 days: every snapshot
			// matters; a 304 (nothing new) does not count against the limit
			{Name: "events", Path: "/users/{id}/events", Params: perPage, Key: "id", Style: "synthetic", Conditional: true,
				MaxPages: eventPages, Pagination: link, ForEach: login},
			search("issues", "issue"),
			search("pulls", "pr"),
		},
	}
}

// repoKinds are kinds of repository objects.
var repoKind = dal.KindSpec{Key: []string{"id"}, Time: "created_at", Title: "full_name", URL: "html_url", Text: "description"}

// eventKind is the read default of activity events.
var eventKind = dal.KindSpec{Key: []string{"id"}, Time: "created_at", Title: "type", Text: "repo.name"}

// userKind is the read default of lists of users.
var userKind = dal.KindSpec{Key: []string{"id"}, Title: "login", URL: "html_url"}

// issueKind is the read default of issues and pull requests.
var issueKind = dal.KindSpec{Key: []string{"id"}, Time: "created_at", Title: "title", URL: "html_url", Text: "body"}

// Decoder reads the github source's snapshots and ghexport's JSON. Each
// endpoint is a kind; ghexport's members are the same kinds (its
// starred repositories, fetched without star+json, are read as
// {"repo": ...} so that they merge with hoard's by repo.id), and the
// members hoard does not export (orgs, received_events, subscriptions,
// watched) are kinds of their own.
var Decoder = &dal.Decoder{
	Name: "github", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"profile":         {Key: []string{"id"}, Title: "login", URL: "html_url", Text: "bio"},
		"starred":         {Key: []string{"repo.id"}, Time: "starred_at", Title: "repo.full_name", URL: "repo.html_url", Text: "repo.description"},
		"repos":           repoKind,
		"gists":           {Key: []string{"id"}, Time: "created_at", Title: "description", URL: "html_url"},
		"followers":       userKind,
		"following":       userKind,
		"events":          eventKind,
		"issues":          issueKind,
		"pulls":           issueKind,
		"orgs":            {Key: []string{"id"}, Title: "login", Text: "description"},
		"received_events": eventKind,
		"subscriptions":   repoKind,
		"watched":         repoKind,
		"projects":        {Key: []string{"id"}, Time: "created_at", Title: "name", URL: "html_url", Text: "body"},
	},
	Records: apisource.Records(ghexport),
}

// ghexport is the document karlicoss's ghexport writes: an object of
// profile and lists (2019 on), or, from its first versions, a top-level
// array of events.
var ghexport = &apisource.Legacy{
	Name: "ghexport", Array: "events",
	Members: map[string]apisource.Member{
		"profile": {}, "events": {}, "gists": {}, "followers": {}, "following": {}, "orgs": {},
		"received_events": {}, "repos": {}, "starred": {Wrap: apisource.WrapIn("repo")}, "subscriptions": {}, "watched": {},
	},
}

// Source describes the github source.
var Source = &source.Source{
	Name:     "github",
	Title:    "GitHub: profile, stars, repositories, gists, issues and pull requests, followers, events",
	Category: source.PublicAPI,
	Needs:    "a personal access token",
	Decoder:  Decoder,
	Exporter: Kind,
	Stanza: `# GitHub: your profile, stars (with the date), own repositories, gists,
# followers and following, issues and pull requests you opened, and your
# activity events (GitHub shows only the last 300 / 90 days: run daily).
# Secrets file (chmod 600): token = "github_pat_...", a read-only personal
# access token from https://github.com/settings/personal-access-tokens/new
[sources.NAME]
exporter = "github"
secrets = "~/.config/hoard/secrets/github.toml"
compression = "zstd"
# base_url = "https://github.example.com/api/v3"   # GitHub Enterprise Server
`,
	Secrets: []source.Secret{{Key: "token", Help: "a personal access token, read-only: https://github.com/settings/personal-access-tokens/new"}},
}
