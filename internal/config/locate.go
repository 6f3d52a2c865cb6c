package config

import (
	"bufio"
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// locator finds the line where a key is defined. BurntSushi/toml reports
// lines for parse errors but not for undecoded keys, so hoard looks them up
// itself: the deepest table header that prefixes the key, then the first
// "key =" line inside that table. It returns 0 when it cannot tell.
type locator struct{ lines []string }

func newLocator(data []byte) locator {
	var l locator
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l.lines = append(l.lines, sc.Text())
	}
	return l
}

var headerRE = regexp.MustCompile(`^\s*\[\[?\s*(.+?)\s*\]\]?\s*(#.*)?$`)

// line returns the 1-based line of the key path, or 0 when not found.
func (l locator) line(key ...string) int { return l.lineFrom(0, key...) }

// lineFrom is line, looking for table headers from line from on (the
// [[header]] of one element of an array of tables), 0 for the whole file.
func (l locator) lineFrom(from int, key ...string) int {
	n, start := len(key), 0
	for ; n > 0; n-- {
		if start = l.header(key[:n], from); start > 0 {
			break
		}
	}
	if start == 0 {
		start = from
	}
	rest := key[n:]
	if len(rest) == 0 {
		return start
	}
	for i := start; i < len(l.lines); i++ { // start is the line after the header, as an index
		if headerRE.MatchString(l.lines[i]) {
			break
		}
		k, _, ok := strings.Cut(l.lines[i], "=")
		if ok && slices.Equal(splitKey(k), rest) {
			return i + 1
		}
	}
	// A table made only by deeper headers: [a.b.c] defines a.b.
	if n := l.headerUnder(key, from); n > 0 {
		return n
	}
	return start
}

// headerUnder returns the line of the first header [key..., more...] at or
// after line from, or 0.
func (l locator) headerUnder(key []string, from int) int {
	for i := max(from-1, 0); i < len(l.lines); i++ {
		if m := headerRE.FindStringSubmatch(l.lines[i]); m != nil {
			if k := splitKey(m[1]); len(k) > len(key) && slices.Equal(k[:len(key)], key) {
				return i + 1
			}
		}
	}
	return 0
}

// header returns the line of the first table header [key...] at or after
// line from, or 0.
func (l locator) header(key []string, from int) int {
	for i := max(from-1, 0); i < len(l.lines); i++ {
		if m := headerRE.FindStringSubmatch(l.lines[i]); m != nil && slices.Equal(splitKey(m[1]), key) {
			return i + 1
		}
	}
	return 0
}

// nthHeader returns the line of the n-th (from 0) header [[key...]], or 0.
func (l locator) nthHeader(key []string, n int) int {
	for i, ln := range l.lines {
		if m := headerRE.FindStringSubmatch(ln); m != nil && strings.HasPrefix(strings.TrimSpace(ln), "[[") && slices.Equal(splitKey(m[1]), key) {
			if n == 0 {
				return i + 1
			}
			n--
		}
	}
	return 0
}

// splitKey splits a dotted TOML key into its parts, honouring quotes.
func splitKey(k string) []string {
	var parts []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}
