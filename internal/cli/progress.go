package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/snapshot"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// reporter shows export progress to a person. On a terminal it redraws one
// status line (source, bytes so far, elapsed) several times a second and
// keeps the exporter's own stderr above it; elsewhere it writes plain log
// lines. It implements export.Observer and io.Writer (for exporter stderr).
type reporter struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	quiet   bool // no success lines (capture under cron stays silent)
	current *export.Attempt
	drawn   bool
	stop    chan struct{}
	done    sync.WaitGroup
}

func newReporter(w io.Writer, quiet bool) *reporter {
	r := &reporter{w: w, tty: isTerminal(w), quiet: quiet, stop: make(chan struct{})}
	if r.tty {
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

func (r *reporter) draw() {
	a := r.current
	if a == nil {
		return
	}
	attempt := ""
	if a.Of > 1 {
		attempt = fmt.Sprintf(" (attempt %d/%d)", a.N, a.Of)
	}
	counts := ""
	if p := a.Pages(); p > 0 {
		counts = fmt.Sprintf(", %d pages, %d items", p, a.Items())
	}
	fmt.Fprintf(r.w, "\r\033[K%s: %s%s, %s%s", a.Source, humanBytes(a.Bytes()), counts, time.Since(a.Start).Round(100*time.Millisecond), attempt)
	r.drawn = true
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
	r.current = a
	r.mu.Unlock()
	if !r.tty && !r.quiet && a.N == 1 {
		r.line("%s: exporting", a.Source)
	}
}

// AttemptEnded implements export.Observer.
func (r *reporter) AttemptEnded(a *export.Attempt, res *snapshot.Result, err error) {
	r.mu.Lock()
	r.current = nil
	r.mu.Unlock()
	took := time.Since(a.Start).Round(10 * time.Millisecond)
	switch {
	case err != nil && a.N < a.Of:
		r.line("%s: attempt %d/%d failed after %s: %v", a.Source, a.N, a.Of, took, err)
	case err != nil:
		// The final failure is reported once by the command.
	case a.Unchanged() && (!r.quiet || r.tty):
		r.line("%s: unchanged: the same %s as %s, no new file (%s)", a.Source, humanBytes(res.Bytes), res.Path, took)
	case !r.quiet || r.tty:
		r.line("%s: saved %s (%s, %s)", a.Source, res.Path, humanBytes(res.Bytes), took)
	}
}

// Retrying implements export.Observer.
func (r *reporter) Retrying(a *export.Attempt, wait time.Duration) {
	r.line("%s: retrying in %s", a.Source, wait.Round(100*time.Millisecond))
}

// humanBytes formats a byte count with binary units.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
