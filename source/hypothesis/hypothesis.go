// Package hypothesis is the built-in source for a Hypothesis account
// (hypothes.is): the profile and every annotation, fetched incrementally
// (only what was created or edited since the last run). Its decoder also
// reads the JSON that karlicoss's hypexport writes.
package hypothesis

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

// DefaultBaseURL is the public Hypothesis service's API.
const DefaultBaseURL = "https://api.hypothes.is/api"

// Params are the keys of a [sources.NAME] table with exporter = "hypothesis".
type Params struct {
	BaseURL string `toml:"base_url"` // default DefaultBaseURL; a self-hosted h serves it at /api
}

// Kind is the "hypothesis" exporter kind.
var Kind = export.Kind{
	Name:       "hypothesis",
	NewParams:  func() any { return &Params{} },
	New:        func(src export.Source) (export.Exporter, error) { return newExporter(src, rest.Hooks{}) },
	DefaultExt: "jsonl",
}

func newExporter(src export.Source, h rest.Hooks) (*rest.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("hypothesis: parameters of type %T", src.Params)
	}
	return rest.NewWithHooks(restParams(p), h)
}

// Lookback is how far before the bookmark each run starts again, for
// annotations saved late or with the same updated time as the last one
// seen; those already saved unchanged are marked as duplicates.
const Lookback = 5 * time.Minute

// restParams is the rest engine's configuration for p.
func restParams(p *Params) *rest.Params {
	base := p.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	return &rest.Params{
		BaseURL: strings.TrimRight(base, "/"),
		Headers: map[string]string{"Accept": "application/vnd.hypothesis.v1+json"},
		Auth:    rest.AuthParams{Type: "bearer"},
		Endpoints: []rest.EndpointParams{
			// {"userid": "acct:NAME@hypothes.is", ...}; null when the token is not accepted
			{Name: "profile", Path: "/profile"},
			{Name: "annotations", Path: "/search", Params: map[string]string{"user": "{id}", "sort": "updated", "order": "asc"},
				Items: "rows", Key: "id", Style: "incremental",
				ForEach: rest.ForEachParams{Endpoint: "profile", Field: "userid", Required: true},
				// the last annotation's "updated" is sent as search_after
				Pagination:  rest.PaginationParams{Type: "keyset", Field: "updated", Param: "search_after", Limit: 200, LimitParam: "limit", StopOnShortPage: true},
				Incremental: rest.IncrementalParams{CursorField: "updated", Param: "search_after", Order: "ascending", Lookback: duration.Duration{D: Lookback}}},
		},
	}
}

// Decoder reads the hypothesis source's snapshots and hypexport's JSON
// (an object of profile and annotations, or, in its first versions, a
// top-level array of annotations).
var Decoder = &dal.Decoder{
	Name: "hypothesis", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"profile":     {Key: []string{"userid"}, Title: "userid"},
		"annotations": {Key: []string{"id"}, Time: "created", Title: "document.title.0", URL: "uri", Text: "text"},
	},
	Records: apisource.Records(&apisource.Legacy{Name: "hypexport", Array: "annotations",
		Members: map[string]apisource.Member{"profile": {}, "annotations": {}}}),
}

// Source describes the hypothesis source.
var Source = &source.Source{
	Name:     "hypothesis",
	Title:    "Hypothesis: your annotations and highlights, incrementally",
	Category: source.PublicAPI,
	Needs:    "an API token",
	Decoder:  Decoder,
	Exporter: Kind,
	Stanza: `# Hypothesis: every annotation you made (public, private and in groups),
# fetched incrementally: each run asks only for what changed since the last.
# Secrets file (chmod 600): token = "6879-..." from https://hypothes.is/account/developer
[sources.NAME]
exporter = "hypothesis"
secrets = "~/.config/hoard/secrets/hypothesis.toml"
compression = "zstd"
gaps = false   # each snapshot holds only what is new: no overlap to check
`,
	Secrets: []source.Secret{{Key: "token", Help: "your developer token: https://hypothes.is/account/developer"}},
}
