package rest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/export"
)

// savedState is what a rest source keeps in its export.State.
type savedState struct {
	// Cursors holds each incremental endpoint's bookmark, keyed by endpoint
	// name (and "/" + parent id for for_each endpoints).
	Cursors map[string]string `json:"cursors,omitempty"`
	// Windows holds, per bookmark, the keys and cursor values of the items
	// within incremental.lookback of the bookmark (or equal to it): re-read
	// unchanged by the next run, they are marked as duplicates.
	Windows map[string]map[string]string `json:"windows,omitempty"`
	// ETags of conditional endpoints, keyed by a hash of the URL.
	ETags map[string]string `json:"etags,omitempty"`
	// Marks holds, per only_if_changed endpoint (and "/" + parent id),
	// the value the last successful run fetched it for.
	Marks map[string]string `json:"marks,omitempty"`
}

func loadState(s *export.State) (savedState, error) {
	var st savedState
	if _, err := s.Load(&st); err != nil {
		return st, &permanentError{err}
	}
	if st.Cursors == nil {
		st.Cursors = map[string]string{}
	}
	if st.Windows == nil {
		st.Windows = map[string]map[string]string{}
	}
	return st, nil
}

// stage proposes the state; the runner commits it only after the snapshot
// is durable.
func (r *run) stage() error { return r.env.State.Stage(r.state) }

// bookmark tracks one incremental endpoint's cursor during a run.
type bookmark struct {
	key     string            // key in savedState.Cursors
	old     string            // committed bookmark, else incremental.initial
	from    string            // old minus lookback: sent (ascending) or stopped at (descending)
	best    string            // greatest cursor value seen this run
	reached bool              // descending: an item at or before `from` was seen
	prev    map[string]string // the last run's window: item key -> cursor
	window  map[string]string // this run's window, pruned as best grows
}

func newBookmark(ep *endpoint, parent string, st savedState) (*bookmark, error) {
	b := &bookmark{key: ep.Name}
	if parent != "" {
		b.key += "/" + parent
	}
	b.old = st.Cursors[b.key]
	if b.old == "" {
		b.old = ep.Incremental.Initial
	}
	from, err := lookBack(b.old, ep.lookback)
	if err != nil {
		return nil, permanent("endpoint %s: incremental.lookback: %v", ep.Name, err)
	}
	b.from = from
	b.prev, b.window = st.Windows[b.key], map[string]string{}
	return b, nil
}

// saved reports whether an earlier run already saved item unchanged: in a
// descending feed, anything older than the bookmark; in either order, an
// item of the last run's lookback window with the same cursor value.
func (b *bookmark) saved(ep *endpoint, item json.RawMessage) bool {
	if b == nil || b.old == "" {
		return false
	}
	c := values(item, ep.cursorField)
	if len(c) != 1 {
		return false
	}
	if ep.Incremental.Order == "descending" && compareCursor(c[0], b.old) < 0 {
		return true
	}
	k := itemKey(ep, item)
	return k != "" && b.prev[k] == c[0]
}

func itemKey(ep *endpoint, item json.RawMessage) string {
	k, _ := ep.keyOf(item)
	return k
}

// remember keeps the item in this run's window: the items within the
// lookback of the greatest cursor (with no lookback, those tied with it).
func (b *bookmark) remember(ep *endpoint, item json.RawMessage, cursor string) {
	if k := itemKey(ep, item); k != "" {
		b.window[k] = cursor
	}
}

// prune drops window entries older than best minus the lookback.
func (b *bookmark) prune(ep *endpoint) {
	if b.best == "" {
		return
	}
	edge, err := lookBack(b.best, ep.lookback)
	if err != nil {
		return
	}
	for k, c := range b.window {
		if compareCursor(c, edge) < 0 {
			delete(b.window, k)
		}
	}
}

