package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/index"
)

func TestIndexProgressLine(t *testing.T) {
	p := index.Progress{Source: "reddit", Snapshots: 120, OfSnapshots: 365}
	if got := progressText(p, 1234*time.Millisecond); got != "hoard: indexing reddit: 120/365 snapshots, 1.2s" {
		t.Errorf("decoding: %q", got)
	}
	p = index.Progress{Source: "reddit", Snapshots: 365, OfSnapshots: 365, Items: 40000, OfItems: 77800}
	if got := progressText(p, 2*time.Second); got != "hoard: indexing reddit: 365/365 snapshots, 40000/77800 items, 2s" {
		t.Errorf("writing: %q", got)
	}
	for _, plain := range []bool{false, true} {
		var b bytes.Buffer
		l := &indexProgress{w: &b, plain: plain, stop: make(chan struct{})}
		l.done.Add(1)
		go l.loop() // never draws: progressDelay has not passed since l.start
		l.draw("hoard: indexing a: 1/2 snapshots, 1s")
		l.draw("hoard: indexing a: 2/2, 1s")
		l.end()
		out := b.String()
		if plain && strings.ContainsRune(out, '\033') {
			t.Errorf("plain line has escape codes: %q", out)
		}
		want := "\r\033[Khoard: indexing a: 1/2 snapshots, 1s\r\033[Khoard: indexing a: 2/2, 1s\r\033[K"
		if plain {
			want = "\rhoard: indexing a: 1/2 snapshots, 1s\rhoard: indexing a: 2/2, 1s          \r" + strings.Repeat(" ", 26) + "\r"
		}
		if out != want {
			t.Errorf("plain %v: %q, want %q", plain, out, want)
		}
	}
	// Reports from several goroutines may arrive out of order: the line
	// never goes back.
	l := &indexProgress{}
	l.update(index.Progress{Source: "a", Snapshots: 5, OfSnapshots: 9})
	l.update(index.Progress{Source: "a", Snapshots: 4, OfSnapshots: 9})
	if l.p.Snapshots != 5 {
		t.Errorf("went back to %+v", l.p)
	}
	// Not a terminal: nothing at all.
	if newIndexProgress(&Globals{Stderr: &bytes.Buffer{}}) != nil || newIndexProgress(nil) != nil {
		t.Error("a progress line for a pipe")
	}
	var none *indexProgress
	none.end()
	var rd app.Reader
	none.attach(&rd)
	if rd.Progress != nil || rd.Refreshed != nil {
		t.Error("no line attached hooks to the reader")
	}
}
