package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
)

// Pruner removes snapshots whose removal changes nothing that reading
// their source yields (see dal.Redundant): it decides, checks, and with
// Apply moves them to the trash (or deletes them), recording each removal
// in the journal.
type Pruner struct {
	Layout  paths.Layout
	Journal *journal.Journal // nil: removals are not recorded (no config)
	// Host is this machine's name: a per-host source prunes only the
	// snapshots of its directory.
	Host   string
	Apply  bool // act; otherwise report what would go
	Delete bool // with Apply: delete instead of moving to the trash
	// Lock takes each source's run lock while pruning it, so that no run
	// writes a snapshot meanwhile (configured sources).
	Lock bool
}

// Pruner returns the pruner of the app's sources.
func (a *App) Pruner(apply, del bool) *Pruner {
	return &Pruner{Layout: a.Layout, Journal: &journal.Journal{Path: a.Layout.Journal()}, Host: a.Config.Host, Apply: apply, Delete: del, Lock: true}
}

// PruneReport is what pruning one source did (or, in a dry run, would do).
type PruneReport struct {
	Source    string `json:"source"`
	Snapshots int    `json:"snapshots"`
	// Removed are the snapshots that go (went, with Apply).
	Removed []PrunedFile `json:"removed"`
	// Kept counts the snapshots that stay, by reason.
	Kept       map[string]int `json:"kept"`
	BytesFreed int64          `json:"bytes_freed"`
	Items      int            `json:"items_compared"`
	Versions   int            `json:"versions_compared"`
	Applied    bool           `json:"applied"`
	// Skipped: the source is never pruned (its snapshots have no
	// decoder); not an error.
	Skipped string `json:"skipped,omitempty"`
	// Error: the source was not pruned (locked, the check failed) or a
	// removal failed; what was done before is in Removed.
	Error string `json:"error,omitempty"`
}

// PrunedFile is one snapshot removed.
type PrunedFile struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"` // on disk
	Reason string `json:"reason"`
	Trash  string `json:"trash,omitempty"` // where it went; "" when deleted (or in a dry run)
}

// Prune prunes each target in turn; a source that cannot be pruned has
// its Error set and the others are pruned.
func (p *Pruner) Prune(ctx context.Context, ts []Target) ([]PruneReport, error) {
	var out []PruneReport
	for _, t := range ts {
		r := p.prune(ctx, t)
		if err := ctx.Err(); err != nil {
			return append(out, r), err
		}
		out = append(out, r)
	}
	return out, nil
}

func (p *Pruner) prune(ctx context.Context, t Target) PruneReport {
	r := PruneReport{Source: t.Spec.Source, Kept: map[string]int{}, Removed: []PrunedFile{}}
	if p.Lock {
		l, err := lock.TryAcquire(p.Layout.Lock(t.Spec.Source))
		if err != nil {
			r.Error = fmt.Sprintf("not pruned: %v", err)
			return r
		}
		defer l.Release()
	}
	snaps, _, err := t.list()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Snapshots = len(snaps)
	opt := dal.PruneOptions{KeepGaps: t.WantsGaps()}
	if t.PerHost {
		host := p.Host
		opt.Candidate = func(s snapshot.Snapshot) bool { return s.Host == host && host != "" }
	}
	plan, err := dal.Redundant(ctx, t.Spec, snaps, opt)
	if errors.Is(err, dal.ErrNoDecoder) {
		r.Skipped = err.Error()
		return r
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Items, r.Versions = plan.Items, plan.Versions
	for _, v := range plan.Verdicts {
		if !v.Remove {
			r.Kept[keptCategory(v.Reason)]++
		}
	}
	for _, v := range plan.Removed() {
		f := PrunedFile{Path: v.Snapshot.Path, Bytes: v.Snapshot.Size, Reason: v.Reason}
		if p.Apply {
			if err := p.remove(t, v.Snapshot, &f); err != nil {
				r.Error = err.Error()
				break
			}
		}
		r.Removed = append(r.Removed, f)
		r.BytesFreed += f.Bytes
	}
	r.Applied = p.Apply && r.Error == ""
	return r
}

// keptCategory shortens a reason to stay ("kept: the newest snapshot of
// laptop") to its kind, for the summary.
func keptCategory(reason string) string {
	reason = strings.TrimPrefix(reason, "kept: ")
	for _, c := range []struct{ prefix, category string }{
		{"it holds the first sighting", "first sighting of an item"},
		{"it holds the last copy", "last copy of an item version"},
		{"the first snapshot", "first snapshot"},
		{"the newest snapshot", "newest snapshot"},
		{"it cannot be read", "cannot be read whole"},
		{"next to", "next to one that cannot be read"},
		{"another machine", "another machine's"},
		{"without it, gap detection", "would open a gap"},
	} {
		if strings.HasPrefix(reason, c.prefix) {
			return c.category
		}
	}
	return reason
}

// remove moves a snapshot to the trash (or deletes it) and records it in
// the journal. The journal entry follows the removal: if it cannot be
// written, the error says so and where the file went.
func (p *Pruner) remove(t Target, s snapshot.Snapshot, f *PrunedFile) error {
	start := time.Now()
	if p.Delete {
		if err := snapshot.Remove(s.Path); err != nil {
			return fmt.Errorf("removing %s: %w", s.Path, err)
		}
	} else {
		dst, err := snapshot.MoveTo(s.Path, p.Layout.Trash(t.Spec.Source, s.Host))
		if err != nil {
			return fmt.Errorf("moving %s to the trash: %w", s.Path, err)
		}
		f.Trash = dst
	}
	if p.Journal == nil {
		return nil
	}
	e := journal.Entry{Source: t.Spec.Source, Start: start.UTC(), End: time.Now().UTC(), Outcome: journal.Pruned,
		Path: s.Path, StoredBytes: s.Size, Reason: f.Reason, Trash: f.Trash}
	if err := p.Journal.Append(e); err != nil {
		where := "it was deleted"
		if f.Trash != "" {
			where = "it is in " + f.Trash
		}
		return fmt.Errorf("%s was removed (%s) but the journal could not record it: %w (hoard verify will report it missing)", s.Path, where, err)
	}
	return nil
}

// PruneErrors sums up the sources that could not be pruned.
func PruneErrors(rs []PruneReport) error {
	var bad []string
	for _, r := range rs {
		if r.Error != "" {
			bad = append(bad, r.Source)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return errors.New("not pruned (or not wholly): " + strings.Join(bad, ", "))
}
