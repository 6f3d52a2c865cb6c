package dal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/snapshot"
)

// Pruning: which snapshots of a source can be removed without changing
// anything that reading it yields.
//
// A snapshot can go when every item it holds was seen in an earlier
// snapshot (so no item's first sighting is in it), and every version of
// an item it holds (its exact bytes) is also in a later snapshot (so no
// item's last sighting, newest version or any version at all exists only
// in it). Removing all such snapshots at once keeps, for every item, the
// snapshot of its first sighting and the snapshot of its last sighting
// (which holds its newest version), and for every version ever seen the
// last snapshot holding it. That is checked, not assumed: both merges
// (with and without the snapshots) are computed and compared item by item
// (kind, key, newest version byte for byte, time, first and last
// sighting with their snapshot and position), for both merge styles, and
// the distinct versions are counted both ways. If anything differs,
// nothing is removed.

// PruneOptions tune Redundant.
type PruneOptions struct {
	// Candidate says which snapshots may be removed at all (a per-host
	// source removes only this machine's); nil: any.
	Candidate func(snapshot.Snapshot) bool
	// KeepGaps: no removal may make gap detection (Gaps) find a gap it
	// does not find now. Set it for sources whose gaps are looked for.
	KeepGaps bool
	// Workers is how many snapshots are decoded at once; 0: GOMAXPROCS.
	Workers int
}

// Verdict is the decision on one snapshot.
type Verdict struct {
	Snapshot snapshot.Snapshot
	Remove   bool
	Reason   string // why it can go, or why it stays
}

// Pruning is what Redundant decided, with what it compared.
type Pruning struct {
	Verdicts []Verdict // one per snapshot, in order
	Items    int       // merged items, the same with and without the removed snapshots
	Versions int       // distinct item versions, the same both ways
}

// Removed returns the snapshots to remove.
func (p *Pruning) Removed() []Verdict {
	var out []Verdict
	for _, v := range p.Verdicts {
		if v.Remove {
			out = append(out, v)
		}
	}
	return out
}

// ErrNotLossless is wrapped by the error of a pruning whose check found
// that the merge without the chosen snapshots differs: nothing may be
// removed (and it is a bug worth reporting).
var ErrNotLossless = errors.New("the merged result without these snapshots would differ")

// ErrNoDecoder is wrapped by the error of a source whose snapshots have no
// decoder: what they hold cannot be compared, so none may be removed.
var ErrNoDecoder = errors.New("no decoder")

type noDecoderError struct{ msg string }

func (e noDecoderError) Error() string        { return e.msg }
func (e noDecoderError) Is(target error) bool { return target == ErrNoDecoder }

// Redundant decides which of snaps (a source's snapshots in time order,
// as snapshot.ListDir or ListTree return them) can be removed without
// changing what reading the source yields with spec, by either merge
// style. The first and the newest snapshot of each directory (each host's
// for a per-host source) always stay, and so do a snapshot that cannot be
// read whole and its neighbours. It reads every snapshot twice; memory
// holds the merged items twice.
func Redundant(ctx context.Context, spec Spec, snaps []snapshot.Snapshot, opt PruneOptions) (*Pruning, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	for _, s := range snaps {
		if _, err := decoderFor(&spec, s); err != nil {
			return nil, noDecoderError{fmt.Sprintf("%s: %v: what its snapshots hold cannot be compared, so none is removed", s.Path, err)}
		}
	}
	spec.Merge = Union
	p := &Pruning{Verdicts: make([]Verdict, len(snaps))}
	for i, s := range snaps {
		p.Verdicts[i] = Verdict{Snapshot: s}
	}
	if len(snaps) == 0 {
		return p, nil
	}
	// The snapshots' time ranges (for KeepGaps) are gathered by the
	// version index, which reads each distinct version's time once,
	// rather than by the merge, which would read every record's.
	mopt := Options{Workers: opt.Workers, LazyText: true}
	versions := newVersionIndex(len(snaps))
	if opt.KeepGaps && spec.HasTime() {
		versions.withRanges(&spec)
	}
	all, err := merge(ctx, spec, snaps, mopt, versions.add)
	if err != nil {
		return nil, err
	}
	if versions.ranges != nil {
		for i := range all.Files {
			all.Files[i].Ranges = versions.ranges[i]
		}
	}
	p.Items, p.Versions = len(all.Items)+len(all.Invalid), versions.count()
	j := judge(all, versions, opt)
	if opt.KeepGaps {
		j.keepGaps(all)
	}
	for i := range p.Verdicts {
		p.Verdicts[i].Remove, p.Verdicts[i].Reason = j.verdict(i)
	}
	if len(p.Removed()) == 0 {
		return p, nil
	}
	// Only a digest of every merged item is kept for the comparison, so
	// that memory holds one merge at a time.
	want := digestMerge(all)
	all = nil
	if err := check(ctx, spec, snaps, p, want, versions.count(), mopt); err != nil {
		for i := range p.Verdicts {
			p.Verdicts[i].Remove, p.Verdicts[i].Reason = false, "kept: the check of the pruning failed"
		}
		return p, err
	}
	return p, nil
}

