// Package journal records every run of every source as one JSON line in
// $XDG_STATE_HOME/hoard/journal.jsonl, apart from the snapshot files. Each
// append is a single write(2) on an O_APPEND file under an flock, fsynced,
// so concurrent runs never interleave lines. An append is whole or nothing:
// one that fails (a full disk) is truncated away, and a torn last line left
// by a crash is cut off, with a warning, before the next append, so that
// no record is ever glued to a broken one.
package journal

import (
	"bufio"
	"bytes"
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
	// Original is the file a snapshot was imported from (hoard import, a
	// watch source), by its absolute path.
	Original string `json:"original,omitempty"`
	Error    string `json:"error,omitempty"` // redacted
}

// Journal is the file of entries. It is safe for concurrent use by many
// processes.
type Journal struct {
	Path string
	// Warn is told about damage mended while appending (a torn last
	// line cut off); nil: not told.
	Warn func(msg string)
}

func marshalLine(e Entry) ([]byte, error) {
	line, err := json.Marshal(e)
	return append(line, '\n'), err
}

// Append durably adds e, whole or not at all: when the line cannot be
// written and synced whole, the file is truncated back to its previous
// size and the error returned.
func (j *Journal) Append(e Entry) error {
	line, err := marshalLine(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(j.Path), 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(j.Path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("journal %s: %w", j.Path, err)
	}
	size, err := j.mendTail(f)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.Path, err)
	}
	_, werr := f.Write(line)
	if werr == nil {
		werr = f.Sync()
	}
	if werr != nil {
		// Leave nothing of the line; if even that fails, the next append
		// cuts the torn tail off.
		if err := f.Truncate(size); err == nil {
			f.Sync()
		}
		return fmt.Errorf("journal %s: the run could not be recorded: %w", j.Path, werr)
	}
	return nil
}

// mendTail cuts off a last line without its newline (a crashed or failed
// append of an older version) and returns the file's size after it. The
// caller holds the lock.
func (j *Journal) mendTail(f *os.File) (int64, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := info.Size()
	if size == 0 {
		return 0, nil
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return 0, err
	}
	if last[0] == '\n' {
		return size, nil
	}
	// Find the end of the last whole line, reading backwards.
	buf := make([]byte, 64<<10)
	end := int64(0)
	for off := size; off > 0 && end == 0; {
		n := min(off, int64(len(buf)))
		off -= n
		if _, err := f.ReadAt(buf[:n], off); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = off + int64(i) + 1
		}
	}
	torn := size - end
	if err := f.Truncate(end); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	if j.Warn != nil {
		j.Warn(fmt.Sprintf("journal %s: removed an incomplete last record (%d bytes, from a crash or a full disk)", j.Path, torn))
	}
	return end, nil
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
		for _, part := range records(sc.Bytes()) {
			var e Entry
			if err := json.Unmarshal(part, &e); err != nil {
				bad = append(bad, fmt.Errorf("%s:%d: damaged journal record skipped: %v", j.Path, n, err))
				continue
			}
			entries = append(entries, e)
		}
	}
	return entries, bad, sc.Err()
}

// recordStart begins every line Append writes. Inside a record it cannot
// occur: quotes within strings are escaped.
var recordStart = []byte(`{"source":`)

// records splits a line into records: a torn record that an older version
// left glued to the next one is its own part.
func records(line []byte) [][]byte {
	var parts [][]byte
	for {
		i := bytes.Index(line[min(1, len(line)):], recordStart)
		if i < 0 {
			return append(parts, line)
		}
		parts = append(parts, line[:i+1])
		line = line[i+1:]
	}
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
