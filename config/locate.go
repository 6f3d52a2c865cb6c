package config

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// locator finds the line where a key is defined. BurntSushi/toml reports
// lines for parse errors but not for undecoded keys, so hoard looks them up
// itself: the table header, then the first "key =" line inside it.
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

var headerRE = regexp.MustCompile(`^\s*\[+\s*([^\]]+?)\s*\]+`)

// line returns the 1-based line of the key path, or 0 when not found.
func (l locator) line(key ...string) int {
	table, start := "", 0
	for i := len(key); i >= 0; i-- { // the longest table prefix that has a header
		if n := l.header(strings.Join(key[:i], ".")); n > 0 || i == 0 {
			table, start = strings.Join(key[:i], "."), n
			break
		}
	}
	rest := key[len(splitKey(table)):]
	if len(rest) == 0 {
		return start
	}
	want := strings.Join(rest, ".")
	for i := start; i < len(l.lines); i++ {
		if i > start && headerRE.MatchString(l.lines[i]) {
			break
		}
		k, _, ok := strings.Cut(l.lines[i], "=")
		if ok && normKey(k) == want {
			return i + 1
		}
	}
	return start
}

func splitKey(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

func (l locator) header(name string) int {
	if name == "" {
		return 0
	}
	for i, ln := range l.lines {
		if m := headerRE.FindStringSubmatch(ln); m != nil && normKey(m[1]) == name {
			return i + 1
		}
	}
	return 0
}

// normKey removes quotes and spaces around dotted key parts.
func normKey(k string) string {
	parts := strings.Split(strings.TrimSpace(k), ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}
