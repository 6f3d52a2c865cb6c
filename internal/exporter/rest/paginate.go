package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/internal/httpx"
)

// maxEmptyPages is how many empty pages in a row that still point to a next
// page are followed before the run fails (an API stuck handing out fresh
// cursors would otherwise never end).
const maxEmptyPages = 10

// pager walks the pages of one endpoint (for one parent id).
type pager struct {
	r      *run
	ep     *endpoint
	parent string
	seed   maphash.Seed

	urls     map[uint64]int // hash of each requested URL -> page number
	cursors  map[string]int // cursor value -> page that returned it
	keys     keySet         // hashes of the item keys seen (when ep.key is set)
	count    int            // unique items so far
	offset   int            // offset pagination
	pageNo   int            // page pagination
	empty    int            // empty pages in a row
	total    int            // from pagination.total; -1 unknown
	lastBody uint64         // hash of the previous page's body
	early    bool           // stopped by max_pages or max_items
	notMod   bool           // first page was 304 Not Modified
	bm       *bookmark      // nil unless style = incremental
}

// paginate fetches every page of ep (for parent, if a for_each endpoint).
func (r *run) paginate(ep *endpoint, parent string) error {
	p := &pager{
		r: r, ep: ep, parent: parent, seed: maphash.MakeSeed(),
		urls: map[uint64]int{}, cursors: map[string]int{},
		offset: ep.start, pageNo: ep.start, total: -1,
	}
	if ep.Style == "incremental" {
		bm, err := newBookmark(ep, parent, r.state)
		if err != nil {
			return err
		}
		p.bm = bm
	}
	u, err := p.firstURL()
	if err != nil {
		return err
	}
	for page := 1; u != nil; page++ {
		if ep.MaxPages > 0 && page > ep.MaxPages {
			p.early = true
			break
		}
		if err := p.checkLoop(u, page); err != nil {
			return err
		}
		if u, err = p.page(u, page); err != nil {
			return fmt.Errorf("endpoint %s%s page %d: %w", ep.Name, p.forID(), page, err)
		}
	}
	return p.done()
}

func (p *pager) forID() string {
	if p.parent == "" {
		return ""
	}
	return " (" + p.ep.ForEach.Field + " " + p.parent + ")"
}

func (p *pager) firstURL() (*url.URL, error) {
	ep, vars := p.ep, p.r.ex.p.Vars
	raw := joinURL(p.r.ex.p.BaseURL, expand(ep.Path, vars, p.parent, true))
	u, err := url.Parse(raw)
	if err != nil {
		return nil, permanent("endpoint %s: path %q makes a bad URL: %v", ep.Name, ep.Path, err)
	}
	q := u.Query()
	for k, v := range ep.Params {
		q.Set(k, expand(v, vars, p.parent, false))
	}
	pg := ep.Pagination
	if pg.Type == "offset" || pg.Type == "page" {
		q.Set(pg.Param, strconv.Itoa(ep.start))
	}
	if pg.Limit > 0 {
		q.Set(pg.LimitParam, strconv.Itoa(pg.Limit))
	}
	if p.bm != nil && p.bm.from != "" && ep.Incremental.Param != "" {
		v, err := bookmarkParam(p.bm.from, ep.Incremental.ParamFormat)
		if err != nil {
			return nil, permanent("endpoint %s: incremental.param_format: %v", ep.Name, err)
		}
		q.Set(ep.Incremental.Param, v)
	}
	u.RawQuery = q.Encode()
	return u, nil
}

// checkLoop fails when a URL is requested twice: the server is looping.
func (p *pager) checkLoop(u *url.URL, page int) error {
	h := maphash.String(p.seed, u.String())
	if prev, ok := p.urls[h]; ok {
		return permanent("endpoint %s%s: page %d would request the same URL as page %d (%s): the server's pagination is looping; stopping instead of fetching forever",
			p.ep.Name, p.forID(), page, prev, p.r.client.RedactURL(u))
	}
	p.urls[h] = page
	return nil
}

