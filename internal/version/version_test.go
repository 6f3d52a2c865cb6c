package version

import (
	"runtime"
	"strings"
	"testing"
)

func TestBuildString(t *testing.T) {
	b := Build{Version: "1.2.3", Revision: "28ded4f1a2b3c4d5e6f7", Time: "2026-11-28T06:43:56Z", Modified: true, Go: "go1.26.8"}
	want := "1.2.3 (commit 28ded4f1a2b3 of 2026-11-28T06:43:56Z, modified; go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if got := b.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (Build{Version: "1.2.3", Go: "go1.26.8"}).String(); !strings.Contains(got, "no commit recorded") {
		t.Errorf("without a commit: %s", got)
	}
	if Info().Go != runtime.Version() {
		t.Error("Info does not name the Go version")
	}
}
