package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
)

func TestProgressLine(t *testing.T) {
	var out strings.Builder
	r := &reporter{w: &out, live: true}
	a := &export.Attempt{Source: "github", N: 2, Of: 3, Start: time.Now()}
	a.Add(3, 250)
	a.Add(1, 50)
	r.AttemptStarted(a)
	r.draw()
	got := out.String()
	for _, want := range []string{"\r\033[K", "github: 0 B, 4 pages, 300 items", "(attempt 2/3)"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress line %q lacks %q", got, want)
		}
	}
	// Exporter stderr clears the line before it is written.
	r.Write([]byte("warning\n"))
	if !strings.HasSuffix(out.String(), "\r\033[Kwarning\n") {
		t.Errorf("stderr not written above the progress line: %q", out.String())
	}
}
