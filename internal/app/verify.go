package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/snapshot"
)

// Verification is what `hoard verify` found in one source's snapshots.
type Verification struct {
	Source string `json:"source"`
	// Checked snapshots were read whole (decompressed to their end, so a
	// compressed file's own checksums were verified too).
	Checked int   `json:"checked"`
	Bytes   int64 `json:"bytes"` // stored bytes read
	// Verified snapshots hold exactly the bytes (SHA-256 and size) the
	// journal recorded when they were written.
	Verified int `json:"verified"`
	// Unrecorded snapshots have no journal record here (written by
	// capture, arctee, another machine): they were only checked to read.
	Unrecorded int `json:"unrecorded"`
	// Missing files were written (the journal says so), not removed by
	// `hoard prune`, and are not there.
	Missing []string `json:"missing,omitempty"`
	// Damaged snapshots cannot be read to their end, or hold other bytes
	// than were written: bit rot, a truncation, a change by hand.
	Damaged []FileProblem `json:"damaged,omitempty"`
	// Elsewhere counts journal records of files outside the source's
	// directory (the root moved since): not checked.
	Elsewhere int `json:"outside_directory,omitempty"`
	// Quick: only the presence and size of the files were checked (the
	// doctor's summary), not their content.
	Quick bool      `json:"quick,omitempty"`
	Time  time.Time `json:"time"`
}

// FileProblem is one damaged snapshot.
type FileProblem struct {
	Path    string `json:"path"`
	Problem string `json:"problem"`
}

// OK reports whether nothing is missing or damaged.
func (v *Verification) OK() bool { return len(v.Missing) == 0 && len(v.Damaged) == 0 }

// Problems counts the files missing or damaged.
func (v *Verification) Problems() int { return len(v.Missing) + len(v.Damaged) }

// Verify checks every snapshot of the named sources (all when none): each
// is read whole and, where the journal recorded its writing, its SHA-256
// and size are compared with the record; files the journal says were
// written (and `hoard prune` did not remove) and that cannot be found are
// reported missing. The results are recorded for `hoard doctor`.
func (a *App) Verify(ctx context.Context, names []string) ([]Verification, error) {
	return a.verify(ctx, names, false)
}

// QuickVerify is Verify without reading the snapshots: missing files and
// files whose size is not what was written.
func (a *App) QuickVerify(ctx context.Context, names []string) ([]Verification, error) {
	return a.verify(ctx, names, true)
}

func (a *App) verify(ctx context.Context, names []string, quick bool) ([]Verification, error) {
	names, err := a.Names(names)
	if err != nil {
		return nil, err
	}
	entries, _, err := (&journal.Journal{Path: a.Layout.Journal()}).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reading the journal: %w", err)
	}
	store := snapshot.New(a.Config.Root)
	var out []Verification
	for _, n := range names {
		l, err := store.ListSource(n, a.Config.Sources[n].Host != "")
		if err != nil {
			return nil, err
		}
		dir, _ := store.Dir(n)
		v := verifySource(ctx, n, dir, l, expected(entries, n), quick)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if !quick {
		if err := a.saveVerifications(out); err != nil {
			return out, fmt.Errorf("recording the verification for hoard doctor: %w", err)
		}
	}
	return out, nil
}

// expected returns the snapshots of source the journal says were written
// and are still meant to exist (not pruned since), by path, with the
// record of their writing.
func expected(entries []journal.Entry, source string) map[string]journal.Entry {
	out := map[string]journal.Entry{}
	for _, e := range entries {
		if e.Source != source || e.Path == "" {
			continue
		}
		switch {
		case e.Outcome == journal.Pruned:
			delete(out, e.Path)
		case e.SHA256 != "": // written (a run whose state could not be saved still wrote it)
			if _, seen := out[e.Path]; !seen || e.Outcome != journal.Unchanged {
				out[e.Path] = e
			}
		}
	}
	return out
}

