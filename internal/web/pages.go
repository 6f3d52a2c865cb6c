package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/snapshot"
)

func (s *Server) reader() app.Reader { return s.o.App.Reader(false) }

// target returns the configured source of the request's {name}; an
// unknown one is a 404 page.
func (s *Server) target(w http.ResponseWriter, r *http.Request) (app.Target, bool) {
	name := r.PathValue("name")
	if _, ok := s.o.App.Config.Sources[name]; !ok {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no configured source is named %q", name))
		return app.Target{}, false
	}
	ts, err := s.o.App.Targets([]string{name})
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return app.Target{}, false
	}
	return ts[0], true
}

// dashSource is one source on the dashboard.
type dashSource struct {
	overview
	Plot    *plot
	Kinds   []kindCount
	Problem []string // the doctor's problems, one line each
}

type dashView struct {
	Sources []dashSource
	Ticks   []tick
	From    time.Time
	Width   int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.o.Now()
	ovs, problems, err := s.overview(ctx, now)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := &view{Title: "Dashboard", Problems: problems}
	_, from, _ := plotWindow(now, s.o.Location)
	dv := dashView{Ticks: monthTicks(now, s.o.Location), From: from, Width: plotWidth}
	for _, ov := range ovs {
		ds := dashSource{overview: ov}
		if p := ov.Profile; p != nil {
			ds.Plot = newPlot(p.Profile, p.Checkup.Gaps, now, s.o.Location)
			ds.Kinds = kindCounts(p.Kinds)
			ds.Problem = checkupProblems(&p.Checkup)
		}
		dv.Sources = append(dv.Sources, ds)
	}
	v.Data = dv
	s.render(w, r, http.StatusOK, "dashboard", v)
}

// checkupProblems words the doctor's findings, as `hoard doctor` does.
func checkupProblems(c *app.Checkup) []string {
	var out []string
	if c.Snapshots == 0 {
		out = append(out, "no snapshots yet")
	}
	out = append(out, app.Dedupe(c.Errors)...)
	for _, g := range c.Gaps {
		out = append(out, fmt.Sprintf("gap (%s): nothing between %s and %s (%s, then %s): exports probably ran too rarely",
			g.Kind, g.From.UTC().Format("2006-01-02 15:04"), g.To.UTC().Format("2006-01-02 15:04"), filepath.Base(g.Before), filepath.Base(g.After)))
	}
	return append(out, c.Undatable...)
}

type kindCount struct {
	Kind  string
	Items int
}