// page fetches and saves one page and returns the next page's URL (nil at
// the end).
func (p *pager) page(u *url.URL, page int) (*url.URL, error) {
	ep, r := p.ep, p.r
	resp, req, err := r.fetch(ep, u, ep.Conditional && page == 1)
	if err != nil {
		return nil, err
	}
	fetched := u
	if resp.URL != nil {
		fetched = resp.URL // after redirects
	}
	env := &Envelope{
		Endpoint: ep.Name, Parent: p.parent, Page: page, URL: r.client.RedactURL(fetched), Status: resp.Status,
		FetchedAt: r.clock.Now().UTC(), Style: ep.Style, Items: ep.items.String(), Key: ep.keyText(),
		Body: json.RawMessage("null"),
	}
	switch {
	case slices.Contains(ep.SkipStatus, resp.Status):
		r.env.Log.Info("rest: skipped status", "endpoint", ep.Name, "status", resp.Status, "url", env.URL)
		return nil, r.write(env)
	case resp.Status == http.StatusNotModified:
		p.notMod = true
		return nil, r.write(env)
	case resp.Status < 200 || resp.Status > 299:
		return nil, r.client.StatusError(req, resp)
	}
	return p.save(u, resp, env, page)
}

// save writes a 2xx page and works out what comes next.
func (p *pager) save(u *url.URL, resp *httpx.Response, env *Envelope, page int) (*url.URL, error) {
	ep, r := p.ep, p.r
	body := resp.Body
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("null")
	}
	items, err := itemsAt(body, ep.items)
	if err != nil {
		return nil, permanent("%v (check items = %q against the response)", err, ep.Items)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return nil, err
	}
	var repeats int
	env.Body = compact.Bytes()
	env.Dups, repeats = p.dedupe(items)
	if err := p.checkRepeat(env.Body, items, repeats, page); err != nil {
		return nil, err
	}
	if err := r.write(env); err != nil {
		return nil, err
	}
	if ep.Conditional && page == 1 && resp.Header.Get("ETag") != "" {
		r.etags.Set(u.String(), resp.Header.Get("ETag"))
	}
	fresh := len(items) - len(env.Dups)
	p.count += fresh
	r.env.Progress.Add(1, int64(fresh))
	r.collectIDs(ep, items, env.Dups)
	p.readTotal(body, page)
	if err := p.track(items); err != nil {
		return nil, err
	}
	return p.next(u, resp, body, items)
}

// dedupe returns the indexes of items already saved: seen earlier in this
// run (same key), or, for incremental endpoints, saved by an earlier run
// (see bookmark.saved).
//
// repeats counts the items seen earlier in this run: a page made only of
// them is the server serving the same page again.
func (p *pager) dedupe(items []json.RawMessage) (dups []int, repeats int) {
	for i, it := range items {
		switch {
		case p.bm.saved(p.ep, it):
			dups = append(dups, i)
		case p.seenKey(it):
			dups = append(dups, i)
			repeats++
		}
	}
	return dups, repeats
}

// checkRepeat fails when a page holds only what this run has already seen
// on earlier pages (by key, or the very same body as the page before):
// the server ignores the page parameter, or loops; stopping instead of
// fetching forever.
func (p *pager) checkRepeat(body []byte, items []json.RawMessage, repeats, page int) error {
	h := maphash.Bytes(p.seed, body)
	same := page > 1 && h == p.lastBody
	p.lastBody = h
	if len(items) > 0 && (repeats == len(items) || same) {
		return permanent("page %d holds only items already seen on earlier pages of this run: the server's pagination is looping (or ignores the page parameter); stopping instead of fetching forever", page)
	}
	return nil
}

// seenKey reports whether the item's key was seen before in this run, and
// remembers it.
func (p *pager) seenKey(item json.RawMessage) bool {
	k, ok := p.ep.keyOf(item)
	if !ok {
		return false
	}
	return !p.keys.add(maphash.String(p.seed, k))
}

func (p *pager) readTotal(body []byte, page int) {
	if p.ep.total == nil || page != 1 {
		return
	}
	if v, ok := p.ep.total.Lookup(body); ok {
		if s, ok := scalar(v); ok {
			if n, err := strconv.Atoi(s); err == nil {
				p.total = n
			}
		}
	}
}