// verifySource checks one source's listing against the journal's record.
func verifySource(ctx context.Context, source, dir string, l snapshot.Listing, want map[string]journal.Entry, quick bool) Verification {
	v := Verification{Source: source, Quick: quick, Time: time.Now().UTC()}
	present := map[string]bool{}
	for _, s := range l.Snapshots {
		present[s.Path] = true
	}
	for _, u := range l.Undatable {
		present[u.Path] = true
	}
	for p := range want {
		switch {
		case !strings.HasPrefix(p, dir+"/"):
			v.Elsewhere++
			delete(want, p)
		case !present[p]:
			if ok, err := existsAnyway(p); err == nil && !ok {
				v.Missing = append(v.Missing, p)
			}
		}
	}
	sort.Strings(v.Missing)
	type result struct {
		problem  string
		verified bool
		recorded bool
	}
	results := make([]result, len(l.Snapshots))
	var wg sync.WaitGroup
	var next sync.Mutex
	i := 0
	for range min(runtime.GOMAXPROCS(0), 4) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= len(l.Snapshots) {
					return
				}
				s := l.Snapshots[k]
				e, recorded := want[s.Path]
				results[k] = result{recorded: recorded}
				results[k].problem, results[k].verified = check(s, e, recorded, quick)
			}
		}()
	}
	wg.Wait()
	for k, r := range results {
		s := l.Snapshots[k]
		if !quick {
			v.Checked++
			v.Bytes += s.Size
		}
		switch {
		case r.problem != "":
			v.Damaged = append(v.Damaged, FileProblem{Path: s.Path, Problem: r.problem})
		case r.verified:
			v.Verified++
		case !r.recorded && !quick:
			v.Unrecorded++
		}
	}
	return v
}

// existsAnyway tells whether a file the listing did not show is there
// after all (a hidden or moved-in file); errors count as "cannot tell".
func existsAnyway(p string) (bool, error) {
	if snapshot.IsRemote(p) {
		return false, nil // the listing is the object store's answer
	}
	_, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// check reads one snapshot whole (unless quick) and compares it with the
// record of its writing, if any. It returns the problem found, or
// whether it was verified against the record.
func check(s snapshot.Snapshot, e journal.Entry, recorded, quick bool) (problem string, verified bool) {
	if recorded && e.StoredBytes > 0 && e.StoredBytes != s.Size {
		return fmt.Sprintf("%d bytes on disk, %d when it was written", s.Size, e.StoredBytes), false
	}
	if quick {
		return "", false
	}
	sum, n, err := snapshot.Digest(s.Path)
	if err != nil {
		return "cannot be read to its end: " + strings.TrimPrefix(err.Error(), s.Path+": "), false
	}
	if !recorded {
		return "", false
	}
	if sum != e.SHA256 || n != e.Bytes {
		return fmt.Sprintf("its content (%d bytes, SHA-256 %s) is not what was written (%d bytes, SHA-256 %s)", n, short(sum), e.Bytes, short(e.SHA256)), false
	}
	return "", true
}

func short(sum string) string {
	if len(sum) > 16 {
		return sum[:16] + "..."
	}
	return sum
}

// CheckStorage adds to the doctor's reports on configured sources the
// quick check of their files against the journal (missing files, sizes
// that changed) and the last full `hoard verify`.
func (a *App) CheckStorage(ctx context.Context, reports []Checkup) error {
	names := make([]string, 0, len(reports))
	for _, c := range reports {
		names = append(names, c.Source)
	}
	vs, err := a.QuickVerify(ctx, names)
	if err != nil {
		return err
	}
	last := a.LastVerifications()
	for i := range reports {
		v := vs[i]
		sc := &StorageCheck{Missing: v.Missing, Damaged: v.Damaged}
		if lv, ok := last[v.Source]; ok {
			sc.LastVerify = &lv
		}
		reports[i].Storage = sc
	}
	return nil
}

// LastVerify is the record of the last full verification of a source.
type LastVerify struct {
	Time     time.Time `json:"time"`
	Checked  int       `json:"checked"`
	Problems int       `json:"problems"`
}

func (a *App) saveVerifications(vs []Verification) error {
	last := a.LastVerifications()
	for _, v := range vs {
		last[v.Source] = LastVerify{Time: v.Time, Checked: v.Checked, Problems: v.Problems()}
	}
	b, err := json.MarshalIndent(last, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(a.Layout.VerifyState(), b, 0o600)
}

// LastVerifications returns the last full verification of each source
// (none when `hoard verify` never ran, or its record cannot be read).
func (a *App) LastVerifications() map[string]LastVerify {
	out := map[string]LastVerify{}
	b, err := os.ReadFile(a.Layout.VerifyState())
	if err == nil {
		json.Unmarshal(b, &out)
	}
	return out
}
