package dal

import (
	"fmt"
	"path"
	"strings"
)

// checkGlob checks a members pattern.
func checkGlob(key, pattern string) error {
	if pattern == "" {
		return fmt.Errorf("%s: an empty pattern matches no member", key)
	}
	for _, seg := range strings.Split(pattern, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("%s = %q: invalid pattern (%v); use *, ?, [a-z] within a name and ** for any directories", key, pattern, err)
		}
	}
	return nil
}

// matchGlob reports whether the slash-separated name matches pattern:
// path.Match within each segment ("*", "?", "[a-z]"), and a segment "**"
// matching any number of segments, none included ("**/x.json" matches
// "x.json" and "a/b/x.json").
func matchGlob(pattern, name string) bool {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := range len(name) + 1 {
				if matchSegs(pat, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
