// Package kindle is the built-in source for a Kindle's "My Clippings.txt":
// the highlights, notes, bookmarks and clips the e-reader appends to
// documents/My Clippings.txt, one entry after another, in the language
// the Kindle was set to when each was made.
//
// An entry is
//
//	Title (Author)
//	- Your Highlight on page 12 | Location 170-172 | Added on Monday, 1 January 2024 10:00:00
//
//	the highlighted text
//	==========
//
// and its second line is written in the device's language ("Ihre
// Markierung bei Position ... | Hinzugefügt am Montag, 1. Januar 2024
// 10:00:00", "- 25ページ|位置No. 372-373のハイライト |作成日: 2024年1月1日月曜日
// 10:00:00"). The decoder reads it by its structure: the last
// "|"-separated part is the time, the others give the kind, the page and
// the location, with the words of each language it knows.
//
// The times carry no zone: they are the Kindle's clock. The decoder writes
// them as zone-less text ("2024-01-01T10:00:00"), which hoard reads in
// the source's time_zone (UTC by default).
package kindle

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/localtime"
)

// Decoder yields one record per clipping, of kind highlights, notes,
// bookmarks or clips.
var Decoder = &dal.Decoder{
	Name: "kindle", Version: 2,
	Kinds: map[string]dal.KindSpec{
		"highlights": {Key: []string{"id"}, Time: "added", Title: "book", Text: "text"},
		"notes":      {Key: []string{"id"}, Time: "added", Title: "book", Text: "text"},
		"bookmarks":  {Key: []string{"id"}, Time: "added", Title: "book", Text: "location"},
		"clips":      {Key: []string{"id"}, Time: "added", Title: "book", Text: "text"},
	},
	Stream:  stream,
	Records: dal.RecordsOf(stream),
}

// Source describes a Kindle's clippings.
var Source = &source.Source{
	Name:     "kindle",
	Title:    "Kindle e-reader: highlights, notes and bookmarks (documents/My Clippings.txt)",
	Category: source.Device,
	Needs:    "the e-reader, mounted over USB",
	Decoder:  Decoder,
	Exporter: source.FileKind("kindle", "txt"),
	Detect:   detect,
	Stanza:   stanza("Kindle e-reader (edit the mount point)", "/media/me/Kindle"),
}

// Volume is the label of a Kindle's storage, and so its mount point's
// name; ClippingsPath is the file, relative to it.
const (
	Volume        = "Kindle"
	ClippingsPath = "documents/My Clippings.txt"
)

func stanza(comment, mount string) string {
	return fmt.Sprintf(`# %s: exported whenever it is plugged in
[sources.NAME]
exporter = "kindle"
path = %s
when_present = %s
# The Kindle writes its clock's time without a zone: name the zone it is
# set to, or times are read as UTC.
# time_zone = "Europe/Berlin"
compression = "zstd"
`, comment, strconv.Quote(filepath.Join(mount, ClippingsPath)), strconv.Quote(mount))
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, v := range source.MountedVolumes(env, ClippingsPath, Volume) {
		comment := "Kindle at " + v.Dir
		out = append(out, source.Found{Name: source.Number("kindle", i), Path: v.File, Comment: comment, Stanza: stanza(comment, v.Dir)})
	}
	return out
}

// Delimiter ends every clipping.
const Delimiter = "=========="

// maxLine bounds one line of the file (a clipping's text is one line per
// paragraph); longer lines are reported and skipped.
const maxLine = 4 << 20

