// Package journal records every run of every source as one JSON line in
// $XDG_STATE_HOME/hoard/journal.jsonl, apart from the snapshot files. Each
// append is a single write(2) on an O_APPEND file under an flock, fsynced,
// so concurrent runs never interleave lines.
package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// Outcomes of a run.
const (
	OK          = "ok"
	Failed      = "failed"
	TimedOut    = "timeout"
	Interrupted = "interrupted"
	Locked      = "locked"
)

// Entry is one run of one source.
type Entry struct {
	Source      string    `json:"source"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Outcome     string    `json:"outcome"`
	Attempts    int       `json:"attempts"`
	Path        string    `json:"path,omitempty"`         // the snapshot written
	Bytes       int64     `json:"bytes,omitempty"`        // uncompressed
	StoredBytes int64     `json:"stored_bytes,omitempty"` // on disk
	SHA256      string    `json:"sha256,omitempty"`       // of the uncompressed bytes
	Error       string    `json:"error,omitempty"`        // redacted
}

// Journal is the file of entries. It is safe for concurrent use by many
// processes.
type Journal struct{ Path string }

// Open returns the journal in stateDir (the file need not exist yet).
func Open(stateDir string) *Journal {
	return &Journal{Path: filepath.Join(stateDir, "journal.jsonl")}
}

// Append durably adds e.
func (j *Journal) Append(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if err := os.MkdirAll(filepath.Dir(j.Path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(j.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("journal %s: %w", j.Path, err)
	}
	return f.Sync()
}

// ReadAll returns every entry in order. A damaged line (say, from a full
// disk) is skipped and reported in the returned error list; the rest is
// still returned.
func (j *Journal) ReadAll() ([]Entry, []error, error) {
	f, err := os.Open(j.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var (
		entries []Entry
		bad     []error
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			bad = append(bad, fmt.Errorf("%s:%d: damaged journal line skipped: %v", j.Path, n, err))
			continue
		}
		entries = append(entries, e)
	}
	return entries, bad, sc.Err()
}

// Summary is what the journal says about one source.
type Summary struct {
	LastAttempt *Entry // newest entry of any outcome except "locked"
	LastSuccess *Entry // newest "ok" entry
	Runs        int
	Failures    int // consecutive failures since the last success
}

// Summarize groups entries by source.
func Summarize(entries []Entry) map[string]*Summary {
	out := map[string]*Summary{}
	for i := range entries {
		e := &entries[i]
		if e.Outcome == Locked {
			continue
		}
		s := out[e.Source]
		if s == nil {
			s = &Summary{}
			out[e.Source] = s
		}
		s.Runs++
		s.LastAttempt = e
		if e.Outcome == OK {
			s.LastSuccess = e
			s.Failures = 0
		} else {
			s.Failures++
		}
	}
	return out
}
