package dal

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/hoard-dev/hoard/snapshot"
)

// Pos locates a record: the index of its snapshot in the merged list and
// its 1-based sequence number among the snapshot's records.
type Pos struct {
	Snap int
	Seq  int
}

// Less orders positions by snapshot, then sequence.
func (p Pos) Less(q Pos) bool {
	if p.Snap != q.Snap {
		return p.Snap < q.Snap
	}
	return p.Seq < q.Seq
}

// Options tune a merge. The zero value is ready to use.
type Options struct {
	// Workers is how many snapshots are decoded at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Ranges records each snapshot's oldest and newest item time per kind
	// (needed for gap detection); it costs a time parse per record.
	Ranges bool
	// LazyText leaves the items' Title, URL and Text empty; call
	// Result.FillText on an item when it is needed. Memory then holds
	// little more than the items' raw JSON.
	LazyText bool
	// Progress, when set, is called after each snapshot is read with the
	// number read so far, from the goroutine that read it: several may
	// call it at once.
	Progress func(done int)
}

// TimeRange is the oldest and newest item time of one kind in a snapshot.
type TimeRange struct{ Min, Max time.Time }

// FileStat is what one snapshot contributed to a merge.
type FileStat struct {
	Snapshot snapshot.Snapshot
	Records  int                  // records read, including those with errors
	Errors   []error              // in the order met
	Ranges   map[string]TimeRange // by kind; only with Options.Ranges
}

// Merged is one merged item with where it was first and last seen.
type Merged struct {
	Item
	First, Last Pos
	// Err is a problem with the item's newest version: invalid JSON (then
	// Raw is nil and Invalid holds the bytes) or an unreadable time (then
	// Time is zero). It names the snapshot and the item's position.
	Err     error
	Invalid []byte
}

// Result is a complete merge.
type Result struct {
	Spec  Spec       // the spec used, with defaults filled in
	Items []Merged   // in output order
	Files []FileStat // one per snapshot read, in time order
	// Invalid are the items whose newest version is not valid JSON; they
	// are not in Items, and each has Err set.
	Invalid []Merged

	env *envelopers
}

// FillText sets an item's Title, URL and Text from its Raw, for results
// made with Options.LazyText.
func (r *Result) FillText(it *Item) {
	if it.Raw != nil {
		r.env.text(it)
	}
}

// TextSpans returns where FillText finds the Title, URL and Text of an
// item of kind whose Raw is raw: each field is
// Unquote(raw[s.Off : s.Off+s.Len]), or "" for the zero Span. Storing the
// spans instead of the text saves keeping each field twice.
func (r *Result) TextSpans(kind string, raw []byte) [3]Span {
	return r.env.of(kind).spans(raw)
}

// Unquote decodes the contents of a JSON string (without its quotes) as
// FillText does: invalid escapes are kept as they are and invalid UTF-8
// becomes U+FFFD.
func Unquote(b []byte) string { return unquote(b) }

// Errors returns every error of the merge: the files' errors in file
// order, then the items' errors in order of the snapshot and position of
// the version they concern.
func (r *Result) Errors() []error {
	var errs []error
	for _, f := range r.Files {
		errs = append(errs, f.Errors...)
	}
	var bad []Merged
	for _, list := range [][]Merged{r.Items, r.Invalid} {
		for _, it := range list {
			if it.Err != nil {
				bad = append(bad, it)
			}
		}
	}
	sort.Slice(bad, func(a, b int) bool { return bad[a].Last.Less(bad[b].Last) })
	for _, it := range bad {
		errs = append(errs, it.Err)
	}
	return errs
}

