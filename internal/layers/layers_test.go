// Package layers holds the test that keeps hoard's dependencies running
// one way. The rules are written here and in docs/architecture.md, and
// nowhere else.
package layers

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hoard-dev/hoard/"

// rules: a package matching the pattern may not depend (directly or
// through others) on a package matching any of the forbidden patterns. A
// pattern ending in "/..." matches the package and everything under it.
var rules = []struct {
	pkg       string
	forbidden []string
	why       string
}{
	{"snapshot/...", []string{"dal/...", "export/...", "internal/...", "source/..."},
		"the on-disk contract stands alone"},
	{"jsonpath/...", []string{"dal/...", "export/...", "internal/...", "source/...", "snapshot/..."},
		"the path language stands alone"},
	{"secret/...", []string{"dal/...", "export/...", "internal/...", "source/...", "snapshot/..."},
		"secrets stand alone"},
	{"export/...", []string{"dal/...", "internal/index/...", "internal/config/...", "internal/app/...", "source/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"the write path does not depend on the read path, the config or the front ends"},
	{"internal/exporter/...", []string{"dal/...", "internal/index/...", "internal/config/...", "internal/app/...", "source/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"exporters only fetch: no reading back, no config"},
	{"internal/httpx/...", []string{"dal/...", "internal/index/...", "internal/config/...", "internal/app/...", "source/...", "export/..."},
		"the HTTP engine knows nothing above it"},
	{"internal/config/...", []string{"dal/...", "internal/index/...", "internal/app/...", "source/...", "internal/exporter/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"config decodes hoard.toml and knows nothing of reading back or of exporter kinds"},
	{"dal/...", []string{"export/...", "internal/config/...", "internal/index/...", "internal/app/...", "source/...", "internal/exporter/...", "internal/httpx/..."},
		"the data access layer reads snapshots, whoever wrote them"},
	{"internal/index/...", []string{"export/...", "internal/config/...", "internal/app/...", "source/...", "internal/exporter/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"the index is a cache of the data access layer"},
	{"source/...", []string{"internal/config/...", "internal/index/...", "internal/app/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"a built-in source is detection, exporter defaults and decoders: below the glue"},
	{"internal/browser/...", []string{"dal/...", "internal/index/...", "internal/config/...", "internal/app/...", "source/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"reading the browser's cookies is part of the write path (it copies the database as the file exporter does)"},
	{"internal/authflow/...", []string{"dal/...", "export/...", "internal/index/...", "internal/config/...", "internal/app/...", "source/...", "internal/exporter/...", "internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"the OAuth2 flow knows nothing of sources or configs: the glue and the front end give it endpoints"},
	{"internal/app/...", []string{"internal/cli/...", "internal/daemon/...", "internal/web/..."},
		"the glue layer serves the front ends, never the other way"},
	{"internal/daemon/...", []string{"internal/cli/...", "internal/web/..."},
		"front ends do not depend on each other"},
	{"internal/web/...", []string{"internal/cli/...", "internal/daemon/..."},
		"front ends do not depend on each other"},
}

func matches(pattern, pkg string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == p || strings.HasPrefix(pkg, p+"/")
	}
	return pkg == pattern
}

type listed struct {
	ImportPath string
	Deps       []string
}

// TestLayers fails on every dependency that breaks a rule, naming the
// chain's two ends and the rule.
func TestLayers(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps=false", "-json", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkg, ok := strings.CutPrefix(p.ImportPath, module)
		if !ok {
			continue
		}
		n++
		for _, r := range rules {
			if !matches(r.pkg, pkg) {
				continue
			}
			for _, dep := range p.Deps {
				d, ok := strings.CutPrefix(dep, module)
				if !ok {
					continue
				}
				for _, f := range r.forbidden {
					if matches(f, d) && !matches(r.pkg, d) {
						t.Errorf("%s depends on %s: %s (rule %s -/-> %s)", pkg, d, r.why, r.pkg, f)
					}
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("go list found %d packages of the module; is the test run from internal/layers?", n)
	}
}
