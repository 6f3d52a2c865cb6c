package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/bytesize"
	"github.com/hoard-dev/hoard/snapshot"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal: output for a person.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// liveTerminal reports whether w is a terminal that understands control
// sequences (a carriage return and "erase line"): not TERM=dumb (Emacs
// shell buffers, some CI logs), nor a terminal with no TERM at all.
func liveTerminal(w io.Writer) bool {
	t := os.Getenv("TERM")
	return t != "" && t != "dumb" && isTerminal(w)
}

// terminalWidth is w's width in columns, or 0 when unknown.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
			return cols
		}
	}
	return 0
}

// reporter shows export progress to a person. On a live terminal it
// redraws one status line (each running source, bytes so far, elapsed)
// several times a second and keeps every other line above it; elsewhere
// (a file, a pipe, TERM=dumb) it writes plain lines and no control
// sequence ever. It implements export.Observer and io.Writer (for
// exporter stderr), and is safe for concurrent use by several runs.
type reporter struct {
	mu      sync.Mutex
	w       io.Writer
	live    bool // redraw a status line (a live terminal, not quiet)
	events  bool // print "exporting" and "saved" lines
	quiet   bool // -q: no retry notices either, failures only
	width   int  // terminal width; 0 unknown
	current []*export.Attempt
	drawn   bool
	stop    chan struct{}
	done    sync.WaitGroup
}

// reporterMode says what a reporter shows.
type reporterMode int

const (
	showAll       reporterMode = iota // progress and a line per event
	showOnTTY                         // progress and success only on a terminal (capture: cron stays silent)
	showErrorOnly                     // -q: failures only
)

func newReporter(w io.Writer, mode reporterMode) *reporter {
	r := &reporter{w: w, stop: make(chan struct{})}
	tty := isTerminal(w)
	switch mode {
	case showAll:
		r.events = true
		r.live = liveTerminal(w)
	case showOnTTY:
		r.events = tty
		r.live = liveTerminal(w)
	case showErrorOnly:
		r.quiet = true
	}
	if r.live {
		r.width = terminalWidth(w)
		r.done.Add(1)
		go r.loop()
	}
	return r
}

func (r *reporter) loop() {
	defer r.done.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			r.draw()
			r.mu.Unlock()
		}
	}
}

// Close stops redrawing and clears the status line.
func (r *reporter) Close() {
	close(r.stop)
	r.done.Wait()
	r.mu.Lock()
	r.clear()
	r.mu.Unlock()
}

// draw redraws the status line, cut to the terminal's width so that it
// never wraps (a wrapped line could not be erased).
func (r *reporter) draw() {
	if !r.live || len(r.current) == 0 {
		return
	}
	parts := make([]string, len(r.current))
	for i, a := range r.current {
		parts[i] = attemptStatus(a)
	}
	line := strings.Join(parts, " · ")
	if r.width > 1 && utf8.RuneCountInString(line) > r.width-1 {
		line = clip(line, r.width-1)
	}
	fmt.Fprintf(r.w, "\r\033[K%s", line)
	r.drawn = true
}

// attemptStatus is one source's part of the status line.
func attemptStatus(a *export.Attempt) string {
	attempt := ""
	if a.Of > 1 {
		attempt = fmt.Sprintf(" (attempt %d/%d)", a.N, a.Of)
	}
	counts := ""
	if p := a.Pages(); p > 0 {
		counts = fmt.Sprintf(", %d pages, %d items", p, a.Items())
	}
	return fmt.Sprintf("%s: %s%s, %s%s", a.Source, bytesize.Format(a.Bytes()), counts, time.Since(a.Start).Round(100*time.Millisecond), attempt)
}

func (r *reporter) clear() {
	if r.drawn {
		fmt.Fprint(r.w, "\r\033[K")
		r.drawn = false
	}
}

// Write passes an exporter's stderr through, above the status line.
func (r *reporter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clear()
	return r.w.Write(p)
}

// line prints one message line.
func (r *reporter) line(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clear()
	fmt.Fprintf(r.w, format+"\n", args...)
}

// AttemptStarted implements export.Observer.
func (r *reporter) AttemptStarted(a *export.Attempt) {
	r.mu.Lock()
	r.current = append(r.current, a)
	r.mu.Unlock()
	if !r.live && r.events && a.N == 1 {
		r.line("%s: exporting", a.Source)
	}
}

// AttemptEnded implements export.Observer.
func (r *reporter) AttemptEnded(a *export.Attempt, res *snapshot.Result, err error) {
	r.mu.Lock()
	r.current = slices.DeleteFunc(r.current, func(c *export.Attempt) bool { return c == a })
	r.mu.Unlock()
	took := time.Since(a.Start).Round(10 * time.Millisecond)
	switch {
	case err != nil && a.N < a.Of:
		r.line("%s: attempt %d/%d failed after %s: %v", a.Source, a.N, a.Of, took, err)
	case err != nil:
		// The final failure is reported once by the command.
	case a.Unchanged() && r.events:
		r.line("%s: unchanged: the same %s as %s, no new file (%s)", a.Source, bytesize.Format(res.Bytes), res.Path, took)
	case r.events:
		r.line("%s: saved %s (%s, %s)", a.Source, res.Path, bytesize.Format(res.Bytes), took)
	}
}

// Retrying implements export.Observer.
func (r *reporter) Retrying(a *export.Attempt, wait time.Duration) {
	if r.quiet {
		return
	}
	r.line("%s: retrying in %s", a.Source, wait.Round(100*time.Millisecond))
}
