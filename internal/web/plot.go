package web

import (
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
)

// Dimensions of a plot of items per day, in SVG user units: one unit per
// day of the year and a fixed height; the page scales it to its width.
const (
	plotDays   = 365
	plotWidth  = plotDays * 2
	plotHeight = 44
)

// plot is an SVG bar chart of items per day over the last year, with the
// stretches where data was probably lost (gaps) drawn behind the bars.
type plot struct {
	Width, Height int
	Bars          []bar
	Gaps          []band
	Max           int // items on the busiest day
	Total         int // items in the window
	Empty         bool
}

type bar struct {
	X, Y, W, H float64
	Title      string
}

type band struct {
	X, W  float64
	Title string
}

// tick is a month boundary on the shared time axis of the plots.
type tick struct {
	X     float64
	Label string
}

// plotWindow is the first day of the last year, ending today, in loc.
func plotWindow(now time.Time, loc *time.Location) (first app.Day, start, end time.Time) {
	today := app.DayOf(now, loc)
	end = today.Start(loc).AddDate(0, 0, 1)
	start = end.AddDate(0, 0, -plotDays)
	return app.DayOf(start, loc), start, end
}

// dayX is the x position of the start of a day of the window.
func dayX(i int) float64 { return float64(i) * plotWidth / plotDays }

// newPlot draws a profile's days of the last year and the gaps the
// doctor found.
func newPlot(p app.Profile, gaps []app.Gap, now time.Time, loc *time.Location) *plot {
	_, start, end := plotWindow(now, loc)
	pl := &plot{Width: plotWidth, Height: plotHeight}
	counts := make([]int, plotDays)
	days := make([]time.Time, plotDays)
	for i := range plotDays {
		d := start.AddDate(0, 0, i)
		days[i] = d
		n := p.Days[app.DayOf(d, loc)]
		counts[i] = n
		pl.Total += n
		pl.Max = max(pl.Max, n)
	}
	pl.Empty = pl.Total == 0
	for i, n := range counts {
		if n == 0 {
			continue
		}
		h := float64(n) / float64(pl.Max) * (plotHeight - 2)
		h = max(h, 1)
		pl.Bars = append(pl.Bars, bar{X: dayX(i), Y: plotHeight - h, W: dayX(1) - 0.3, H: h,
			Title: fmt.Sprintf("%s: %d item(s)", days[i].Format("Mon 2006-01-02"), n)})
	}
	span := end.Sub(start)
	for _, g := range gaps {
		from, to := g.From, g.To
		if !to.After(start) || !from.Before(end) {
			continue
		}
		if from.Before(start) {
			from = start
		}
		if to.After(end) {
			to = end
		}
		x := float64(from.Sub(start)) / float64(span) * plotWidth
		w := max(float64(to.Sub(from))/float64(span)*plotWidth, 1.5)
		pl.Gaps = append(pl.Gaps, band{X: x, W: w,
			Title: fmt.Sprintf("gap (%s): nothing between %s and %s; exports probably ran too rarely", g.Kind, g.From.In(loc).Format("2006-01-02 15:04"), g.To.In(loc).Format("2006-01-02 15:04"))})
	}
	return pl
}

// monthTicks are the first days of the months within the window.
func monthTicks(now time.Time, loc *time.Location) []tick {
	_, start, _ := plotWindow(now, loc)
	var out []tick
	for i := range plotDays {
		d := start.AddDate(0, 0, i)
		if d.Day() == 1 {
			label := d.Format("Jan")
			if d.Month() == time.January {
				label = d.Format("2006")
			}
			out = append(out, tick{X: dayX(i), Label: label})
		}
	}
	return out
}