// stream reads a clippings file from in; path names it in errors.
func stream(ctx context.Context, in io.Reader, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		fail := func(where string, err error) bool {
			return yield(dal.Record{}, &dal.ReadError{File: path, Where: where, Err: err})
		}
		br := bufio.NewReaderSize(dal.WithContext(ctx, in), 64<<10)
		var long []byte
		var entry []string
		start := 0
		flush := func() bool {
			rec, err := parse(entry)
			entry = entry[:0]
			if err != nil && !fail(fmt.Sprintf("line %d", start), err) {
				return false
			}
			return rec.Kind == "" || yield(rec, nil)
		}
		for n := 1; ; n++ {
			b, big, rerr := dal.ReadLine(br, &long, maxLine)
			switch {
			case big:
				if !yield(dal.Record{}, dal.LineTooLarge(path, n, maxLine)) {
					return
				}
			case len(b) > 0 || rerr == nil:
				text := strings.TrimSuffix(string(b), "\r")
				if strings.TrimSpace(strings.TrimPrefix(text, "\ufeff")) != Delimiter {
					if len(entry) == 0 {
						start = n
					}
					entry = append(entry, text)
				} else if len(entry) > 0 && !flush() {
					return
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				fail(fmt.Sprintf("line %d", n), rerr)
				return
			}
			if n%4096 == 0 && ctx.Err() != nil {
				yield(dal.Record{}, ctx.Err())
				return
			}
		}
		if !blank(strings.Join(entry, "")) {
			fail(fmt.Sprintf("line %d", start), errors.New("the last clipping has no "+Delimiter+" after it: the file was cut short (it is read whole once the Kindle has finished writing it)"))
		}
	}
}

// clipping is one entry as the decoder yields it.
type clipping struct {
	id, book, author, typ, page, location, added, meta, text string
	hasAuthor                                                bool
}

// parse reads one entry (its lines without the delimiter). An entry it
// cannot place yields an error and no record; one whose time cannot be
// read yields its record without a time, and an error.
func parse(lines []string) (dal.Record, error) {
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		return dal.Record{}, nil // an empty entry, as ========== twice
	}
	if len(lines) < 2 {
		return dal.Record{}, fmt.Errorf("a clipping needs a title line and a details line; got %q", strings.Join(lines, "\n"))
	}
	title := strings.TrimSpace(strings.TrimPrefix(lines[0], "\ufeff"))
	meta := strings.TrimSpace(lines[1])
	dash, ok := detailsDash(meta)
	if !ok {
		return dal.Record{}, fmt.Errorf("the clipping of %q: its second line %q is not the details line (\"- Your Highlight ... | Added on ...\")", title, meta)
	}
	body := lines[2:]
	for len(body) > 0 && strings.TrimSpace(body[0]) == "" {
		body = body[1:]
	}
	for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
		body = body[:len(body)-1]
	}
	c := clipping{meta: meta, text: strings.Join(body, "\n")}
	c.book, c.author, c.hasAuthor = splitTitle(title)
	sum := sha256.Sum256([]byte(title + "\n" + meta + "\n" + c.text))
	c.id = hex.EncodeToString(sum[:8])

	parts := strings.Split(strings.TrimSpace(strings.TrimPrefix(meta, dash)), "|")
	when := strings.TrimSpace(parts[len(parts)-1])
	details := parts[:len(parts)-1]
	if len(parts) == 1 { // no time: everything is details
		when, details = "", parts
	}
	c.typ = kindOf(details)
	if c.typ == "" {
		return dal.Record{}, fmt.Errorf("the clipping of %q: cannot tell highlight, note, bookmark or clip from %q (a language hoard does not know yet?)", title, meta)
	}
	c.page, c.location = positions(details)
	var timeErr error
	if wall, ok := parseWall(when); ok {
		c.added = localtime.Wall(wall)
	} else {
		timeErr = fmt.Errorf("the clipping of %q: cannot read the time in %q", title, when)
	}
	return dal.Record{Kind: c.typ + "s", Raw: c.json()}, timeErr
}

func (c clipping) json() []byte {
	b := []byte(`{"id":`)
	b = dal.AppendJSONString(b, c.id)
	str := func(name, v string, present bool) {
		b = append(append(append(b, ',', '"'), name...), '"', ':')
		if present {
			b = dal.AppendJSONString(b, v)
		} else {
			b = append(b, "null"...)
		}
	}
	str("book", c.book, true)
	str("author", c.author, c.hasAuthor)
	str("type", c.typ, true)
	str("page", c.page, c.page != "")
	str("location", c.location, c.location != "")
	str("added", c.added, c.added != "")
	str("meta", c.meta, true)
	str("text", c.text, true)
	return append(b, '}')
}

