package rest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/httpx"
)

// Params are the keys of a [sources.NAME] table with exporter = "rest".
// docs/rest.md is the reference; the toml tags are the key names.
type Params struct {
	BaseURL          string            `toml:"base_url"`
	Headers          map[string]string `toml:"headers"`
	Vars             map[string]string `toml:"vars"`
	ErrorPath        string            `toml:"error_path"`
	ErrorMessagePath string            `toml:"error_message_path"`
	// ErrorRetry lists the values at error_path that are temporary
	// (Last.fm: 8, 11, 16, 29); any other error body fails the run at
	// once. Empty: every error body is retried.
	ErrorRetry []string         `toml:"error_retry"`
	Auth       AuthParams       `toml:"auth"`
	HTTP       HTTPParams       `toml:"http"`
	Endpoints  []EndpointParams `toml:"endpoints"`
}

// KindKeys returns each endpoint's key path by endpoint name, which is
// the kind of its items when they are read back; endpoints without a key
// are left out.
func (p *Params) KindKeys() map[string]string {
	keys := map[string]string{}
	for _, ep := range p.Endpoints {
		if ep.Key != "" {
			keys[ep.Name] = ep.Key
		}
	}
	return keys
}

// KindKeyPaths is KindKeys with every key path of an endpoint (key, or
// the several paths of keys).
func (p *Params) KindKeyPaths() map[string][]string {
	keys := map[string][]string{}
	for _, ep := range p.Endpoints {
		switch {
		case ep.Key != "":
			keys[ep.Name] = []string{ep.Key}
		case len(ep.Keys) > 0:
			keys[ep.Name] = ep.Keys
		}
	}
	return keys
}

// AuthParams is [sources.NAME.auth]. Credentials themselves are read from
// the source's secrets file, under the key names documented per type.
type AuthParams struct {
	Type       string   `toml:"type"`        // none, bearer, basic, header, query, cookie, oauth2
	Header     string   `toml:"header"`      // header: the header name
	Param      string   `toml:"param"`       // query: the parameter name
	Secret     string   `toml:"secret"`      // secrets key of the token (bearer, header, query, cookie)
	TokenURL   string   `toml:"token_url"`   // oauth2
	ClientAuth string   `toml:"client_auth"` // oauth2: basic (default) or post
	Scopes     []string `toml:"scopes"`      // oauth2
	// Origins are further origins (scheme, host, port) that receive the
	// credentials; by default only base_url's origin does.
	Origins []string `toml:"origins"`
	// browser_cookie: the session cookie from the user's own browser.
	Browser string   `toml:"browser"` // firefox, chromium, chrome, brave, ... (browser.Names)
	Profile string   `toml:"profile"` // the profile directory; default: the first hoard init finds
	Domain  string   `toml:"domain"`  // the host the cookies are sent to
	Cookies []string `toml:"cookies"` // only these cookie names; default: every cookie of the domain
}

// HTTPParams is [sources.NAME.http]: the client's behaviour.
type HTTPParams struct {
	Timeout              duration.Duration `toml:"timeout"`
	MaxAttempts          int               `toml:"max_attempts"`
	MaxWait              duration.Duration `toml:"max_wait"`
	RequestsPerSecond    float64           `toml:"requests_per_second"`
	RateLimitRemaining   string            `toml:"ratelimit_remaining_header"`
	RateLimitReset       string            `toml:"ratelimit_reset_header"`
	RateLimitResetFormat string            `toml:"ratelimit_reset_format"`
	RateLimitReserve     int               `toml:"ratelimit_reserve"`
	// RateLimitUsage are limits announced per window (Strava's
	// X-RateLimit-Limit: 200,2000 with X-RateLimit-Usage: 15,150).
	RateLimitUsage []UsageParams `toml:"ratelimit_usage"`
}

