package app

import (
	"fmt"

	"github.com/hoard-dev/hoard/internal/config"
)

// gapsWanted reports whether doctor looks for gaps in a source: as the
// config says (gaps = ...), else not for a built-in incremental source,
// whose snapshots never overlap.
func gapsWanted(src *config.Source) bool {
	if src.Read.Gaps != nil {
		return *src.Read.Gaps
	}
	if s := Sources.Lookup(src.Exporter); s != nil && s.Incremental {
		return false
	}
	return true
}

// gapKinds returns the only kinds of a source gaps mean lost data in (a
// built-in source's WindowKinds), or nil for every kind.
func gapKinds(src *config.Source) []string {
	if s := Sources.Lookup(src.Exporter); s != nil {
		return s.WindowKinds
	}
	return nil
}

// authHint is what to add to a secrets problem of a source that hoard
// auth authorises: it writes the file.
func authHint(src *config.Source, name string) string {
	if s := Sources.Lookup(src.Exporter); s != nil && s.OAuth2 != nil && src.Secrets != "" {
		return fmt.Sprintf("; or run 'hoard auth %s', which writes it", name)
	}
	return ""
}