// Merge reads snaps (in time order, as snapshot.ListDir returns them) and
// merges them by spec.Merge. With Latest only the last snapshot is read.
// It returns an error only for an invalid spec or a cancelled context;
// problems with files and items are in the Result.
func Merge(ctx context.Context, spec Spec, snaps []snapshot.Snapshot, opt Options) (*Result, error) {
	if spec.Merge == "" {
		spec.Merge = Union
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if spec.Merge == Latest && len(snaps) > 1 {
		snaps = snaps[len(snaps)-1:]
	}
	m := newMerger(&spec, snaps, opt)
	m.lazy, m.progress = opt.LazyText, opt.Progress
	m.run(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	items, invalid := m.finish(opt.Workers)
	return &Result{Spec: spec, Items: items, Files: m.files, Invalid: invalid, env: m.env}, nil
}

type entry struct {
	kind        string
	key         string
	keyHash     uint64 // a second hash of kind and key, to tell keys apart
	first, last Pos
	raw         []byte
	// With Options.Ranges: the time of raw, parsed once for a version that
	// many snapshots repeat (timeState: 0 not parsed, 1 none, 2 t).
	t         int64
	timeState uint8
}

const shardCount = 64

// shard is one lock's worth of the merge state. Entries are found by a
// 64-bit hash of kind and key and confirmed by a second, independent hash,
// so a lookup never has to read the key's bytes (memory latency, not
// computation, dominates merging). Keys whose first hash collides with
// another key's go to overflow, keyed by their text.
type shard struct {
	mu       sync.Mutex
	m        map[uint64]*entry
	overflow map[string]*entry
}

type merger struct {
	spec   *Spec
	snaps  []snapshot.Snapshot
	files  []FileStat
	ranges bool
	seeds  [2]maphash.Seed // key hash, key check hash
	shards [shardCount]shard
	times  perKind[timeField] // time of each kind, for Ranges
	fix    perKind[bool]      // kinds whose text is repaired (FixEncoding)
	env    *envelopers
	lazy   bool
	// scanAll turns off the known-version fast path (tests compare both).
	scanAll  bool
	progress func(done int)
	done     atomic.Int64 // snapshots read
}

func newMerger(spec *Spec, snaps []snapshot.Snapshot, opt Options) *merger {
	m := &merger{spec: spec, snaps: snaps, files: make([]FileStat, len(snaps)),
		ranges: opt.Ranges && spec.HasTime(),
		times:  newPerKind(spec, newTimeField),
		fix:    newPerKind(spec, func(ks KindSpec) bool { return ks.FixEncoding == FixLatin1 })}
	for i := range m.seeds {
		m.seeds[i] = maphash.MakeSeed()
	}
	for i := range m.shards {
		m.shards[i].m = map[uint64]*entry{}
		m.shards[i].overflow = map[string]*entry{}
	}
	for i, s := range snaps {
		m.files[i].Snapshot = s
	}
	return m
}

func workers(n, jobs int) int {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return max(1, min(n, jobs))
}

// run decodes every snapshot, several at once; the merge rules are
// commutative so the order files finish in does not matter.
func (m *merger) run(ctx context.Context) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers(0, len(m.snaps)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := newKeyer(m.spec)
			spec := *m.spec
			var scratch, known []byte
			var last hit
			if !k.whole && !m.scanAll {
				spec.known = func(kind string, b []byte) int { return m.known(k, &known, &last, kind, b) }
			}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(m.snaps) || ctx.Err() != nil {
					return
				}
				scratch = m.file(ctx, &spec, i, k, scratch, &last)
				if n := m.done.Add(1); m.progress != nil {
					m.progress(int(n))
				}
			}
		}()
	}
	wg.Wait()
}

// hit is what known found last in one worker: the entry whose version
// the next record (n bytes at p) repeats exactly.
type hit struct {
	e  *entry
	sh *shard
	p  *byte
	n  int
}

// file merges the records of snapshot i. last is the worker's latest
// known hit: a record that is that hit needs no key or look-up.
//
// A panic while reading the file (a decoder's bug on input nobody
// foresaw) becomes an error naming the file, as a corrupt file would: the
// items read before it stay merged and the other files are read. Without
// this, one odd file would end the whole process with a stack trace.
func (m *merger) file(ctx context.Context, spec *Spec, i int, k *keyer, scratch []byte, last *hit) (out []byte) {
	out = scratch
	defer func() {
		if r := recover(); r != nil {
			*last = hit{}
			st := &m.files[i]
			st.Errors = append(st.Errors, &ReadError{File: m.snaps[i].Path,
				Err: fmt.Errorf("internal error while reading this file (please report it, with the file if you can): %v", r)})
		}
	}()
	return m.readFile(ctx, spec, i, k, scratch, last)
}