// UsageParams is one [[sources.NAME.http.ratelimit_usage]] table: the
// headers of a per-window limit and usage, and the windows in their order.
type UsageParams struct {
	LimitHeader string              `toml:"limit_header"`
	UsageHeader string              `toml:"usage_header"`
	Windows     []duration.Duration `toml:"windows"`
}

// EndpointParams is one [[sources.NAME.endpoints]] table.
type EndpointParams struct {
	Name    string            `toml:"name"`
	Path    string            `toml:"path"`
	Params  map[string]string `toml:"params"`
	Headers map[string]string `toml:"headers"`
	Items   string            `toml:"items"`
	Key     string            `toml:"key"`
	// Keys are several paths whose values together identify an item
	// (instead of key), e.g. a scrobble's time and track.
	Keys        []string          `toml:"keys"`
	Style       string            `toml:"style"`
	Conditional bool              `toml:"conditional"`
	SkipStatus  []int             `toml:"skip_status"`
	MaxPages    int               `toml:"max_pages"`
	MaxItems    int               `toml:"max_items"`
	Pagination  PaginationParams  `toml:"pagination"`
	Incremental IncrementalParams `toml:"incremental"`
	ForEach     ForEachParams     `toml:"for_each"`
	// OnlyIfChanged skips the endpoint while a value seen in an earlier
	// endpoint's items is the one the last successful run saw.
	OnlyIfChanged ChangedParams `toml:"only_if_changed"`
}

// PaginationParams is an endpoint's pagination table.
type PaginationParams struct {
	Type            string `toml:"type"` // none, link, next_url, cursor, keyset, offset, page
	NextURL         string `toml:"next_url"`
	Cursor          string `toml:"cursor"`
	CursorHeader    string `toml:"cursor_header"`
	Param           string `toml:"param"`
	Field           string `toml:"field"`
	Start           *int   `toml:"start"`
	Limit           int    `toml:"limit"`
	LimitParam      string `toml:"limit_param"`
	HasMore         string `toml:"has_more"`
	Total           string `toml:"total"`
	StopOnShortPage bool   `toml:"stop_on_short_page"`
}

// IncrementalParams is an endpoint's incremental table (style = "incremental").
type IncrementalParams struct {
	CursorField string            `toml:"cursor_field"`
	Param       string            `toml:"param"`
	Initial     string            `toml:"initial"`
	Order       string            `toml:"order"` // ascending or descending
	Lookback    duration.Duration `toml:"lookback"`
	// ParamFormat is how the bookmark is sent: "" as it is, "unix" an
	// RFC 3339 bookmark as Unix seconds (Strava's after=).
	ParamFormat string `toml:"param_format"`
	// AllowMissing saves items without cursor_field (Last.fm's
	// now-playing track) without letting them move the bookmark; by
	// default such an item fails the run.
	AllowMissing bool `toml:"allow_missing"`
}

// ForEachParams makes an endpoint dependent: it runs once per id found in
// the items of an earlier endpoint.
type ForEachParams struct {
	Endpoint string `toml:"endpoint"`
	Field    string `toml:"field"`
	// Required makes a run that finds no id fail instead of fetching
	// nothing (a profile without its user id means the token was not
	// accepted).
	Required bool `toml:"required"`
}

// ChangedParams is an endpoint's only_if_changed table: fetch it only when
// the value at field in the items of endpoint differs from the last
// successful run's (Pinboard: posts/all only when posts/update's
// update_time moved; a for_each endpoint: per parent item, e.g. a
// playlist's snapshot_id).
type ChangedParams struct {
	Endpoint string `toml:"endpoint"`
	Field    string `toml:"field"`
}

// endpoint is a validated EndpointParams.
type endpoint struct {
	EndpointParams
	items, key, cursorField, nextURL, cursor, field, hasMore, total, forEachField, changedField Path
	start                                                                                       int
	keys                                                                                        []Path // the item key: key, or the paths of keys
	lookback                                                                                    time.Duration
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	varRE  = regexp.MustCompile(`\{([^{}]*)\}`)
)