// track updates the bookmark with one page's items and, for ascending
// feeds, stages the new bookmark (a checkpoint per page).
func (p *pager) track(items []json.RawMessage) error {
	b, ep := p.bm, p.ep
	if b == nil {
		return nil
	}
	for i, it := range items {
		v := values(it, ep.cursorField)
		if len(v) != 1 && ep.Incremental.AllowMissing {
			continue
		}
		if len(v) != 1 {
			return permanent("item %d has no scalar incremental.cursor_field %q", i, ep.Incremental.CursorField)
		}
		if b.best == "" || compareCursor(v[0], b.best) > 0 {
			b.best = v[0]
		}
		if ep.Incremental.Order == "descending" && b.from != "" && compareCursor(v[0], b.from) <= 0 {
			b.reached = true
		}
		b.remember(ep, it, v[0])
	}
	b.prune(ep)
	if ep.Incremental.Order == "ascending" {
		return p.advance()
	}
	return nil
}

// advance moves the bookmark forward (never back) and stages the state.
func (p *pager) advance() error {
	b := p.bm
	if b.best == "" || b.old != "" && compareCursor(b.best, b.old) <= 0 {
		return nil
	}
	p.r.state.Cursors[b.key] = b.best
	if len(b.window) > 0 {
		p.r.state.Windows[b.key] = maps.Clone(b.window)
	}
	return p.r.stage()
}

// done finishes an endpoint: descending bookmarks advance only when the
// old bookmark was reached or the feed ended, and the total (if any) is
// checked.
func (p *pager) done() error {
	if b := p.bm; b != nil && p.ep.Incremental.Order == "descending" {
		if p.early && !b.reached {
			fmt.Fprintf(p.r.env.Stderr, "rest: endpoint %s%s: stopped by max_pages/max_items before reaching the bookmark %q; bookmark not advanced (raise the limit to catch up)\n",
				p.ep.Name, p.forID(), b.old)
			return nil
		}
		return p.advance()
	}
	if p.total >= 0 && !p.early && !p.notMod && p.ep.Style != "incremental" && p.count < p.total {
		return fmt.Errorf("endpoint %s%s: the server reports %d items (pagination.total) but pagination ended after %d: items may have been deleted or moved during the export; run again",
			p.ep.Name, p.forID(), p.total, p.count)
	}
	return nil
}

// compareCursor orders cursor values: as numbers when both are numbers
// (integers exactly), as times when both are RFC 3339 times, else as
// strings.
func compareCursor(a, b string) int {
	// Integers exactly: 18-digit ids (Mastodon's) lose their last digits
	// as float64s.
	ia, errA := strconv.ParseInt(a, 10, 64)
	ib, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(ia, ib)
	}
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(fa, fb)
	}
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errA == nil && errB == nil {
		return ta.Compare(tb)
	}
	return strings.Compare(a, b)
}

// lookBack moves a time cursor (RFC 3339, or Unix seconds) back by d.
func lookBack(c string, d time.Duration) (string, error) {
	if d == 0 || c == "" {
		return c, nil
	}
	if n, err := strconv.ParseInt(c, 10, 64); err == nil {
		return strconv.FormatInt(n-int64(d/time.Second), 10), nil
	}
	t, err := time.Parse(time.RFC3339Nano, c)
	if err != nil {
		return "", fmt.Errorf("bookmark %q is neither an RFC 3339 time nor Unix seconds, so it cannot be moved back", c)
	}
	return t.Add(-d).Format(time.RFC3339Nano), nil
}

// bookmarkParam renders a bookmark for its query parameter: as it is, or
// for format "unix" an RFC 3339 time as Unix seconds (a bookmark that is
// already a number is sent as it is).
func bookmarkParam(b, format string) (string, error) {
	if format != "unix" {
		return b, nil
	}
	if _, err := strconv.ParseInt(b, 10, 64); err == nil {
		return b, nil
	}
	t, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		return "", fmt.Errorf("bookmark %q is not an RFC 3339 time, so it cannot be sent as Unix seconds", b)
	}
	return strconv.FormatInt(t.Unix(), 10), nil
}