func (m *merger) readFile(ctx context.Context, spec *Spec, i int, k *keyer, scratch []byte, last *hit) []byte {
	st := &m.files[i]
	path := m.snaps[i].Path
	dec, err := decoderFor(m.spec, m.snaps[i])
	if err != nil {
		st.Errors = append(st.Errors, &ReadError{File: path, Err: err})
		return scratch
	}
	var rs ranges
	if m.ranges {
		defer func() { rs.store(st) }() // also after a panic
	}
	for rec, err := range dec.Records(ctx, path, spec) {
		if err != nil {
			st.Errors = append(st.Errors, err)
			continue
		}
		st.Records++
		if m.fix.of(rec.Kind) {
			rec.Raw = fixLatin1(rec.Raw)
		}
		if h := *last; h.e != nil && len(rec.Raw) == h.n && unsafe.SliceData(rec.Raw) == h.p {
			*last = hit{}
			h.sh.mu.Lock()
			if m.ranges {
				t, ok := m.versionTime(h.e, rec.Kind, rec.Raw)
				rs.widen(rec.Kind, t, ok)
			}
			h.e.update(rec.Raw, Pos{Snap: i, Seq: st.Records})
			h.sh.mu.Unlock()
			continue
		}
		*last = hit{}
		scratch = append(append(scratch[:0], rec.Kind...), 0)
		scratch, err = k.appendKey(scratch, rec.Kind, rec.Raw)
		if err != nil {
			st.Errors = append(st.Errors, &ReadError{File: path, Where: fmt.Sprintf("item %d (%s)", st.Records, rec.Kind), Err: err})
			continue
		}
		if m.ranges {
			t, ok := m.recordTime(rec.Kind, rec.Raw)
			rs.widen(rec.Kind, t, ok)
		}
		m.put(scratch, len(rec.Kind), rec.Raw, Pos{Snap: i, Seq: st.Records})
	}
	return scratch
}

// recordTime is the time of a record of kind, in Unix nanoseconds, for
// Options.Ranges; false when it has none (or an unreadable one, or its
// kind has no time).
func (m *merger) recordTime(kind string, raw []byte) (int64, bool) {
	tf := m.times.of(kind)
	if len(tf.path) == 0 {
		return 0, false
	}
	t, ok, _ := tf.r.read(lookup(raw, tf.path))
	return t.UnixNano(), ok
}

// versionTime is recordTime for a record that repeats e's version (e's
// shard is locked): parsed once per version, not once per snapshot. The
// bytes are compared again, since another file may have changed e's
// version since the record was recognised.
func (m *merger) versionTime(e *entry, kind string, raw []byte) (int64, bool) {
	same := bytes.Equal(e.raw, raw)
	if same && e.timeState != 0 {
		return e.t, e.timeState == 2
	}
	t, ok := m.recordTime(kind, raw)
	if same {
		e.t, e.timeState = t, 1
		if ok {
			e.timeState = 2
		}
	}
	return t, ok
}

// ranges are a file's time ranges by kind as it is read, in Unix
// nanoseconds: a file has few kinds, and a record is mostly of the kind
// of the one before.
type ranges []struct {
	kind   string
	lo, hi int64
}

// widen widens the range of a kind to time ns.
func (rs *ranges) widen(kind string, ns int64, ok bool) {
	if !ok {
		return
	}
	for i := range *rs {
		if r := &(*rs)[i]; r.kind == kind {
			r.lo, r.hi = min(r.lo, ns), max(r.hi, ns)
			return
		}
	}
	*rs = append(*rs, struct {
		kind   string
		lo, hi int64
	}{kind, ns, ns})
}

// store sets the file's Ranges.
func (rs ranges) store(st *FileStat) {
	if len(rs) == 0 {
		return
	}
	st.Ranges = map[string]TimeRange{}
	for _, r := range rs {
		st.Ranges[r.kind] = TimeRange{Min: time.Unix(0, r.lo).UTC(), Max: time.Unix(0, r.hi).UTC()}
	}
}

// timeField is where a kind's time is and how it is written.
type timeField struct {
	path Path
	r    *timeReader
}

func newTimeField(ks KindSpec) timeField {
	return timeField{path: parsePath(ks.Time), r: newTimeReader(ks.timeSettings())}
}

// find returns the entry of key k (kind, NUL, key); the shard is locked.
func (sh *shard) find(h, check uint64, k []byte) *entry {
	e := sh.m[h]
	if e != nil && e.keyHash != check {
		e = sh.overflow[string(k)]
	}
	return e
}

