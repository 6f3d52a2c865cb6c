package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// checkChanged validates only_if_changed: an earlier endpoint and a field,
// the for_each parent for a for_each endpoint, and a style whose snapshots
// need not hold everything (a skipped endpoint saves no items).
func (ep *endpoint) checkChanged(earlier []*endpoint) error {
	oc := ep.OnlyIfChanged
	switch {
	case oc == ChangedParams{}:
		return nil
	case oc.Endpoint == "" || oc.Field == "":
		return errors.New("only_if_changed needs both endpoint and field")
	case !slices.ContainsFunc(earlier, func(e *endpoint) bool { return e.Name == oc.Endpoint }):
		return fmt.Errorf("only_if_changed.endpoint = %q must name an endpoint defined before this one", oc.Endpoint)
	case ep.ForEach.Endpoint != "" && oc.Endpoint != ep.ForEach.Endpoint:
		return fmt.Errorf("only_if_changed.endpoint = %q: a for_each endpoint compares a field of its parent items, so it must be %q", oc.Endpoint, ep.ForEach.Endpoint)
	case ep.Style == "full":
		return errors.New(`only_if_changed needs style "synthetic" or "incremental": a skipped endpoint saves no items, so a full export would look empty`)
	}
	return nil
}

// marks are the only_if_changed values of one run: seen in the items of
// the endpoints they come from, and done once the endpoint they gate has
// been fetched (or skipped) for them.
type marks struct {
	seen map[string]string // key -> value in this run's items
	done map[string]string // key -> value the gated endpoint is now up to date with
}

func newMarks() marks { return marks{seen: map[string]string{}, done: map[string]string{}} }

// markKey names the value gating ep (for parent, if a for_each endpoint).
func markKey(ep *endpoint, parent string) string {
	if parent == "" {
		return ep.Name
	}
	return ep.Name + "/" + parent
}

// collectMarks records, from one page of ep's items, the values that gate
// later endpoints: per parent id for a for_each child, else the first
// item's.
func (r *run) collectMarks(ep *endpoint, items []json.RawMessage, dups []int) {
	for _, child := range r.ex.endpoints {
		if child.OnlyIfChanged.Endpoint != ep.Name {
			continue
		}
		for i, it := range items {
			if slices.Contains(dups, i) {
				continue
			}
			v := values(it, child.changedField)
			if len(v) != 1 {
				continue // no value: the child is fetched
			}
			if child.ForEach.Endpoint != ep.Name {
				if _, ok := r.marks.seen[child.Name]; !ok {
					r.marks.seen[child.Name] = v[0]
				}
				continue
			}
			for _, id := range values(it, child.forEachField) {
				r.marks.seen[markKey(child, id)] = v[0]
			}
		}
	}
}

// paginateIfChanged fetches ep (for parent) unless only_if_changed says
// that nothing changed since the last successful run; a skipped endpoint
// is recorded as a 304 envelope, as a conditional request's would be.
func (r *run) paginateIfChanged(ep *endpoint, parent string) error {
	if ep.OnlyIfChanged.Endpoint == "" {
		return r.paginate(ep, parent)
	}
	key := markKey(ep, parent)
	cur, known := r.marks.seen[key]
	if known && r.state.Marks[key] == cur {
		r.marks.done[key] = cur
		return r.skipUnchanged(ep, parent, cur)
	}
	if err := r.paginate(ep, parent); err != nil {
		return err
	}
	if known {
		r.marks.done[key] = cur
	}
	return nil
}

func (r *run) skipUnchanged(ep *endpoint, parent, cur string) error {
	p := &pager{r: r, ep: ep, parent: parent}
	u, err := p.firstURL()
	if err != nil {
		return err
	}
	r.env.Log.Info("rest: unchanged, not fetched", "endpoint", ep.Name, "parent", parent,
		"field", ep.OnlyIfChanged.Endpoint+"."+ep.OnlyIfChanged.Field, "value", cur)
	return r.write(&Envelope{
		Endpoint: ep.Name, Parent: parent, Page: 1, URL: r.client.RedactURL(u), Status: http.StatusNotModified,
		FetchedAt: r.clock.Now().UTC(), Style: ep.Style, Items: ep.items.String(), Key: ep.keyText(),
		Body: json.RawMessage("null"),
	})
}
