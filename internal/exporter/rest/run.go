package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
)

// run is one attempt of an Exporter. It is used by one goroutine.
type run struct {
	ctx    context.Context
	ex     *Exporter
	env    *export.Env
	client *httpx.Client
	etags  *httpx.ETags
	clock  clock.Clock
	w      io.Writer // the snapshot: one Write per envelope
	state  savedState
	ids    map[string]*idList // for_each endpoint name -> ids collected so far
	marks  marks              // only_if_changed values seen this run
}

// idList is the ordered, de-duplicated ids a for_each endpoint runs for.
type idList struct {
	list []string
	seen map[string]bool
}

func (l *idList) add(id string) {
	if !l.seen[id] {
		l.seen[id] = true
		l.list = append(l.list, id)
	}
}

// endpoint fetches one endpoint, once or once per parent id.
func (r *run) endpoint(ep *endpoint) error {
	if ep.ForEach.Endpoint == "" {
		return r.paginateIfChanged(ep, "")
	}
	ids := r.ids[ep.Name]
	if (ids == nil || len(ids.list) == 0) && ep.ForEach.Required {
		return permanent("endpoint %s: no %s found in the items of %s: nothing to fetch it for (is the token accepted?)", ep.Name, ep.ForEach.Field, ep.ForEach.Endpoint)
	}
	if ids == nil || len(ids.list) == 0 {
		fmt.Fprintf(r.env.Stderr, "rest: endpoint %s: no ids found in %s.%s; nothing to fetch\n", ep.Name, ep.ForEach.Endpoint, ep.ForEach.Field)
		return nil
	}
	for _, id := range ids.list {
		if err := r.paginateIfChanged(ep, id); err != nil {
			return err
		}
	}
	return nil
}

// finish stages the final state.
func (r *run) finish() error {
	r.state.ETags = r.etags.Map()
	r.state.Marks = r.marks.done
	return r.stage()
}

// check validates a 2xx body inside the client's retry loop: invalid JSON
// is retried (a proxy may have cut it), and so is a 200 whose body
// reports an error (error_path), as Last.fm sends for rate limits and
// temporary failures; retries exhausted, the run fails with the message.
func (r *run) check(resp *httpx.Response) error {
	if resp.Status == http.StatusNoContent {
		return nil
	}
	if !json.Valid(resp.Body) {
		return httpx.Retry(fmt.Errorf("invalid JSON in the %d response (%d bytes)", resp.Status, len(resp.Body)))
	}
	return r.errorBody(resp.Body)
}

func (r *run) errorBody(body []byte) error {
	p := r.ex.p
	if p.ErrorPath == "" {
		return nil
	}
	path, _ := ParsePath(p.ErrorPath)
	v, ok := path.Lookup(body)
	if !ok || isNull(v) || string(v) == "false" {
		return nil
	}
	msg := ""
	if mp, _ := ParsePath(p.ErrorMessagePath); mp != nil {
		if m, ok := mp.Lookup(body); ok {
			msg, _ = scalar(m)
		}
	}
	err := fmt.Errorf("the response reports an error: %s = %s %s", p.ErrorPath, v, msg)
	if code, _ := scalar(v); len(p.ErrorRetry) > 0 && !slices.Contains(p.ErrorRetry, code) {
		return &permanentError{fmt.Errorf("%w (not one of the temporary errors in error_retry, so not retried)", err)}
	}
	return httpx.Retry(err)
}

// fetch sends one GET.
func (r *run) fetch(ep *endpoint, u *url.URL, conditional bool) (*httpx.Response, *http.Request, error) {
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, permanent("endpoint %s: bad URL: %v", ep.Name, err)
	}
	for k, v := range ep.Headers {
		req.Header.Set(k, expand(v, r.ex.p.Vars, "", false))
	}
	if tag := r.etags.Get(u.String()); conditional && tag != "" {
		req.Header.Set("If-None-Match", tag)
	}
	resp, err := r.client.Do(req, r.check)
	return resp, req, err
}

// write appends one envelope line to the snapshot.
func (r *run) write(env *Envelope) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep bodies as sent: no \u003c for <
	if err := enc.Encode(env); err != nil {
		return fmt.Errorf("endpoint %s page %d: encoding the response: %w", env.Endpoint, env.Page, err)
	}
	_, err := r.w.Write(buf.Bytes())
	return err
}

// collectIDs records the ids that for_each endpoints will run for.
func (r *run) collectIDs(ep *endpoint, items []json.RawMessage, dups []int) {
	for _, child := range r.ex.endpoints {
		if child.ForEach.Endpoint != ep.Name {
			continue
		}
		l := r.ids[child.Name]
		if l == nil {
			l = &idList{seen: map[string]bool{}}
			r.ids[child.Name] = l
		}
		for i, it := range items {
			if slices.Contains(dups, i) {
				continue
			}
			for _, id := range values(it, child.forEachField) {
				l.add(id)
			}
		}
	}
	r.collectMarks(ep, items, dups)
}