// judgement holds why each snapshot must stay.
type judgement struct {
	snaps    []snapshot.Snapshot
	fixed    []string // a reason that settles it (first, newest, unreadable, ...)
	firsts   []int    // items first seen in it
	lasts    []int    // versions whose last copy it holds
	gap      []bool   // removing it (with the others) opens a gap
	removing []bool
}

func judge(all *Result, versions *versionIndex, opt PruneOptions) *judgement {
	n := len(all.Files)
	j := &judgement{fixed: make([]string, n), firsts: make([]int, n), lasts: make([]int, n), gap: make([]bool, n), removing: make([]bool, n)}
	for _, f := range all.Files {
		j.snaps = append(j.snaps, f.Snapshot)
	}
	// An unreadable snapshot and its neighbours stay: what it held is
	// not known, so neither is whether they are redundant.
	bad := make([]error, n)
	for i, f := range all.Files {
		switch {
		case len(f.Errors) > 0:
			bad[i] = f.Errors[0]
		case versions.invalid[i] > 0:
			bad[i] = &ReadError{File: f.Snapshot.Path, Err: fmt.Errorf("%d item(s) are not valid JSON", versions.invalid[i])}
		}
	}
	for _, list := range [][]Merged{all.Items, all.Invalid} {
		for _, it := range list {
			j.firsts[it.First.Snap]++
		}
	}
	for _, last := range versions.lasts() {
		j.lasts[last]++
	}
	for i, err := range bad {
		if err == nil {
			continue
		}
		j.fixed[i] = "kept: it cannot be read whole: " + firstLine(err.Error())
		for _, k := range []int{i - 1, i + 1} {
			if k >= 0 && k < n && j.fixed[k] == "" && bad[k] == nil {
				j.fixed[k] = "kept: next to " + j.snaps[i].Path + ", which cannot be read whole"
			}
		}
	}
	first, newest := map[string]int{}, map[string]int{}
	for i, s := range j.snaps {
		if _, ok := first[s.Host]; !ok {
			first[s.Host] = i
		}
		newest[s.Host] = i
	}
	for host, i := range first {
		j.fixed[i] = firstNonEmpty(j.fixed[i], "kept: the first snapshot"+ofHost(host))
	}
	for host, i := range newest {
		j.fixed[i] = firstNonEmpty(j.fixed[i], "kept: the newest snapshot"+ofHost(host))
	}
	for i, s := range j.snaps {
		if opt.Candidate != nil && !opt.Candidate(s) {
			j.fixed[i] = firstNonEmpty(j.fixed[i], "kept: another machine's snapshot")
		}
		j.removing[i] = j.fixed[i] == "" && j.firsts[i] == 0 && j.lasts[i] == 0
	}
	return j
}

