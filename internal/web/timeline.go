package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
)

// timelineSize is the most items a timeline page shows; a busier day or
// week has more pages.
const timelineSize = 1000

// sourceTargets returns the targets of the request's source parameters
// (repeated, or a comma-separated list), every configured source when
// there are none.
func (s *Server) sourceTargets(r *http.Request) ([]app.Target, []string, error) {
	names := splitParams(r.URL.Query()["source"])
	ts, err := s.o.App.Targets(names)
	return ts, names, err
}

// splitParams splits repeated and comma-separated values, dropping empty
// ones.
func splitParams(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range splitComma(v) {
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

type timelineDay struct {
	Day   time.Time
	Items []dal.Item
}

type timelineView struct {
	Week        bool
	Start, End  time.Time
	Days        []timelineDay
	N           int
	Prev, Next  string // the nearest day (week) with items before and after
	Links       pageLinks
	Sources     []string // all configured sources
	Chosen      []string // those the page shows; none means all
	DayValue    string   // for the date field
	Empty       bool
	NoItemsEver bool
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ts, chosen, err := s.sourceTargets(r)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	q := r.URL.Query()
	week := q.Get("span") == "week"
	loc := s.o.Location
	var day time.Time
	if d := q.Get("day"); d != "" {
		if day, err = time.ParseInLocation("2006-01-02", d, loc); err != nil {
			s.fail(w, r, http.StatusBadRequest, fmt.Errorf("day=%q: use a day such as 2024-05-01", d))
			return
		}
	}
	tv := timelineView{Week: week, Sources: s.o.App.Config.Order, Chosen: chosen}
	sess, err := s.reader().Open(ctx, ts)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	defer sess.Close()
	if day.IsZero() {
		newest, ok, err := nearest(ctx, sess, dal.Query{Reverse: true})
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if !ok {
			newest, tv.NoItemsEver = s.o.Now(), true
		}
		day = app.DayOf(newest, loc).Start(loc)
	}
	start, end := spanOf(day, week, loc)
	tv.Start, tv.End, tv.DayValue = start, end, day.Format("2006-01-02")
	at, err := pageCursor(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	p, err := sess.Page(ctx, app.Browse{Query: dal.Query{After: start, Before: end}, Size: timelineSize, At: at})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	tv.Links, tv.N, tv.Empty = links(r, p), len(p.Items), len(p.Items) == 0
	for _, it := range p.Items {
		d := app.DayOf(it.Time, loc).Start(loc)
		if n := len(tv.Days); n == 0 || !tv.Days[n-1].Day.Equal(d) {
			tv.Days = append(tv.Days, timelineDay{Day: d})
		}
		tv.Days[len(tv.Days)-1].Items = append(tv.Days[len(tv.Days)-1].Items, it)
	}
	for _, dir := range []struct {
		q   dal.Query
		dst *string
	}{{dal.Query{Before: start, Reverse: true}, &tv.Prev}, {dal.Query{After: end}, &tv.Next}} {
		t, ok, err := nearest(ctx, sess, dir.q)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if ok {
			*dir.dst = timelineURL(r.URL, app.DayOf(t, loc).Start(loc))
		}
	}
	v := &view{Title: "Timeline", Data: tv, Problems: app.Dedupe(p.Problems), Warnings: p.Warnings}
	s.render(w, r, http.StatusOK, "timeline", v)
}

// spanOf is the day, or the week (Monday to Sunday) holding it.
func spanOf(day time.Time, week bool, loc *time.Location) (time.Time, time.Time) {
	if !week {
		return day, day.AddDate(0, 0, 1)
	}
	back := (int(day.Weekday()) + 6) % 7
	start := day.AddDate(0, 0, -back)
	return start, start.AddDate(0, 0, 7)
}

// nearest returns the time of the first item q selects (with a time).
func nearest(ctx context.Context, sess *app.Session, q dal.Query) (time.Time, bool, error) {
	if q.After.IsZero() && q.Before.IsZero() {
		q.After = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC) // items with a time only
	}
	q.Limit = 1
	r, err := sess.Read(ctx, q)
	if err != nil {
		return time.Time{}, false, err
	}
	defer r.Close()
	for it, err := range r.Items {
		if err != nil {
			return time.Time{}, false, err
		}
		return it.Time, true, nil
	}
	return time.Time{}, false, nil
}

// timelineURL is the timeline at day, keeping the other parameters.
func timelineURL(u *url.URL, day time.Time) string {
	q := u.Query()
	q.Set("day", day.Format("2006-01-02"))
	q.Del("page")
	return "/timeline?" + q.Encode()
}

type hit struct {
	Item  dal.Item
	Title []segment
	Text  []segment
	URL   []segment
	Href  string
}

type searchView struct {
	Q       string
	Hits    []hit
	Links   pageLinks
	Sources []string
	Chosen  []string
	Error   string
}

// searchSize is the number of hits a search page shows.
const searchSize = 50

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ts, chosen, err := s.sourceTargets(r)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	sv := searchView{Q: r.URL.Query().Get("q"), Sources: s.o.App.Config.Order, Chosen: chosen}
	v := &view{Title: "Search"}
	if sv.Q != "" {
		v.Title = "Search: " + sv.Q
	}
	status := http.StatusOK
	if sv.Q != "" {
		if dal.FTSQuery(sv.Q) == "" {
			sv.Error, status = fmt.Sprintf("%q has no word to search for: words are letters and digits; word* matches a prefix", sv.Q), http.StatusBadRequest
		} else if at, err := pageCursor(r); err != nil {
			sv.Error, status = err.Error(), http.StatusBadRequest
		} else {
			p, err := s.reader().Page(ctx, ts, app.Browse{Query: dal.Query{Search: sv.Q, Reverse: true}, Size: searchSize, At: at})
			if err != nil {
				s.fail(w, r, http.StatusInternalServerError, err)
				return
			}
			terms := searchTerms(sv.Q)
			for _, it := range p.Items {
				sv.Hits = append(sv.Hits, hit{Item: it, Title: marks(clip(oneLine(it.Title), 200), terms),
					Text: marks(snippet(it.Text, terms, 280), terms), URL: marks(clip(it.URL, 160), terms), Href: safeHref(it.URL)})
			}
			sv.Links = links(r, p)
			v.Problems, v.Warnings = app.Dedupe(p.Problems), p.Warnings
		}
	}
	v.Data = sv
	s.render(w, r, status, "search", v)
}

func oneLine(s string) string {
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == ' ' {
			if !space {
				out = append(out, ' ')
			}
			space = true
			continue
		}
		space = false
		out = append(out, r)
	}
	return string(out)
}