// detailsDash returns the dash a details line starts with: "-", or the
// en dash of Russian Kindles ("– Ваш выделенный отрывок на странице 8 |
// ..."). ok is false when the line starts with neither.
func detailsDash(meta string) (dash string, ok bool) {
	for _, d := range []string{"-", "–"} {
		if strings.HasPrefix(meta, d) {
			return d, true
		}
	}
	return "", false
}

// blank reports whether s is only spaces and byte order marks.
func blank(s string) bool { return strings.TrimSpace(strings.ReplaceAll(s, "\ufeff", "")) == "" }

// splitTitle splits "Title (Author)" at its last balanced parenthesis
// group; a title without one has no author.
func splitTitle(s string) (book, author string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return s, "", false
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				book = strings.TrimSpace(s[:i])
				if book == "" {
					return s, "", false
				}
				return book, strings.TrimSpace(s[i+1 : len(s)-1]), true
			}
		}
	}
	return s, "", false
}

// The words that say what a clipping is, in the languages Kindles write:
// English, German, French, Spanish, Italian, Portuguese, Dutch, Japanese,
// Chinese, Russian. Bookmarks and clips are checked first: no word of
// theirs is in a highlight's or note's line.
var kindWords = []struct {
	kind  string
	words []string
}{
	{"bookmark", []string{"bookmark", "lesezeichen", "signet", "marcador", "segnalibro", "bladwijzer", "ブックマーク", "书签", "закладка"}},
	{"clip", []string{"clip", "ausschnitt", "extrait", "recorte", "ritaglio", "knipsel", "クリップ", "剪贴", "вырезка"}},
	{"highlight", []string{"highlight", "markierung", "surlignement", "surlignage", "subrayado", "evidenziazione", "destaque", "markering", "ハイライト", "标注", "выделен"}}, // выделение, выделенный отрывок
	{"note", []string{"note", "notiz", "nota", "notitie", "メモ", "笔记", "заметка"}},
}

func kindOf(details []string) string {
	line := strings.ToLower(strings.Join(details, " "))
	for _, k := range kindWords {
		for _, w := range k.words {
			if strings.Contains(line, w) {
				return k.kind
			}
		}
	}
	return ""
}

var (
	locationWords = []string{"location", "loc.", "position", "emplacement", "posición", "posizione", "posição", "locatie", "位置", "позиция", "место"}
	pageWords     = []string{"page", "seite", "página", "pagina", "ページ", "页", "страниц", "стр."} // страница, на странице
	numberRange   = regexp.MustCompile(`[0-9]+(?:\s*[-–]\s*[0-9]+)?`)                            // Russian Kindles write 243–245
	romanPage     = regexp.MustCompile(`(?i)\b[ivxlcdm]+\b`)
)

// positions returns the page and location of a clipping's details, as
// written ("12", "xiv", "170-172"; Kindles shorten some ranges, as in
// "433-34").
func positions(details []string) (page, location string) {
	for _, d := range details {
		l := strings.ToLower(d)
		switch {
		case containsAny(l, locationWords) && location == "":
			i := indexAny(l, locationWords)
			if m := numberRange.FindString(d[i:]); m != "" {
				location = strings.NewReplacer(" ", "", "–", "-").Replace(m)
			}
			// "Ihre Notiz auf Seite 12 | bei Position 183": a page may
			// come first in the same part.
			if page == "" && containsAny(l[:i], pageWords) {
				page = pageNumber(d[:i])
			}
		case containsAny(l, pageWords) && page == "":
			page = pageNumber(d)
		}
	}
	return page, location
}

func pageNumber(s string) string {
	if m := numberRange.FindString(s); m != "" {
		return strings.NewReplacer(" ", "", "–", "-").Replace(m)
	}
	l := strings.ToLower(s)
	for _, w := range pageWords {
		if i := strings.Index(l, w); i >= 0 {
			if m := romanPage.FindString(s[i+len(w):]); m != "" {
				return m
			}
		}
	}
	return ""
}