// known returns the length of the version held for the item that b
// starts with, if b starts with that version's bytes, and notes the entry
// in last; else 0.
func (m *merger) known(k *keyer, scratch *[]byte, last *hit, kind string, b []byte) int {
	if m.fix.of(kind) {
		return 0 // the held version is repaired: the input never starts with it
	}
	// b runs on past the item: its key is read as the first of repeated
	// names, which is the right key whenever b starts with a held version
	// (the only case that counts here: that version was keyed whole).
	key, err := k.appendKeyFirst(append(append((*scratch)[:0], kind...), 0), kind, b)
	*scratch = key
	if err != nil {
		return 0
	}
	h := maphash.Bytes(m.seeds[0], key)
	sh := &m.shards[h%shardCount]
	check := maphash.Bytes(m.seeds[1], key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.find(h, check, key)
	if e == nil || len(e.raw) == 0 || e.raw[0] != '{' || !bytes.HasPrefix(b, e.raw) {
		*last = hit{}
		return 0
	}
	*last = hit{e: e, sh: sh, p: unsafe.SliceData(b), n: len(e.raw)}
	return len(e.raw)
}

// put merges one record: the earliest position is its first sighting, the
// latest its last and its newest version. k is kind, NUL, key.
func (m *merger) put(k []byte, kindLen int, raw []byte, p Pos) {
	h := maphash.Bytes(m.seeds[0], k)
	check := maphash.Bytes(m.seeds[1], k)
	sh := &m.shards[h%shardCount]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.find(h, check, k)
	if e == nil {
		e = m.newEntry(k, kindLen, check, raw, p)
		if sh.m[h] == nil {
			sh.m[h] = e
		} else {
			sh.overflow[string(k)] = e
		}
		return
	}
	e.update(raw, p)
}

// update merges a sighting of e at p with version raw: the earliest
// sighting stays first, the latest one's version wins. The entry's shard
// is locked.
func (e *entry) update(raw []byte, p Pos) {
	if p.Less(e.first) {
		e.first = p
	}
	if e.last.Less(p) {
		e.last = p
		if !bytes.Equal(e.raw, raw) {
			e.raw = append(e.raw[:0], raw...)
			e.timeState = 0
		}
	}
}

func (m *merger) newEntry(k []byte, kindLen int, check uint64, raw []byte, p Pos) *entry {
	ks := string(k)
	return &entry{kind: ks[:kindLen], key: ks[kindLen+1:], keyHash: check, first: p, last: p, raw: bytes.Clone(raw)}
}

// finish builds the envelopes and sorts the items; those whose newest
// version is not valid JSON go to the second list.
func (m *merger) finish(n int) (items, invalid []Merged) {
	var all []*entry
	for i := range m.shards {
		for _, e := range m.shards[i].m {
			all = append(all, e)
		}
		for _, e := range m.shards[i].overflow {
			all = append(all, e)
		}
		m.shards[i].m, m.shards[i].overflow = nil, nil
	}
	out := make([]Merged, len(all))
	m.env = newEnvelopers(m.spec)
	var wg sync.WaitGroup
	w := workers(n, len(all))
	for g := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := g; j < len(all); j += w {
				out[j] = m.build(all[j])
			}
		}()
	}
	wg.Wait()
	items = out[:0] // compacted in place
	for _, it := range out {
		if it.Raw == nil {
			invalid = append(invalid, it)
		} else {
			items = append(items, it)
		}
	}
	clear(out[len(items):])
	SortMerged(items)
	SortMerged(invalid)
	return items, invalid
}

// build makes the envelope of one entry.
func (m *merger) build(e *entry) Merged {
	it := Item{Source: m.spec.Source, Kind: e.kind, Key: e.key,
		FirstSeen: m.snaps[e.first.Snap].Time, LastSeen: m.snaps[e.last.Snap].Time}
	mg := Merged{First: e.first, Last: e.last}
	if err := m.env.fill(&it, e.raw, m.lazy); err != nil {
		mg.Err = &ReadError{File: m.snaps[e.last.Snap].Path, Where: fmt.Sprintf("item %d (%s)", e.last.Seq, e.kind), Err: err}
		if it.Raw == nil {
			mg.Invalid = e.raw
		}
	}
	mg.Item = it
	return mg
}

// SortMerged puts items in output order: items without a time first, then
// by time; ties by first appearance.
func SortMerged(items []Merged) {
	sort.Slice(items, func(a, b int) bool { return lessMerged(&items[a], &items[b]) })
}

func lessMerged(a, b *Merged) bool {
	az, bz := a.Time.IsZero(), b.Time.IsZero()
	if az != bz {
		return az
	}
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return a.First.Less(b.First)
}