// compile validates p; every error names the key at fault.
func compile(p *Params) ([]*endpoint, error) {
	var errs []error
	if err := checkBaseURL(p.BaseURL); err != nil {
		errs = append(errs, err)
	} else if err := checkCookieOverHTTP(p); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, checkAuth(p.Auth), checkHTTP(p.HTTP), checkPath("error_path", p.ErrorPath), checkPath("error_message_path", p.ErrorMessagePath))
	if len(p.ErrorRetry) > 0 && p.ErrorPath == "" {
		errs = append(errs, errors.New("error_retry needs error_path (where the body reports an error)"))
	}
	if len(p.Endpoints) == 0 {
		errs = append(errs, errors.New(`no endpoints: add at least one [[sources.NAME.endpoints]] table with name and path`))
	}
	var eps []*endpoint
	for i := range p.Endpoints {
		ep, err := compileEndpoint(p, i, eps)
		if err != nil {
			errs = append(errs, fmt.Errorf("endpoints[%d] (%s): %w", i, p.Endpoints[i].Name, err))
			continue
		}
		eps = append(eps, ep)
	}
	return eps, errors.Join(errs...)
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if s == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base_url = %q: need an http(s) URL such as \"https://api.github.com\"", s)
	}
	return nil
}

func checkPath(key, s string) error {
	if _, err := ParsePath(s); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

func checkAuth(a AuthParams) error {
	for _, o := range a.Origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return fmt.Errorf("auth.origins: %q is not an origin: give scheme, host and optional port only, e.g. \"https://uploads.example.com\"", o)
		}
	}
	switch a.Type {
	case "", "none", "bearer", "basic", "cookie":
	case "header":
		if a.Header == "" {
			return errors.New(`auth.type = "header" needs auth.header (the header name, e.g. "X-Api-Key")`)
		}
	case "query":
		if a.Param == "" {
			return errors.New(`auth.type = "query" needs auth.param (the query parameter, e.g. "api_key")`)
		}
	case "oauth2":
		if u, err := url.Parse(a.TokenURL); a.TokenURL == "" || err != nil || u.Host == "" {
			return fmt.Errorf("auth.token_url = %q: oauth2 needs the token endpoint URL", a.TokenURL)
		}
		if a.ClientAuth != "" && a.ClientAuth != "basic" && a.ClientAuth != "post" {
			return fmt.Errorf("auth.client_auth = %q: use \"basic\" or \"post\"", a.ClientAuth)
		}
	case "browser_cookie":
		return checkBrowserCookie(a)
	default:
		return fmt.Errorf("auth.type = %q: use none, bearer, basic, header, query, cookie, browser_cookie or oauth2", a.Type)
	}
	return nil
}

func checkHTTP(h HTTPParams) error {
	switch {
	case !httpx.ValidResetFormat(h.RateLimitResetFormat):
		return fmt.Errorf("http.ratelimit_reset_format = %q: use auto, epoch, delta or date", h.RateLimitResetFormat)
	case h.MaxAttempts < 0:
		return errors.New("http.max_attempts must be at least 1")
	case h.RequestsPerSecond < 0:
		return errors.New("http.requests_per_second must be positive")
	}
	for i, u := range h.RateLimitUsage {
		if u.LimitHeader == "" || u.UsageHeader == "" || len(u.Windows) == 0 {
			return fmt.Errorf("http.ratelimit_usage[%d] needs limit_header, usage_header and windows (e.g. windows = [\"15m\", \"1d\"])", i)
		}
		for _, w := range u.Windows {
			if w.D <= 0 {
				return fmt.Errorf("http.ratelimit_usage[%d].windows must be positive durations", i)
			}
		}
	}
	return nil
}

