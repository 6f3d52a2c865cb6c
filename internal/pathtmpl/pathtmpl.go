// Package pathtmpl expands hoard's templates: "{name}" placeholders, with
// "{{" and "}}" for literal braces. Unknown placeholders are errors, found
// before anything runs.
package pathtmpl

import (
	"fmt"
	"sort"
	"strings"
)

// Expand replaces each {name} in tmpl with vars[name].
func Expand(tmpl string, vars map[string]string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '{' && strings.HasPrefix(tmpl[i:], "{{"):
			b.WriteByte('{')
			i++
		case c == '}' && strings.HasPrefix(tmpl[i:], "}}"):
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed '{' at offset %d in %q (write {{ for a literal brace)", i, tmpl)
			}
			name := tmpl[i+1 : i+end]
			v, ok := vars[name]
			if !ok {
				return "", fmt.Errorf("unknown placeholder {%s} in %q (known: %s; write {{ and }} for literal braces)", name, tmpl, known(vars))
			}
			b.WriteString(v)
			i += end
		case c == '}':
			return "", fmt.Errorf("unmatched '}' at offset %d in %q (write }} for a literal brace)", i, tmpl)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// Uses reports whether tmpl contains placeholder {name}.
func Uses(tmpl, name string) bool {
	s := strings.NewReplacer("{{", "", "}}", "").Replace(tmpl)
	return strings.Contains(s, "{"+name+"}")
}

func known(vars map[string]string) string {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, "{"+k+"}")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
