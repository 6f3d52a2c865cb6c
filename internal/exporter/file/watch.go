package file

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/paths"
)

// DefaultSettle is how long a watched file must have been left unchanged
// before it is imported: a download in progress keeps changing.
const DefaultSettle = time.Minute

// Watcher is the file exporter's watch mode (watch = "~/Downloads/takeout-*.zip"):
// on each run, every file matching the glob that was not imported before
// is imported once, as its own snapshot, stamped with the date its name
// holds or else its modification time. A file still being downloaded is
// left for a later run: one with a browser's partial-download name
// (.crdownload, .part, .download, .partial) or beside such a file, one
// changed within the settle time, a zip whose directory cannot be read
// yet. What was imported is remembered in the state directory (see
// WatchState), so a file is imported once even when it is renamed or
// copied.
//
// A Watcher is run by hoard's glue (each file becomes its own snapshot
// with its own stamp), not as an export.Exporter into one snapshot.
type Watcher struct {
	Pattern string        // the glob, "~" expanded
	Settle  time.Duration // see DefaultSettle
}

func newWatcher(p *Params) (*Watcher, error) {
	if !filepath.IsAbs(p.Watch) && p.Watch != "~" && !strings.HasPrefix(p.Watch, "~/") {
		return nil, fmt.Errorf("watch = %q: give an absolute pattern, or one starting with ~/", p.Watch)
	}
	pattern, err := paths.Expand(p.Watch)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("watch = %q: %v", p.Watch, err)
	}
	w := &Watcher{Pattern: pattern, Settle: DefaultSettle}
	if p.WatchSettle != nil {
		w.Settle = p.WatchSettle.D
	}
	return w, nil
}

// ErrWatchExport is the error of a Watcher used as an exporter.
var ErrWatchExport = errors.New("a watch source imports each new file as its own snapshot: run it with hoard run, hoard up or the daemon")

// Export implements export.Exporter by refusing: see Watcher.
func (w *Watcher) Export(ctx context.Context, _ io.Writer, _ *export.Env) error {
	return export.Permanent(ErrWatchExport)
}

// WatchState is what a watch source remembers: every file it imported
// (or found identical to one it imported).
type WatchState struct {
	Imported []Seen `json:"imported"`
}

// Seen is one file a watch source has imported.
type Seen struct {
	Path     string    `json:"path"`
	Size     int64     `json:"size"`
	Mtime    time.Time `json:"mtime"`
	SHA256   string    `json:"sha256,omitempty"` // of its uncompressed content
	Snapshot string    `json:"snapshot,omitempty"`
}

// seen reports whether the state holds this file as it is now.
func (s *WatchState) seen(path string, info os.FileInfo) bool {
	for _, e := range s.Imported {
		if e.Path == path && e.Size == info.Size() && e.Mtime.Equal(info.ModTime()) {
			return true
		}
	}
	return false
}

// Known returns the snapshot an earlier import stored with this content,
// or "".
func (s *WatchState) Known(sha string) (string, bool) {
	for _, e := range s.Imported {
		if sha != "" && e.SHA256 == sha {
			return e.Snapshot, true
		}
	}
	return "", false
}

// partialSuffixes are the names browsers give downloads in progress.
var partialSuffixes = []string{".crdownload", ".part", ".partial", ".download", ".opdownload", ".tmp"}

func isPartialName(name string) bool {
	lower := strings.ToLower(name)
	for _, s := range partialSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// Pending is a file a run should import.
type Pending struct {
	Path string
	Info os.FileInfo
}

// Skipped is a matching file left for a later run, and why.
type Skipped struct {
	Path, Why string
}

// Candidates lists the files to import now, oldest first, and the ones
// left for later; files in the state are neither.
func (w *Watcher) Candidates(st *WatchState, now time.Time) ([]Pending, []Skipped, error) {
	matches, err := filepath.Glob(w.Pattern)
	if err != nil {
		return nil, nil, err
	}
	var out []Pending
	var later []Skipped
	for _, m := range matches {
		info, err := os.Stat(m)
		if err != nil || !info.Mode().IsRegular() || isPartialName(m) {
			continue
		}
		if st.seen(m, info) {
			continue
		}
		if why := w.incomplete(m, info, now); why != "" {
			later = append(later, Skipped{m, why})
			continue
		}
		out = append(out, Pending{m, info})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Info.ModTime().Before(out[j].Info.ModTime()) })
	return out, later, nil
}

// incomplete says why a file looks like a download in progress, or "".
func (w *Watcher) incomplete(path string, info os.FileInfo, now time.Time) string {
	for _, s := range partialSuffixes {
		if _, err := os.Stat(path + s); err == nil {
			return "a download in progress (" + filepath.Base(path+s) + " is beside it)"
		}
	}
	if age := now.Sub(info.ModTime()); age < w.Settle {
		return fmt.Sprintf("changed %s ago (waiting until it has been left alone for %s)", age.Round(time.Second), w.Settle)
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return "not a complete zip yet (" + err.Error() + ")"
		}
		zr.Close()
	}
	return ""
}

// Unchanged reports whether a file is as Candidates saw it: a file that
// changed while it was imported is not complete.
func Unchanged(p Pending) bool {
	info, err := os.Stat(p.Path)
	return err == nil && info.Size() == p.Info.Size() && info.ModTime().Equal(p.Info.ModTime())
}