// next applies the stop rules, then the pagination style.
func (p *pager) next(u *url.URL, resp *httpx.Response, body []byte, items []json.RawMessage) (*url.URL, error) {
	ep, pg := p.ep, p.ep.Pagination
	switch {
	case p.bm != nil && p.bm.reached:
		return nil, nil
	case ep.MaxItems > 0 && p.count >= ep.MaxItems:
		p.early = true
		return nil, nil
	case p.hasMoreFalse(body):
		return nil, nil
	case pg.StopOnShortPage && len(items) < pg.Limit:
		return nil, nil
	case len(items) == 0 && !pointsAhead(pg.Type):
		return nil, nil
	}
	nu, err := p.nextURL(u, resp, body, items)
	if err != nil || nu == nil {
		return nil, err
	}
	if len(items) > 0 {
		p.empty = 0
	} else if p.empty++; p.empty >= maxEmptyPages {
		return nil, permanent("%d empty pages in a row that still point to a next page; stopping", maxEmptyPages)
	}
	return nu, nil
}

// pointsAhead reports pagination styles where the server says whether there
// is a next page, so an empty page need not be the end.
func pointsAhead(typ string) bool {
	return typ == "link" || typ == "next_url" || typ == "cursor"
}

func (p *pager) hasMoreFalse(body []byte) bool {
	if p.ep.hasMore == nil {
		return false
	}
	v, ok := p.ep.hasMore.Lookup(body)
	s, _ := scalar(v)
	return ok && (s == "false" || s == "0" || isNull(v))
}

func (p *pager) nextURL(u *url.URL, resp *httpx.Response, body []byte, items []json.RawMessage) (*url.URL, error) {
	pg := p.ep.Pagination
	switch pg.Type {
	case "link":
		return linkNext(resp.Header, resp.URL)
	case "next_url":
		return p.bodyURL(u, body)
	case "cursor":
		return p.cursorURL(u, resp.Header, body)
	case "keyset":
		last := values(items[len(items)-1], p.ep.field)
		if len(last) != 1 {
			return nil, permanent("keyset pagination: the last item has no scalar field %q", pg.Field)
		}
		return withParam(u, pg.Param, last[0]), nil
	case "offset":
		p.offset += len(items)
		return withParam(u, pg.Param, strconv.Itoa(p.offset)), nil
	case "page":
		p.pageNo++
		return withParam(u, pg.Param, strconv.Itoa(p.pageNo)), nil
	}
	return nil, nil
}

func (p *pager) bodyURL(u *url.URL, body []byte) (*url.URL, error) {
	v, ok := p.ep.nextURL.Lookup(body)
	s, _ := scalar(v)
	if !ok || s == "" {
		return nil, nil
	}
	next, err := u.Parse(s)
	if err != nil {
		return nil, permanent("next_url %q: %v", s, err)
	}
	return next, nil
}

func (p *pager) cursorURL(u *url.URL, h http.Header, body []byte) (*url.URL, error) {
	pg := p.ep.Pagination
	var c string
	if pg.CursorHeader != "" {
		c = h.Get(pg.CursorHeader)
	} else if v, ok := p.ep.cursor.Lookup(body); ok {
		c, _ = scalar(v)
	}
	if c == "" {
		return nil, nil
	}
	if prev, ok := p.cursors[c]; ok {
		return nil, permanent("the server returned cursor %q again (first seen on page %d): its pagination is looping; stopping", p.r.env.Redactor.String(c), prev)
	}
	p.cursors[c] = len(p.urls)
	return withParam(u, pg.Param, c), nil
}

func withParam(u *url.URL, k, v string) *url.URL {
	n := *u
	q := n.Query()
	q.Set(k, v)
	n.RawQuery = q.Encode()
	return &n
}

// linkNext returns the rel="next" target of an RFC 8288 Link header,
// resolved against the response URL, or nil.
func linkNext(h http.Header, base *url.URL) (*url.URL, error) {
	for _, line := range h.Values("Link") {
		for rest := line; ; {
			start := strings.IndexByte(rest, '<')
			end := strings.IndexByte(rest, '>')
			if start < 0 || end < start {
				break
			}
			target, params := rest[start+1:end], rest[end+1:]
			if i := strings.IndexByte(params, '<'); i >= 0 {
				params, rest = params[:i], params[i:]
			} else {
				rest = ""
			}
			if relIsNext(params) {
				next, err := base.Parse(target)
				if err != nil {
					return nil, permanent("Link header next URL %q: %v", target, err)
				}
				return next, nil
			}
			if rest == "" {
				break
			}
		}
	}
	return nil, nil
}

func relIsNext(params string) bool {
	params = strings.TrimRight(strings.TrimSpace(params), ",")
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}
