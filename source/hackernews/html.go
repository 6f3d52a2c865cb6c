package hackernews

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/hoard-dev/hoard/export"
)

// The lists of the web site the source reads, by the endpoint (and
// kind) name their pages are saved under.
var lists = []struct {
	endpoint, page string // "favorites", "favorites?id=USER"
	comments       bool
	login          bool // only the logged-in user may see it
}{
	{"favorites", "favorites", false, false},
	{"favorite_comments", "favorites", true, false},
	{"upvoted", "upvoted", false, true},
	{"upvoted_comments", "upvoted", true, true},
}

// isComments reports whether an endpoint's pages list comments.
func isComments(endpoint string) bool { return strings.HasSuffix(endpoint, "_comments") }

// row is one item of a list page, named like the API's fields where
// there is one.
type row struct {
	ID          int64  `json:"id"`
	Type        string `json:"type"` // "story" or "comment"
	Title       string `json:"title,omitempty"`
	URL         string `json:"url,omitempty"`
	Site        string `json:"site,omitempty"`
	By          string `json:"by,omitempty"`
	Time        int64  `json:"time,omitempty"`
	Score       *int   `json:"score,omitempty"`
	Descendants *int   `json:"descendants,omitempty"`
	Text        string `json:"text,omitempty"` // a comment's HTML, as the API gives it
	Parent      int64  `json:"parent,omitempty"`
	Story       *story `json:"story,omitempty"` // the story a comment is on
	HNURL       string `json:"hn_url"`          // the item's page on the site
}

type story struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// page is what a list page holds.
type page struct {
	rows []row
	next *url.URL // the "More" link; nil on the last page
	me   string   // the logged-in user, "" when logged out
}

// notHN is a page that is not one of the site's at all: an error page, a
// proxy's; fetching it again may help.
type notHN struct{ msg string }

func (e *notHN) Error() string { return e.msg }

func start(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// layoutError is a page the parser does not recognise: Hacker News
// changed its layout, or answered something else.
type layoutError struct{ msg string }

func (e *layoutError) Error() string { return e.msg }

func layoutf(format string, args ...any) error {
	return &layoutError{fmt.Sprintf(format, args...) + " (the page layout changed, or the site answered something else: nothing was saved)"}
}

// parsePage reads a list page fetched from at. comments says whether
// the page lists comments (comments=t) or stories. Anything it cannot
// make sense of is an error, so that a changed layout never passes for
// an empty list.
func parsePage(html string, at *url.URL, comments bool) (*page, error) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		return nil, fmt.Errorf("parsing the page: %w", err)
	}
	main := doc.Find("table#hnmain")
	if main.Length() == 0 {
		if strings.Contains(doc.Text(), "Can't display that.") {
			return nil, export.Permanent(errors.New(`the site answered "Can't display that.": only the logged-in user may see this list`))
		}
		return nil, &notHN{fmt.Sprintf("not a Hacker News page (no table#hnmain; it starts %q)", start(doc.Text()))}
	}
	p := &page{me: strings.TrimSpace(main.Find("a#me").First().Text())}
	var rowErr error
	main.Find("tr.athing").EachWithBreak(func(i int, tr *goquery.Selection) bool {
		var r row
		if comments {
			r, rowErr = commentRow(tr, at)
		} else {
			r, rowErr = storyRow(tr, at)
		}
		if rowErr != nil {
			rowErr = fmt.Errorf("row %d: %w", i+1, rowErr)
			return false
		}
		p.rows = append(p.rows, r)
		return true
	})
	if rowErr != nil {
		return nil, rowErr
	}
	if len(p.rows) == 0 {
		// an empty list has no item on it at all
		if n := main.Find(`span.age, span.score, a[href^="item?id="]`).Length(); n > 0 {
			return nil, layoutf("no tr.athing row, but %d links to items", n)
		}
	}
	if more, ok := main.Find("a.morelink").Attr("href"); ok {
		next, err := at.Parse(more)
		if err != nil {
			return nil, layoutf("the More link %q is not a URL", more)
		}
		p.next = next
	}
	return p, nil
}

func idOf(tr *goquery.Selection) (int64, error) {
	s, _ := tr.Attr("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, layoutf("tr.athing with id %q, not an item number", s)
	}
	return id, nil
}

