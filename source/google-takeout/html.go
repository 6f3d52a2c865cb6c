package googletakeout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
	"golang.org/x/net/html"
)

// Takeout's HTML pages (My Activity, YouTube's watch and search history;
// HTML is what Takeout writes unless "Multiple formats" chooses JSON) hold
// one activity per
//
//	<div class="outer-cell mdl-cell ...">
//	  <div class="mdl-grid">
//	    <div class="header-cell ..."><p class="mdl-typography--title">YouTube<br></p></div>
//	    <div class="content-cell ... mdl-typography--body-1">Watched&nbsp;<a href="https://www.youtube.com/watch?v=...">Title</a><br>
//	      <a href="https://www.youtube.com/channel/...">Channel</a><br>Jan 5, 2021, 10:00:00 AM EST</div>
//	    <div class="content-cell ... mdl-typography--body-1 mdl-typography--text-right"></div>
//	    <div class="content-cell ... mdl-typography--caption"><b>Products:</b><br>&emsp;YouTube<br>
//	      <b>Why is this here?</b><br>&emsp;This activity was saved to your Google Account because ...</div>
//	  </div>
//	</div>
//
// The body's first line is the title (its link the title's URL), its last
// line the time, the lines between the subtitles. The caption's bold
// labels head sections, in the account's language: products, details and
// locations become the JSON export's "products", "details" and
// "locationInfos"; any other section is kept under "captions" by its
// label. The record has the JSON export's member names, so that both
// read alike.

// htmlActivity is one activity read from a page.
type htmlActivity struct {
	Header        string              `json:"header"`
	Title         string              `json:"title"`
	TitleURL      string              `json:"titleUrl,omitempty"`
	Subtitles     []htmlSubtitle      `json:"subtitles,omitempty"`
	Time          string              `json:"time,omitempty"`
	Products      []string            `json:"products,omitempty"`
	Details       []htmlSubtitle      `json:"details,omitempty"`
	LocationInfos []htmlLocation      `json:"locationInfos,omitempty"`
	Captions      map[string][]string `json:"captions,omitempty"`
}

type htmlSubtitle struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type htmlLocation struct {
	Name      string `json:"name,omitempty"`
	URL       string `json:"url,omitempty"`
	Source    string `json:"source,omitempty"`
	SourceURL string `json:"sourceUrl,omitempty"`
}

// captionLabels maps the caption labels of the pages' languages to the
// JSON export's members.
var captionLabels = map[string]string{
	"products": "products", "produkte": "products", "produits": "products", "productos": "products",
	"prodotti": "products", "producten": "products", "produtos": "products",
	"details": "details", "détails": "details", "detalles": "details", "dettagli": "details", "detalhes": "details",
	"locations": "locations", "standorte": "locations", "lieux": "locations", "ubicaciones": "locations",
	"luoghi": "locations", "locaties": "locations", "locais": "locations",
}

// isActivityPage reports whether the head of an HTML document is that of
// an activity page (and not, say, archive_browser.html).
func isActivityPage(head []byte) bool {
	return bytes.Contains(head, []byte("outer-cell")) || bytes.Contains(head, []byte("mdl-typography--body-1"))
}

// segment is a run of a line: text, inside a link or bold or neither.
type segment struct {
	text, href string
	bold       bool
}

type line []segment

func (l line) text() string { return clean(l.raw()) }

// raw is the line's text as the page writes it, trimmed of ASCII spaces.
func (l line) raw() string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.text)
	}
	return strings.Trim(b.String(), " \t\r\n")
}

func (l line) link() string {
	for _, s := range l {
		if s.href != "" {
			return s.href
		}
	}
	return ""
}

// clean turns the pages' no-break and em spaces into spaces and trims.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\u00a0' || r == '\u2003' || r == '\u202f' || r == '\u2002' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cell gathers one activity's parts while its outer div is open.
type cell struct {
	header        strings.Builder
	body, caption []line
	section       byte // 'h' header, 'b' body, 'c' caption, 0 none
	sectionDepth  int
	href          string
	bold          bool
	depth         int
}

