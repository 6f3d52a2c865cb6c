// Package version holds hoard's version string, importable by any package
// (the HTTP client's User-Agent, the CLI's --version).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is set at build time with
// -ldflags "-X github.com/hoard-dev/hoard/internal/version.Version=v1.2.3".
var Version = "0.1.0-dev"

// Build is what the binary's build info says of how it was built.
type Build struct {
	Version  string // Version, or the module version `go install ...@v1.2.3` recorded
	Revision string // the VCS commit it was built from; "" when not recorded
	Time     string // the commit's time (RFC 3339), as Go records it
	Modified bool   // the work tree had uncommitted changes
	Go       string // the Go version that built it
}

// Info reads the binary's build info. Go records the commit and its time
// when building in a VCS checkout (go build, go install ./cmd/hoard); a
// build from the module proxy (go install ...@v1.2.3) records the module
// version instead.
func Info() Build {
	b := Build{Version: Version, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := bi.Main.Version; Version == "0.1.0-dev" && v != "" && v != "(devel)" && !strings.HasPrefix(v, "v0.0.0-") {
		b.Version = strings.TrimPrefix(v, "v")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the one line `hoard --version` prints after "hoard version":
// 0.1.0-dev (commit 28ded4f1a2b3 of 2026-11-28T06:43:56Z, modified; go1.26.8 linux/amd64).
func (b Build) String() string {
	var parts []string
	if b.Revision != "" {
		c := "commit " + short(b.Revision)
		if b.Time != "" {
			c += " of " + b.Time
		}
		if b.Modified {
			c += ", modified"
		}
		parts = append(parts, c)
	} else {
		parts = append(parts, "no commit recorded")
	}
	return fmt.Sprintf("%s (%s; %s %s/%s)", b.Version, strings.Join(parts, ", "), b.Go, runtime.GOOS, runtime.GOARCH)
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