func ofHost(host string) string {
	if host == "" {
		return ""
	}
	return " of " + host
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// keepGaps puts back removed snapshots until gap detection over the kept
// ones finds exactly the gaps it finds over all of them. Each snapshot's
// time ranges are its own, so this needs no further reading.
func (j *judgement) keepGaps(all *Result) {
	type gapKey struct {
		kind     string
		from, to int64
	}
	key := func(g Gap) gapKey { return gapKey{g.Kind, g.From.UnixNano(), g.To.UnixNano()} }
	have := map[gapKey]int{}
	for _, g := range Gaps(all.Files) {
		have[key(g)]++
	}
	index := map[string]int{}
	for i, s := range j.snaps {
		index[s.Path] = i
	}
	for {
		var kept []FileStat
		for i, f := range all.Files {
			if !j.removing[i] {
				kept = append(kept, f)
			}
		}
		seen := map[gapKey]int{}
		restored := false
		for _, g := range Gaps(kept) {
			k := key(g)
			if seen[k]++; seen[k] <= have[k] {
				continue
			}
			for i := index[g.Before] + 1; i < index[g.After]; i++ {
				if j.removing[i] {
					j.removing[i], j.gap[i], restored = false, true, true
				}
			}
		}
		if !restored {
			return
		}
	}
}

func (j *judgement) verdict(i int) (bool, string) {
	switch {
	case j.fixed[i] != "":
		return false, j.fixed[i]
	case j.firsts[i] > 0:
		return false, fmt.Sprintf("kept: it holds the first sighting of %d item(s)", j.firsts[i])
	case j.lasts[i] > 0:
		return false, fmt.Sprintf("kept: it holds the last copy of %d item version(s)", j.lasts[i])
	case j.gap[i]:
		return false, "kept: without it, gap detection would find a gap that is not there"
	}
	return true, "every item in it was seen before it, and every version of an item in it is in a later snapshot: the merged result is the same without it"
}

// check computes the merges without the removed snapshots and compares
// them with the merges of all, for both merge styles, and the number of
// distinct item versions both ways.
func check(ctx context.Context, spec Spec, snaps []snapshot.Snapshot, p *Pruning, want []itemDigest, allVersions int, mopt Options) error {
	var kept []snapshot.Snapshot
	for i, v := range p.Verdicts {
		if !v.Remove {
			kept = append(kept, snaps[i])
		}
	}
	versions := newVersionIndex(len(kept))
	without, err := merge(ctx, spec, kept, mopt, versions.add)
	if err != nil {
		return err
	}
	if err := sameDigests(want, without); err != nil {
		return fmt.Errorf("%w (union: %v): nothing is removed", ErrNotLossless, err)
	}
	if n := versions.count(); n != allVersions {
		return fmt.Errorf("%w (%d distinct item versions without them, %d with them): nothing is removed", ErrNotLossless, n, allVersions)
	}
	latest := spec
	latest.Merge = Latest
	la, err := Merge(ctx, latest, snaps, mopt)
	if err != nil {
		return err
	}
	lk, err := Merge(ctx, latest, kept, mopt)
	if err != nil {
		return err
	}
	if err := sameMerge(la, lk); err != nil {
		return fmt.Errorf("%w (latest: %v): nothing is removed", ErrNotLossless, err)
	}
	return nil
}

// sameMerge returns the first difference between two merges of the same
// source, or nil: the same items in the same order, each with the same
// kind, key, newest version (byte for byte), time, and first and last
// sighting (stamp, snapshot file and position in it).
func sameMerge(a, b *Result) error {
	for _, l := range []struct {
		name string
		x, y []Merged
	}{{"items", a.Items, b.Items}, {"invalid items", a.Invalid, b.Invalid}} {
		if len(l.x) != len(l.y) {
			return fmt.Errorf("%d %s with, %d without", len(l.x), l.name, len(l.y))
		}
		for i := range l.x {
			x, y := &l.x[i], &l.y[i]
			switch {
			case x.Kind != y.Kind || x.Key != y.Key:
				return fmt.Errorf("%s %d is %s %q with, %s %q without", l.name, i+1, x.Kind, x.Key, y.Kind, y.Key)
			case !bytes.Equal(x.Raw, y.Raw) || !bytes.Equal(x.Invalid, y.Invalid):
				return fmt.Errorf("%s %q: another newest version", x.Kind, x.Key)
			case !x.Time.Equal(y.Time):
				return fmt.Errorf("%s %q: time %v with, %v without", x.Kind, x.Key, x.Time, y.Time)
			case !x.FirstSeen.Equal(y.FirstSeen) || !x.LastSeen.Equal(y.LastSeen):
				return fmt.Errorf("%s %q: seen %v to %v with, %v to %v without", x.Kind, x.Key, x.FirstSeen, x.LastSeen, y.FirstSeen, y.LastSeen)
			case at(a, x.First) != at(b, y.First) || at(a, x.Last) != at(b, y.Last):
				return fmt.Errorf("%s %q: first and last seen at %s and %s with, %s and %s without", x.Kind, x.Key, at(a, x.First), at(a, x.Last), at(b, y.First), at(b, y.Last))
			case errText(x.Err) != errText(y.Err):
				return fmt.Errorf("%s %q: error %q with, %q without", x.Kind, x.Key, errText(x.Err), errText(y.Err))
			}
		}
	}
	return nil
}

// itemDigest is the SHA-256 of everything sameMerge compares of one item.
type itemDigest [sha256.Size]byte

// digestMerge returns the digest of each merged item, in order (the
// invalid ones after the others).
func digestMerge(r *Result) []itemDigest {
	var out []itemDigest
	for _, list := range [][]Merged{r.Items, r.Invalid} {
		for i := range list {
			out = append(out, digestItem(r, &list[i]))
		}
	}
	return out
}

func digestItem(r *Result, it *Merged) itemDigest {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(it.Kind), []byte(it.Key), it.Raw, it.Invalid, []byte(it.Time.UTC().Format(time.RFC3339Nano)),
		[]byte(it.FirstSeen.UTC().Format(time.RFC3339)), []byte(it.LastSeen.UTC().Format(time.RFC3339)),
		[]byte(at(r, it.First)), []byte(at(r, it.Last)), []byte(errText(it.Err))} {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	var d itemDigest
	h.Sum(d[:0])
	return d
}

// sameDigests compares a merge with the digests of another: the same
// items, in the same order, the same in every field sameMerge compares.
func sameDigests(want []itemDigest, b *Result) error {
	got := digestMerge(b)
	if len(got) != len(want) {
		return fmt.Errorf("%d items with, %d without", len(want), len(got))
	}
	n := len(b.Items)
	for i := range got {
		if got[i] != want[i] {
			var it *Merged
			if i < n {
				it = &b.Items[i]
			} else {
				it = &b.Invalid[i-n]
			}
			return fmt.Errorf("item %d (%s %q, seen %v to %v without) differs", i+1, it.Kind, it.Key, it.FirstSeen, it.LastSeen)
		}
	}
	return nil
}

// at names a position: the snapshot's file and the record's number.
func at(r *Result, p Pos) string {
	return fmt.Sprintf("%s#%d", r.Files[p.Snap].Snapshot.Path, p.Seq)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// versionIndex knows every distinct item version (kind and exact bytes,
// by two independent 64-bit hashes) and the last snapshot holding it, and
// counts the records of each snapshot that are not valid JSON. It is safe
// for concurrent use.
type versionIndex struct {
	seeds  [2]maphash.Seed
	shards [64]struct {
		mu   sync.Mutex
		last map[[2]uint64]version
	}
	invalid []int32 // by snapshot; written by the one worker reading it
	// With withRanges: each snapshot's time range per kind (as
	// Options.Ranges gives them), written by the worker reading it.
	ranges []map[string]TimeRange
	times  perKind[timeField]
}

// version is what is known of one distinct item version.
type version struct {
	last    int32 // the last snapshot holding it
	invalid bool  // not valid JSON (checked once, when first met)
	timed   bool  // its time was read (withRanges)
	t       time.Time
}

// withRanges makes the index gather each snapshot's time ranges.
func (v *versionIndex) withRanges(spec *Spec) {
	v.ranges = make([]map[string]TimeRange, len(v.invalid))
	v.times = newPerKind(spec, newTimeField)
}

func newVersionIndex(snaps int) *versionIndex {
	v := &versionIndex{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, invalid: make([]int32, snaps)}
	for i := range v.shards {
		v.shards[i].last = map[[2]uint64]version{}
	}
	return v
}

// add notes that snapshot snap holds rec.
func (v *versionIndex) add(snap int, rec Record) {
	var h [2]uint64
	for i, seed := range v.seeds {
		var mh maphash.Hash
		mh.SetSeed(seed)
		mh.WriteString(rec.Kind)
		mh.WriteByte(0)
		mh.Write(rec.Raw)
		h[i] = mh.Sum64()
	}
	sh := &v.shards[h[0]%uint64(len(v.shards))]
	sh.mu.Lock()
	ver, seen := sh.last[h]
	if seen && int32(snap) > ver.last {
		ver.last = int32(snap)
		sh.last[h] = ver
	}
	sh.mu.Unlock()
	if !seen { // validated (and its time read) once per distinct version, outside the lock
		ver = version{last: int32(snap), invalid: !validJSON(rec.Raw)}
		if v.ranges != nil {
			if tf := v.times.of(rec.Kind); len(tf.path) > 0 {
				var ok bool
				ver.t, ok, _ = tf.r.read(lookup(rec.Raw, tf.path))
				ver.timed = ok
			}
		}
		sh.mu.Lock()
		if prev, ok := sh.last[h]; ok && prev.last > ver.last {
			ver.last = prev.last // another worker met it meanwhile, later
		}
		sh.last[h] = ver
		sh.mu.Unlock()
	}
	if ver.invalid {
		v.invalid[snap]++
	}
	if ver.timed {
		m := v.ranges[snap]
		if m == nil {
			m = map[string]TimeRange{}
			v.ranges[snap] = m
		}
		r, ok := m[rec.Kind]
		if !ok || ver.t.Before(r.Min) {
			r.Min = ver.t
		}
		if !ok || ver.t.After(r.Max) {
			r.Max = ver.t
		}
		m[rec.Kind] = r
	}
}

func (v *versionIndex) count() int {
	n := 0
	for i := range v.shards {
		n += len(v.shards[i].last)
	}
	return n
}

// lasts returns the last snapshot holding each version.
func (v *versionIndex) lasts() []int {
	var out []int
	for i := range v.shards {
		for _, ver := range v.shards[i].last {
			out = append(out, int(ver.last))
		}
	}
	sort.Ints(out)
	return out
}
