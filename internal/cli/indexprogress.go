package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/index"
)

// indexProgress shows a person how an index refresh is going: when stderr
// is a terminal and the refresh has taken more than a second, one line
// redrawn a few times a second ("hoard: indexing reddit: 120/365
// snapshots, 5.2s", then "... 365/365 snapshots, 40000/77800 items"),
// cleared when the refresh ends. Only a live terminal gets it (see
// liveTerminal); with NO_COLOR set the line is redrawn with a carriage
// return and spaces only, no escape codes. Elsewhere (a pipe, a file,
// cron, TERM=dumb) it shows nothing.
type indexProgress struct {
	w     io.Writer
	plain bool // no escape codes
	start time.Time

	mu      sync.Mutex
	p       index.Progress
	drawn   int // width of the line on the screen; 0: none
	stop    chan struct{}
	done    sync.WaitGroup
	endOnce sync.Once
}

// progressDelay is how long a refresh runs before its progress shows.
var progressDelay = time.Second

// newIndexProgress returns the progress line of a refresh on g's stderr,
// or nil when stderr is not a terminal (or g is nil). Pass its options to
// the refresh and call end when it is done.
func newIndexProgress(g *Globals) *indexProgress {
	if g == nil || !liveTerminal(g.Stderr) {
		return nil
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	l := &indexProgress{w: g.Stderr, plain: noColor, start: time.Now(), stop: make(chan struct{})}
	l.done.Add(1)
	go l.loop()
	return l
}

// attach makes rd report its refreshes to l (nothing for nil).
func (l *indexProgress) attach(rd *app.Reader) {
	if l == nil {
		return
	}
	rd.Progress, rd.Refreshed = l.update, l.end
}

func (l *indexProgress) update(p index.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p.Source == l.p.Source && p.Items < l.p.Items {
		return // reports can come from several goroutines out of order
	}
	if p.Source == l.p.Source && p.Items == l.p.Items && p.Snapshots < l.p.Snapshots {
		return
	}
	l.p = p
}

func (l *indexProgress) loop() {
	defer l.done.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			if time.Since(l.start) >= progressDelay {
				l.mu.Lock()
				l.draw(progressText(l.p, time.Since(l.start)))
				l.mu.Unlock()
			}
		}
	}
}

// progressText is the line for p after elapsed.
func progressText(p index.Progress, elapsed time.Duration) string {
	if p.Source == "" {
		return ""
	}
	s := fmt.Sprintf("hoard: indexing %s: %d/%d snapshots", p.Source, p.Snapshots, p.OfSnapshots)
	if p.OfItems > 0 {
		s += fmt.Sprintf(", %d/%d items", p.Items, p.OfItems)
	}
	return s + ", " + elapsed.Round(100*time.Millisecond).String()
}

// draw replaces the line on the screen with s ("" clears it).
func (l *indexProgress) draw(s string) {
	switch {
	case !l.plain:
		fmt.Fprint(l.w, "\r\033[K"+s)
	case s == "":
		fmt.Fprint(l.w, "\r"+strings.Repeat(" ", l.drawn)+"\r")
	default: // spaces over what is left of a longer line
		fmt.Fprint(l.w, "\r"+s+strings.Repeat(" ", max(0, l.drawn-len(s))))
	}
	l.drawn = len(s)
}

// end stops redrawing and clears the line; later calls do nothing.
func (l *indexProgress) end() {
	if l == nil {
		return
	}
	l.endOnce.Do(l.finish)
}

func (l *indexProgress) finish() {
	close(l.stop)
	l.done.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn > 0 {
		l.draw("")
	}
}