func (c *cell) lines() *[]line {
	switch c.section {
	case 'b':
		return &c.body
	case 'c':
		return &c.caption
	}
	return nil
}

func (c *cell) text(s string) {
	switch c.section {
	case 'h':
		c.header.WriteString(s)
	case 'b', 'c':
		ls := c.lines()
		if len(*ls) == 0 {
			*ls = append(*ls, nil)
		}
		last := &(*ls)[len(*ls)-1]
		*last = append(*last, segment{text: s, href: c.href, bold: c.bold})
	}
}

func (c *cell) br() {
	if ls := c.lines(); ls != nil {
		if len(*ls) == 0 {
			*ls = append(*ls, nil)
		}
		*ls = append(*ls, nil)
	}
}

// maxCell bounds what one activity may hold; a page that never closes a
// cell is not read into memory whole.
const maxCell = 4 << 20

// readHTML yields the activities of a page, each a record of the kind its
// header and link say.
func readHTML(r io.Reader, name string, yield func(dal.Record, error) bool) {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxCell)
	var c *cell
	size := 0
	n := 0 // activities read
	var badTimes []string
	badCount := 0
	emit := func() bool {
		n++
		rec, err := c.record()
		if err != nil {
			if badCount++; len(badTimes) < 3 {
				badTimes = append(badTimes, err.Error())
			}
		}
		return yield(rec, nil)
	}
	defer func() {
		if badCount > 0 {
			msg := strings.Join(badTimes, "; ")
			if badCount > len(badTimes) {
				msg += fmt.Sprintf(" and %d more", badCount-len(badTimes))
			}
			yield(dal.Record{}, takeoutkit.ReadError(name, "", fmt.Errorf("%d of %d activities have no readable time: %s", badCount, n, msg)))
		}
	}()
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				if c != nil {
					yield(dal.Record{}, takeoutkit.ReadError(name, "", fmt.Errorf("the page ends inside activity %d (truncated?)", n+1)))
				}
				return
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				err = fmt.Errorf("a tag or text of activity %d is larger than %d bytes", n+1, maxCell)
			}
			yield(dal.Record{}, takeoutkit.ReadError(name, "", err))
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tag, hasAttr := z.TagName()
			var class, href string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "class":
					class = string(v)
				case "href":
					href = string(v)
				}
			}
			switch string(tag) {
			case "div":
				if tt == html.SelfClosingTagToken {
					continue
				}
				if c == nil {
					if strings.Contains(class, "outer-cell") {
						c, size = &cell{depth: 1}, 0
					}
					continue
				}
				c.depth++
				if c.section == 0 && strings.Contains(class, "content-cell") {
					switch {
					case strings.Contains(class, "mdl-typography--caption"):
						c.section, c.sectionDepth = 'c', c.depth
					case strings.Contains(class, "mdl-typography--body-1") && !strings.Contains(class, "mdl-typography--text-right"):
						c.section, c.sectionDepth = 'b', c.depth
					}
				}
			case "p":
				if c != nil && c.section == 0 && strings.Contains(class, "mdl-typography--title") {
					c.section = 'h'
				}
			case "br":
				if c != nil {
					c.br()
				}
			case "a":
				if c != nil {
					c.href = href
				}
			case "b":
				if c != nil {
					c.bold = true
				}
			}
		case html.EndTagToken:
			if c == nil {
				continue
			}
			tag, _ := z.TagName()
			switch string(tag) {
			case "div":
				if c.section != 'h' && c.section != 0 && c.depth == c.sectionDepth {
					c.section = 0
				}
				if c.depth--; c.depth == 0 {
					ok := emit()
					c = nil
					if !ok {
						return
					}
				}
			case "p":
				if c.section == 'h' {
					c.section = 0
				}
			case "a":
				c.href = ""
			case "b":
				c.bold = false
			}
		case html.TextToken:
			if c != nil {
				t := z.Text()
				if size += len(t); size > maxCell {
					yield(dal.Record{}, takeoutkit.ReadError(name, "", fmt.Errorf("activity %d holds more than %d bytes of text (not a Takeout page?)", n+1, maxCell)))
					return
				}
				c.text(string(t))
			}
		}
	}
}