func compileEndpoint(p *Params, i int, earlier []*endpoint) (*endpoint, error) {
	ep := &endpoint{EndpointParams: p.Endpoints[i]}
	if ep.Style == "" {
		ep.Style = "full"
	}
	if err := ep.checkBasics(p, earlier); err != nil {
		return nil, err
	}
	if err := ep.compilePaths(); err != nil {
		return nil, err
	}
	if err := ep.compileKeys(); err != nil {
		return nil, err
	}
	if err := ep.checkPagination(); err != nil {
		return nil, err
	}
	if err := ep.checkStyle(); err != nil {
		return nil, err
	}
	return ep, nil
}

func (ep *endpoint) checkBasics(p *Params, earlier []*endpoint) error {
	switch {
	case !nameRE.MatchString(ep.Name):
		return fmt.Errorf("name = %q: need a name of lowercase letters, digits, - and _", ep.Name)
	case slices.ContainsFunc(earlier, func(e *endpoint) bool { return e.Name == ep.Name }):
		return fmt.Errorf("name = %q is used twice", ep.Name)
	case ep.Path == "":
		return errors.New(`missing key "path" (e.g. path = "/user/starred")`)
	case ep.MaxPages < 0 || ep.MaxItems < 0:
		return errors.New("max_pages and max_items must not be negative")
	}
	fe := ep.ForEach
	if fe.Endpoint != "" && !slices.ContainsFunc(earlier, func(e *endpoint) bool { return e.Name == fe.Endpoint }) {
		return fmt.Errorf("for_each.endpoint = %q must name an endpoint defined before this one", fe.Endpoint)
	}
	if (fe.Endpoint == "") != (fe.Field == "") {
		return errors.New("for_each needs both endpoint and field")
	}
	if err := ep.checkChanged(earlier); err != nil {
		return err
	}
	return ep.checkVars(p.Vars)
}

// checkVars checks that every {name} in path and params is a var, or {id}
// in a for_each endpoint, and that a for_each endpoint uses {id}.
func (ep *endpoint) checkVars(vars map[string]string) error {
	texts := []string{ep.Path}
	for _, v := range ep.Params {
		texts = append(texts, v)
	}
	usesID := false
	for _, t := range texts {
		for _, m := range varRE.FindAllStringSubmatch(t, -1) {
			_, isVar := vars[m[1]]
			switch {
			case m[1] == "id" && ep.ForEach.Endpoint != "":
				usesID = true
			case !isVar:
				return fmt.Errorf("path or params use {%s}, which is neither in [vars] nor {id} of a for_each endpoint", m[1])
			}
		}
	}
	if ep.ForEach.Endpoint != "" && !usesID {
		return errors.New("for_each is set but neither path nor params use {id}")
	}
	return nil
}

func (ep *endpoint) compilePaths() error {
	pg, inc := ep.Pagination, ep.Incremental
	for _, f := range []struct {
		key string
		src string
		dst *Path
	}{
		{"items", ep.Items, &ep.items}, {"key", ep.Key, &ep.key},
		{"incremental.cursor_field", inc.CursorField, &ep.cursorField},
		{"pagination.next_url", pg.NextURL, &ep.nextURL}, {"pagination.cursor", pg.Cursor, &ep.cursor},
		{"pagination.field", pg.Field, &ep.field}, {"pagination.has_more", pg.HasMore, &ep.hasMore},
		{"pagination.total", pg.Total, &ep.total}, {"for_each.field", ep.ForEach.Field, &ep.forEachField},
		{"only_if_changed.field", ep.OnlyIfChanged.Field, &ep.changedField},
	} {
		p, err := ParsePath(f.src)
		if err != nil {
			return fmt.Errorf("%s: %w", f.key, err)
		}
		*f.dst = p
	}
	return nil
}

