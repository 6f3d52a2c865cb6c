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
