package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/bytesize"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// pageNames are the pages; each is templates/NAME.html defining "content",
// rendered inside templates/layout.html.
var pageNames = []string{"dashboard", "source", "runs", "snapshots", "item", "timeline", "search", "map", "login", "error"}

func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

func assetHandler() http.Handler {
	sub, _ := fs.Sub(assetFS, "assets") // a constant directory of the embedded tree
	return http.StripPrefix("/assets/", http.FileServerFS(sub))
}

func assetExists(name string) bool {
	info, err := fs.Stat(assetFS, "assets/"+name)
	return err == nil && !info.IsDir()
}

// paletteSize is the number of source colours in style.css (.c0 ...).
const paletteSize = 10

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"when":      s.when,
		"whenp":     func(t *time.Time) string { return s.when(deref(t)) },
		"day":       func(t time.Time) string { return t.In(s.o.Location).Format("Mon 2006-01-02") },
		"clock":     func(t time.Time) string { return t.In(s.o.Location).Format("15:04:05") },
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
		"ago":       s.ago,
		"agop":      func(t *time.Time) string { return s.ago(deref(t)) },
		"until":     s.until,
		"bytes":     bytesize.Format,
		"took":      func(a, b time.Time) string { return humanDuration(b.Sub(a)) },
		"href":      safeHref,
		"itemURL":   itemURL,
		"sourceURL": func(name string) string { return "/sources/" + url.PathEscape(name) },
		"color":     s.color,
		"describe":  describe,
		"clip":      clip,
		"marks":     marks,
		"pretty":    pretty,
		"join":      strings.Join,
		"add":       func(a, b int) int { return a + b },
		"zone":      func() string { return s.o.Now().In(s.o.Location).Format("MST (-07:00)") },
		"state":     stateClass,
		"f1":        func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
		"has":       func(list []string, v string) bool { return slices.Contains(list, v) },
		"isoDay":    func(t time.Time) string { return t.In(s.o.Location).Format("2006-01-02") },
	}
}

// stateClass is the CSS class of a source's state: ok, warn (stale, at
// risk), bad (failing), idle (never run, not configured).
func stateClass(st app.SourceStatus) string {
	switch {
	case st.Failing:
		return "bad"
	case len(st.Problems) > 0:
		return "warn"
	case st.State == "ok":
		return "ok"
	}
	return "idle"
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// when shows a time in the server's zone, to the minute; the zero time is
// a dash.
func (s *Server) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.o.Location).Format("2006-01-02 15:04")
}

// ago shows how long before (or after) now a time is.
func (s *Server) ago(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := s.o.Now().Sub(t)
	switch {
	case d < -time.Minute:
		return "in " + humanDuration(-d)
	case d < time.Minute:
		return "just now"
	}
	return humanDuration(d) + " ago"
}

// until shows when a run is due: "due now" once its time has come.
func (s *Server) until(t *time.Time) string {
	if t == nil {
		return "—"
	}
	if d := t.Sub(s.o.Now()); d > time.Minute {
		return "in " + humanDuration(d)
	}
	return "due now"
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	return fmt.Sprintf("%.1f years", d.Hours()/24/365)
}

// safeHref returns u if it may become a link: an absolute http or https
// URL with a host. Anything else (javascript:, data:, relative paths,
// garbage) returns "" and is shown as text only.
func safeHref(u string) string {
	if len(u) > 8192 || strings.ContainsAny(u, "\x00\r\n\t") {
		return ""
	}
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" || p.Opaque != "" {
		return ""
	}
	if s := strings.ToLower(p.Scheme); s != "http" && s != "https" {
		return ""
	}
	return p.String()
}

// itemURL is the address of an item's page; its time lets the page read
// only the index blocks of that time.
func itemURL(it dal.Item) string {
	q := url.Values{"kind": {it.Kind}, "key": {it.Key}}
	if !it.Time.IsZero() {
		q.Set("t", it.Time.UTC().Format(time.RFC3339Nano))
	}
	return "/sources/" + url.PathEscape(it.Source) + "/item?" + q.Encode()
}

func (s *Server) color(source string) string {
	if i, ok := s.colors[source]; ok {
		return fmt.Sprintf("c%d", i)
	}
	return "c-none"
}

// describe is an item's one-line description: its title, else its text,
// else its URL, else its key.
func describe(it dal.Item) string {
	for _, v := range []string{it.Title, it.Text, it.URL, it.Key} {
		if v = strings.Join(strings.Fields(v), " "); v != "" {
			return v
		}
	}
	return "(empty)"
}

// clip cuts s to n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// pretty indents raw JSON for reading; invalid JSON is shown as it is.
// Very large items are cut, saying so.
func pretty(raw json.RawMessage) string {
	const max = 1 << 20
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		b.Reset()
		b.Write(raw)
	}
	if b.Len() > max {
		return string(b.Bytes()[:max]) + fmt.Sprintf("\n… (cut at %d of %d bytes)", max, b.Len())
	}
	return b.String()
}

// segment is a piece of text, marked when a search word matched it.
type segment struct {
	Text string
	Hit  bool
}

// marks splits text into segments, marking each word that a search term
// matches the way the index does (whole words, case-insensitively; a term
// ending in * matches a prefix). Without terms the text is one segment.
func marks(text string, terms []term) []segment {
	if len(terms) == 0 || text == "" {
		return []segment{{Text: text}}
	}
	var out []segment
	push := func(s string, hit bool) {
		if n := len(out); n > 0 && out[n-1].Hit == hit {
			out[n-1].Text += s
			return
		}
		out = append(out, segment{s, hit})
	}
	i := 0
	for i < len(text) {
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		if j > i {
			w := text[i:j]
			push(w, matchesAny(w, terms))
			i = j
			continue
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		push(text[i:i+n], false)
		i += n
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// term is one word of a search: lower case, and whether it is a prefix.
type term struct {
	word   string
	prefix bool
}

// searchTerms splits what a user typed into the words the index matches:
// runs of letters and digits; a trailing * makes the last one a prefix.
func searchTerms(q string) []term {
	var out []term
	for _, f := range strings.Fields(q) {
		prefix := strings.HasSuffix(f, "*")
		parts := strings.FieldsFunc(strings.TrimRight(f, "*"), func(r rune) bool { return !isWordRune(r) })
		for i, p := range parts {
			out = append(out, term{word: strings.ToLower(p), prefix: prefix && i == len(parts)-1})
		}
	}
	return out
}

func matchesAny(w string, terms []term) bool {
	lw := strings.ToLower(w)
	for _, t := range terms {
		if lw == t.word || (t.prefix && strings.HasPrefix(lw, t.word)) {
			return true
		}
	}
	return false
}

// snippet is the part of text around its first match, about n
// characters, with an ellipsis where it was cut.
func snippet(text string, terms []term, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	first := -1
	for _, s := range marksIndex(text, terms) {
		first = s
		break
	}
	if first < 0 {
		return clip(text, n)
	}
	r := []rune(text[:first])
	start := max(0, len(r)-n/4)
	pre := ""
	if start > 0 {
		pre = "…"
	}
	return pre + clip(string([]rune(text)[start:]), n)
}

// marksIndex returns the byte offsets of the matched words of text.
func marksIndex(text string, terms []term) []int {
	var out []int
	off := 0
	for _, s := range marks(text, terms) {
		if s.Hit {
			out = append(out, off)
		}
		off += len(s.Text)
	}
	return out
}
