// Package secretsfile edits the text of a TOML secrets file one key at a
// time, keeping every other line (comments included) as it was. Writing
// the file (atomically, mode 0600) is its callers' part: httpx.SaveSecret
// when a server rotates a refresh token, authflow.WriteSecrets after
// 'hoard auth'.
package secretsfile

import (
	"fmt"
	"regexp"
	"strings"
)

// Set replaces every line of key in text (key = ..., or "key" = ...) with
// key = "value", or appends that line when there is none.
func Set(text, key, value string) string {
	line := key + " = " + Quote(value)
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	lines := strings.Split(text, "\n")
	found := false
	for i, l := range lines {
		if re.MatchString(l) {
			lines[i], found = line, true
		}
	}
	out := strings.Join(lines, "\n")
	if found {
		return out
	}
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out + line + "\n"
}

// Quote writes s as a TOML basic string.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