// record turns a finished cell into its record; an error says why its
// time could not be read (the record is made all the same, with the
// time's text).
func (c *cell) record() (dal.Record, error) {
	a := htmlActivity{Header: clean(c.header.String())}
	body := trimLines(c.body)
	var timeText string
	if len(body) > 0 {
		timeText = body[len(body)-1].raw()
		body = body[:len(body)-1]
	}
	if len(body) > 0 {
		a.Title, a.TitleURL = body[0].text(), body[0].link()
		for _, l := range body[1:] {
			a.Subtitles = append(a.Subtitles, htmlSubtitle{Name: l.text(), URL: l.link()})
		}
	}
	c.readCaption(&a)
	var terr error
	t, err := parseHTMLTime(timeText)
	if err != nil {
		terr = fmt.Errorf("%q: %v", timeText, err)
	} else {
		a.Time = t.Format(time.RFC3339Nano)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(a) // plain strings and slices: cannot fail
	f := &takeoutkit.Fields{}
	if err == nil {
		f.String("second", t.Truncate(time.Second).Format(time.RFC3339))
	} else {
		f.String("second", timeText)
	}
	f.String("time_text", timeText)
	raw := takeoutkit.Annotate(bytes.TrimSpace(buf.Bytes()), f)
	return dal.Record{Kind: classify(a.Header, a.TitleURL, a.Title), Raw: raw}, terr
}

// trimLines drops empty lines at the start and end (a <br> that ends a
// cell, whitespace between tags).
func trimLines(ls []line) []line {
	for len(ls) > 0 && ls[0].text() == "" && ls[0].link() == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1].text() == "" && ls[len(ls)-1].link() == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// readCaption reads the caption's labelled sections into a.
func (c *cell) readCaption(a *htmlActivity) {
	label := ""
	for _, l := range c.caption {
		if len(l) > 0 && l[0].bold {
			label = clean(l[0].text)
			// the rest of a label's line, if any, is a value
			l = l[1:]
			if len(l) == 0 {
				continue
			}
		}
		text := l.text()
		if text == "" && l.link() == "" {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(strings.TrimRight(label, ": ")))
		switch captionLabels[key] {
		case "products":
			a.Products = append(a.Products, text)
		case "details":
			a.Details = append(a.Details, htmlSubtitle{Name: text})
		case "locations":
			a.LocationInfos = append(a.LocationInfos, readLocation(l))
		default:
			if a.Captions == nil {
				a.Captions = map[string][]string{}
			}
			a.Captions[label] = append(a.Captions[label], text)
		}
	}
}

// readLocation reads a location line, "At <a>this general area</a> -
// From <a>your places</a> (Home)": its name and link before the dash,
// the source and its link after.
func readLocation(l line) htmlLocation {
	var loc htmlLocation
	var before, after strings.Builder
	var links []string
	dash := false
	for _, s := range l {
		t := s.text
		if s.href != "" {
			links = append(links, s.href)
		}
		if !dash && s.href == "" {
			if i := strings.Index(t, " - "); i >= 0 {
				before.WriteString(t[:i])
				after.WriteString(t[i+3:])
				dash = true
				continue
			}
		}
		if dash {
			after.WriteString(t)
		} else {
			before.WriteString(t)
		}
	}
	if dash {
		loc.Name, loc.Source = clean(before.String()), clean(after.String())
		if len(links) >= 1 {
			loc.URL = links[0]
		}
		if len(links) >= 2 {
			loc.SourceURL = links[1]
		}
		return loc
	}
	loc.Source = clean(before.String())
	if len(links) > 0 {
		loc.SourceURL = links[0]
	}
	return loc
}