func containsAny(s string, words []string) bool { return indexAny(s, words) >= 0 }

func indexAny(s string, words []string) int {
	best := -1
	for _, w := range words {
		if i := strings.Index(s, w); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

var (
	cjkDate   = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	koDate    = regexp.MustCompile(`(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일`)
	clock     = regexp.MustCompile(`(\d{1,2}):(\d{2})(?::(\d{2}))?`)
	year      = regexp.MustCompile(`(?:^|\D)(\d{4})(?:\D|$)`)
	dayNumber = regexp.MustCompile(`(?:^|\D)(\d{1,2})(?:\D|$)`)
)

// parseWall reads the wall time of a clipping's last part ("Added on
// Monday, January 1, 2024 10:00:00 AM", "Hinzugefügt am Montag, 1. Januar
// 2024 10:00:00", "作成日: 2024年1月1日月曜日 10:00:00", "Added on Friday,
// March 07, 2025, 10:00 AM"), whatever the language: a year, a month (by
// name, or 年/月/日), a day, a clock time, and AM/PM in its languages.
func parseWall(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	cm := clock.FindStringSubmatchIndex(s)
	if cm == nil {
		return time.Time{}, false
	}
	hour, _ := strconv.Atoi(s[cm[2]:cm[3]])
	minute, _ := strconv.Atoi(s[cm[4]:cm[5]])
	second := 0
	if cm[6] >= 0 {
		second, _ = strconv.Atoi(s[cm[6]:cm[7]])
	}
	date := s[:cm[0]] + " " + s[cm[1]:]
	pm, am := isPM(s, cm[0], cm[1])
	switch {
	case pm && hour < 12:
		hour += 12
	case am && hour == 12:
		hour = 0
	}
	var y, d int
	var m time.Month
	if dm := cjkDate.FindStringSubmatch(date); dm != nil {
		y, _ = strconv.Atoi(dm[1])
		mm, _ := strconv.Atoi(dm[2])
		m = time.Month(mm)
		d, _ = strconv.Atoi(dm[3])
	} else if dm := koDate.FindStringSubmatch(date); dm != nil {
		y, _ = strconv.Atoi(dm[1])
		mm, _ := strconv.Atoi(dm[2])
		m = time.Month(mm)
		d, _ = strconv.Atoi(dm[3])
	} else {
		ym := year.FindStringSubmatchIndex(date)
		if ym == nil {
			return time.Time{}, false
		}
		y, _ = strconv.Atoi(date[ym[2]:ym[3]])
		rest := date[:ym[2]] + " " + date[ym[3]:]
		for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' }) {
			if mm, ok := localtime.Month(w); ok {
				m = mm
				break
			}
		}
		dd := dayNumber.FindStringSubmatch(rest)
		if m == 0 || dd == nil {
			return time.Time{}, false
		}
		d, _ = strconv.Atoi(dd[1])
	}
	t := time.Date(y, m, d, hour, minute, second, 0, time.UTC)
	if m < 1 || m > 12 || hour > 23 || minute > 59 || second > 59 || t.Day() != d || t.Month() != m {
		return time.Time{}, false
	}
	return t, true
}

// isPM tells whether the clock time at s[i:j] is marked PM (or AM): "PM",
// "p.m." after it; 午後/下午/오후 (午前/上午/오전) before it.
func isPM(s string, i, j int) (pm, am bool) {
	after := strings.ToLower(strings.TrimSpace(s[j:]))
	before := strings.TrimSpace(s[:i])
	switch {
	case strings.HasPrefix(after, "pm"), strings.HasPrefix(after, "p.m."), strings.HasSuffix(before, "午後"),
		strings.HasSuffix(before, "下午"), strings.HasSuffix(before, "오후"):
		return true, false
	case strings.HasPrefix(after, "am"), strings.HasPrefix(after, "a.m."), strings.HasSuffix(before, "午前"),
		strings.HasSuffix(before, "上午"), strings.HasSuffix(before, "오전"):
		return false, true
	}
	return false, false
}