func storyRow(tr *goquery.Selection, at *url.URL) (row, error) {
	id, err := idOf(tr)
	if err != nil {
		return row{}, err
	}
	r := row{ID: id, Type: "story", HNURL: itemURL(at, id)}
	a := tr.Find("span.titleline > a").First()
	href, ok := a.Attr("href")
	if !ok {
		return row{}, layoutf("item %d has no span.titleline link", id)
	}
	r.Title = strings.TrimSpace(a.Text())
	r.URL = resolve(at, href)
	r.Site = strings.TrimSpace(tr.Find("span.sitestr").First().Text())
	sub := tr.Next().Find("td.subtext")
	if sub.Length() == 0 {
		return row{}, layoutf("item %d has no td.subtext row after it", id)
	}
	r.By = strings.TrimSpace(sub.Find("a.hnuser").First().Text())
	if r.Time, err = ageTime(sub.Find("span.age").First()); err != nil {
		return row{}, fmt.Errorf("item %d: %w", id, err)
	}
	r.Score = leadingInt(sub.Find("span.score").First().Text())
	sub.Find(`a[href^="item?id="]`).Each(func(_ int, a *goquery.Selection) {
		if t := strings.ReplaceAll(a.Text(), "\u00a0", " "); strings.HasSuffix(t, "comments") || strings.HasSuffix(t, "comment") || t == "discuss" {
			zero := 0
			if r.Descendants = leadingInt(t); r.Descendants == nil {
				r.Descendants = &zero
			}
		}
	})
	return r, nil
}

func commentRow(tr *goquery.Selection, at *url.URL) (row, error) {
	id, err := idOf(tr)
	if err != nil {
		return row{}, err
	}
	r := row{ID: id, Type: "comment", HNURL: itemURL(at, id)}
	head := tr.Find("span.comhead").First()
	text := tr.Find(".commtext").First()
	if head.Length() == 0 || text.Length() == 0 {
		return row{}, layoutf("comment %d has no span.comhead or .commtext", id)
	}
	r.By = strings.TrimSpace(head.Find("a.hnuser").First().Text())
	if r.Time, err = ageTime(head.Find("span.age").First()); err != nil {
		return row{}, fmt.Errorf("comment %d: %w", id, err)
	}
	text.Find("div.reply").Remove()
	if r.Text, err = text.Html(); err != nil {
		return row{}, err
	}
	r.Text = strings.TrimSpace(r.Text)
	head.Find("span.navs a").Each(func(_ int, a *goquery.Selection) {
		if strings.TrimSpace(a.Text()) == "parent" {
			r.Parent = hrefID(a)
		}
	})
	if on := head.Find("span.onstory a").First(); on.Length() > 0 {
		title, ok := on.Attr("title")
		if !ok {
			title = on.Text()
		}
		r.Story = &story{ID: hrefID(on), Title: strings.TrimSpace(title)}
	}
	return r, nil
}

// ageTime reads span.age's title: "2024-06-01T21:41:02 1717278062" (Unix
// seconds after the UTC time, since 2024) or "2024-06-01T21:41:02".
func ageTime(age *goquery.Selection) (int64, error) {
	title, ok := age.Attr("title")
	if !ok {
		return 0, layoutf("no span.age with a title")
	}
	f := strings.Fields(title)
	if len(f) >= 2 {
		if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
			return n, nil
		}
	}
	if len(f) >= 1 {
		if t, err := time.Parse("2006-01-02T15:04:05", f[0]); err == nil {
			return t.Unix(), nil
		}
	}
	return 0, layoutf("span.age title %q is not a time", title)
}

func leadingInt(s string) *int {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return nil
	}
	return &n
}

func hrefID(a *goquery.Selection) int64 {
	href, _ := a.Attr("href")
	u, err := url.Parse(href)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(u.Query().Get("id"), 10, 64)
	return n
}

func resolve(at *url.URL, href string) string {
	u, err := at.Parse(href)
	if err != nil {
		return href
	}
	return u.String()
}

func itemURL(at *url.URL, id int64) string { return resolve(at, "item?id="+strconv.FormatInt(id, 10)) }