func kindCounts(m map[string]int) []kindCount {
	var out []kindCount
	for k, n := range m {
		out = append(out, kindCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// filter is the item browser's form: kind, time range, words, order.
type filter struct {
	Kind, From, To, Q string
	Oldest            bool
	Sources           []string // the timeline's and the search's
	query             dal.Query
	kinds             []string
}

// parseFilter reads the form. Dates are days in the server's zone (from
// the start of From to the end of To); a full time is also accepted.
func (s *Server) parseFilter(r *http.Request) (filter, error) {
	q := r.URL.Query()
	f := filter{Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to"), Q: strings.TrimSpace(q.Get("q")), Oldest: q.Get("order") == "oldest"}
	f.query.Reverse = !f.Oldest
	f.query.Search = f.Q
	if f.Kind != "" {
		f.kinds = []string{f.Kind}
	}
	if f.Q != "" && dal.FTSQuery(f.Q) == "" {
		return f, fmt.Errorf("search %q: no word to search for (words are letters and digits; word* matches a prefix)", f.Q)
	}
	var err error
	if f.From != "" {
		if f.query.After, _, err = s.parseLocal(f.From); err != nil {
			return f, fmt.Errorf("from: %w", err)
		}
	}
	if f.To != "" {
		t, day, err := s.parseLocal(f.To)
		if err != nil {
			return f, fmt.Errorf("to: %w", err)
		}
		if day {
			t = t.AddDate(0, 0, 1)
		}
		f.query.Before = t
	}
	return f, nil
}

// parseLocal reads a day or a time in the server's zone; day reports
// whether it was a day.
func (s *Server) parseLocal(v string) (time.Time, bool, error) {
	if t, err := time.ParseInLocation("2006-01-02", v, s.o.Location); err == nil {
		return t, true, nil
	}
	for _, l := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(l, v, s.o.Location); err == nil {
			return t, false, nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, fmt.Errorf("cannot read %q as a day or a time (use 2024-05-01 or 2024-05-01T12:00)", v)
}

// pageLinks are the links of a page of items.
type pageLinks struct {
	Next, Prev, First string
}

// links builds the next, previous and first page links of p on the
// request's URL.
func links(r *http.Request, p *app.Page) pageLinks {
	var l pageLinks
	if p.Next != nil {
		l.Next = withParam(r.URL, "page", p.Next.Encode())
	}
	if p.Prev != nil {
		l.Prev = withParam(r.URL, "page", p.Prev.Encode())
		l.First = withParam(r.URL, "page", "")
	}
	return l
}

// withParam returns the path and query of u with one parameter set ("" removes it).
func withParam(u *url.URL, k, v string) string {
	q := u.Query()
	if v == "" {
		q.Del(k)
	} else {
		q.Set(k, v)
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

func pageCursor(r *http.Request) (*app.Cursor, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return nil, nil
	}
	return app.ParseCursor(v)
}

type sourceView struct {
	Name     string
	Overview *overview
	Plot     *plot
	Ticks    []tick
	Kinds    []kindCount
	Problem  []string
	Filter   filter
	Error    string
	Items    []dal.Item
	Links    pageLinks
	Runs     []journal.Entry
	NRuns    int
	Snaps    []snapshot.Snapshot
	NSnaps   int
}

// recent is how many runs and snapshots the source page shows.
const recent = 10

func (s *Server) source(w http.ResponseWriter, r *http.Request) {
	t, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.o.Now()
	v := &view{Title: t.Spec.Source}
	sv := sourceView{Name: t.Spec.Source, Ticks: monthTicks(now, s.o.Location)}
	ovs, problems, err := s.overview(ctx, now, t.Spec.Source)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v.Problems = problems
	if len(ovs) == 1 {
		sv.Overview = &ovs[0]
		if p := ovs[0].Profile; p != nil {
			sv.Problem = checkupProblems(&p.Checkup)
			sv.Plot = newPlot(p.Profile, p.Checkup.Gaps, now, s.o.Location)
			sv.Kinds = kindCounts(p.Kinds)
		}
	}
	runs, bad, err := s.o.App.Runs(t.Spec.Source)
	if err != nil {
		v.Problems = append(v.Problems, "journal: "+err.Error())
	}
	for _, b := range bad {
		v.Warnings = append(v.Warnings, b.Error())
	}
	sv.NRuns, sv.Runs = len(runs), runs[:min(len(runs), recent)]
	snaps, warns, err := t.Snapshots()
	if err != nil {
		v.Problems = append(v.Problems, err.Error())
	}
	v.Warnings = append(v.Warnings, warns...)
	slices.Reverse(snaps)
	sv.NSnaps, sv.Snaps = len(snaps), snaps[:min(len(snaps), recent)]

	status := http.StatusOK
	f, err := s.parseFilter(r)
	sv.Filter = f
	if err == nil {
		var at *app.Cursor
		if at, err = pageCursor(r); err == nil {
			var p *app.Page
			p, err = s.reader().Page(ctx, []app.Target{t}, app.Browse{Query: f.query, Kinds: f.kinds, At: at})
			if err == nil {
				sv.Items, sv.Links = p.Items, links(r, p)
				v.Problems = append(v.Problems, app.Dedupe(p.Problems)...)
				v.Warnings = append(v.Warnings, p.Warnings...)
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		sv.Error, status = err.Error(), http.StatusBadRequest
	}
	v.Data = sv
	s.render(w, r, status, "source", v)
}

type runsView struct {
	Name string
	Runs []journal.Entry
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	t, ok := s.target(w, r)
	if !ok {
		return
	}
	runs, bad, err := s.o.App.Runs(t.Spec.Source)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := &view{Title: t.Spec.Source + ": runs", Data: runsView{Name: t.Spec.Source, Runs: runs}}
	for _, b := range bad {
		v.Warnings = append(v.Warnings, b.Error())
	}
	s.render(w, r, http.StatusOK, "runs", v)
}

type snapshotsView struct {
	Name  string
	Snaps []snapshot.Snapshot
	Bytes int64
}

func (s *Server) snapshots(w http.ResponseWriter, r *http.Request) {
	t, ok := s.target(w, r)
	if !ok {
		return
	}
	snaps, warns, err := t.Snapshots()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	slices.Reverse(snaps)
	sv := snapshotsView{Name: t.Spec.Source, Snaps: snaps}
	for _, sn := range snaps {
		sv.Bytes += sn.Size
	}
	s.render(w, r, http.StatusOK, "snapshots", &view{Title: t.Spec.Source + ": snapshots", Warnings: warns, Data: sv})
}

type itemView struct {
	Item        dal.Item
	Href        string
	Raw         string
	First, Last []snapshot.Snapshot
	Map         *mapView
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	t, ok := s.target(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var at time.Time
	if v := q.Get("t"); v != "" {
		var err error
		if at, err = time.Parse(time.RFC3339Nano, v); err != nil {
			s.fail(w, r, http.StatusBadRequest, fmt.Errorf("t=%q: not an RFC 3339 time", v))
			return
		}
	}
	it, err := s.reader().Find(r.Context(), t, q.Get("kind"), q.Get("key"), at)
	if errors.Is(err, app.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("%s has no item of kind %q with key %q", t.Spec.Source, q.Get("kind"), q.Get("key")))
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	snaps, _, err := t.Snapshots()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	iv := itemView{Item: it, Href: safeHref(it.URL), Raw: pretty(it.Raw),
		First: app.SnapshotsAt(snaps, it.FirstSeen), Last: app.SnapshotsAt(snaps, it.LastSeen)}
	if sh := Coordinates(it.Raw); !sh.Empty() {
		iv.Map = s.drawMap([]placed{{item: it, shape: sh}}, nil, 640, 360)
	}
	s.render(w, r, http.StatusOK, "item", &view{Title: clip(describe(it), 80), Data: iv})
}