func (ep *endpoint) checkPagination() error {
	pg := &ep.Pagination
	need := func(key, what string) error {
		return fmt.Errorf("pagination.type = %q needs pagination.%s (%s)", pg.Type, key, what)
	}
	switch pg.Type {
	case "", "none", "link":
	case "next_url":
		if pg.NextURL == "" {
			return need("next_url", "the JSON path of the next page's URL in the body")
		}
	case "cursor":
		if pg.Cursor == "" && pg.CursorHeader == "" {
			return need("cursor", "the JSON path of the next cursor, or cursor_header")
		}
		if pg.Param == "" {
			return need("param", "the query parameter that sends the cursor")
		}
	case "keyset":
		if pg.Field == "" || pg.Param == "" {
			return need("field and param", "the last item's field and the query parameter that sends it")
		}
	case "offset", "page":
		ep.setCounterDefaults()
	default:
		return fmt.Errorf("pagination.type = %q: use none, link, next_url, cursor, keyset, offset or page", pg.Type)
	}
	if pg.StopOnShortPage && pg.Limit <= 0 {
		return errors.New("pagination.stop_on_short_page needs pagination.limit (the page size)")
	}
	if pg.Limit < 0 || pg.Limit > 0 && pg.LimitParam == "" && pg.Type != "offset" {
		return errors.New("pagination.limit needs pagination.limit_param (the query parameter of the page size)")
	}
	return nil
}

func (ep *endpoint) setCounterDefaults() {
	pg := &ep.Pagination
	if pg.Param == "" {
		pg.Param = pg.Type
	}
	if pg.Type == "offset" && pg.LimitParam == "" {
		pg.LimitParam = "limit"
	}
	ep.start = 0
	if pg.Type == "page" {
		ep.start = 1
	}
	if pg.Start != nil {
		ep.start = *pg.Start
	}
}

func (ep *endpoint) checkStyle() error {
	inc := ep.Incremental
	switch ep.Style {
	case "full", "synthetic":
		if inc != (IncrementalParams{}) {
			return fmt.Errorf("incremental settings need style = \"incremental\" (style is %q)", ep.Style)
		}
		if ep.Conditional && ep.Style == "full" {
			return errors.New(`conditional = true needs style "synthetic" or "incremental": a 304 saves no items, so a full export would look empty`)
		}
		return nil
	case "incremental":
	default:
		return fmt.Errorf("style = %q: use full, synthetic or incremental", ep.Style)
	}
	switch {
	case inc.CursorField == "":
		return errors.New(`style = "incremental" needs incremental.cursor_field (the item field that orders the feed, e.g. "updated")`)
	case inc.Order != "ascending" && inc.Order != "descending":
		return fmt.Errorf("incremental.order = %q: use \"ascending\" (oldest first, resumes from the bookmark) or \"descending\" (newest first, stops at the bookmark)", inc.Order)
	case inc.Order == "ascending" && inc.Param == "":
		return errors.New(`incremental.order = "ascending" needs incremental.param (the query parameter that sends the bookmark, e.g. "search_after")`)
	case inc.Lookback.D < 0:
		return errors.New("incremental.lookback must not be negative")
	case inc.ParamFormat != "" && inc.ParamFormat != "unix":
		return fmt.Errorf("incremental.param_format = %q: use \"unix\" (send an RFC 3339 bookmark as Unix seconds), or leave it out", inc.ParamFormat)
	case inc.ParamFormat != "" && inc.Param == "":
		return errors.New("incremental.param_format needs incremental.param")
	}
	ep.lookback = inc.Lookback.D
	return nil
}

// expand replaces {name} with vars (and {id}), escaping for a path when
// pathEscape is set.
func expand(s string, vars map[string]string, id string, pathEscape bool) string {
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := vars[name]
		if name == "id" && id != "" {
			v, ok = id, true
		}
		if !ok {
			return m
		}
		if pathEscape {
			return url.PathEscape(v)
		}
		return v
	})
}

// joinURL appends path to base ("https://h/api/v3" + "/user" ->
// "https://h/api/v3/user"); an absolute path URL is used as is.
func joinURL(base, path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}

func errEach(s string) error {
	return fmt.Errorf("path %q: \"[]\" (every element) is for item collections when reading back; here give one value's path, e.g. \"data.items\"", s)
}
