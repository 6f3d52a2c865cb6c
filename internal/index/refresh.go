package index

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
)

// Source is one source as the index sees it.
type Source struct {
	Spec  dal.Spec            // Spec.Source is the name
	Snaps []snapshot.Snapshot // its snapshots now, in time order
}

// Stats says what a refresh did.
type Stats struct {
	Rebuilt bool   // the source was indexed from scratch
	Reason  string // why it was rebuilt
	Decoded int    // snapshots decoded
}

// Rank orders snapshots as text, the same way snapshot listings do (time,
// collision sequence, name).
func Rank(s snapshot.Snapshot) string {
	return fmt.Sprintf("%s%06d/%s", s.Time.UTC().Format("20060102T150405.000000000Z"), s.Seq, s.Name)
}

// fingerprint changes whenever the items of a source could change for
// the same snapshots: the spec, the decoders' versions, the schema.
func fingerprint(spec dal.Spec) string {
	if spec.Merge == "" {
		spec.Merge = dal.Union
	}
	return fmt.Sprintf("schema %d %s", schemaVersion, spec.Fingerprint())
}

// indexed is what the index holds about a source.
type indexed struct {
	fingerprint string
	snaps       map[string]snapRow // by rank
}

type snapRow struct {
	path    string
	size    int64
	mtimeNs int64
}

// digest identifies a state, to detect that another process changed it.
func (s indexed) digest() string {
	ranks := make([]string, 0, len(s.snaps))
	for r, row := range s.snaps {
		ranks = append(ranks, fmt.Sprintf("%s %d %d", r, row.size, row.mtimeNs))
	}
	sort.Strings(ranks)
	return s.fingerprint + "\n" + strings.Join(ranks, "\n")
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func readState(ctx context.Context, q querier, source string) (indexed, error) {
	st := indexed{snaps: map[string]snapRow{}}
	err := q.QueryRowContext(ctx, "SELECT fingerprint FROM sources WHERE name = ?", source).Scan(&st.fingerprint)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	rows, err := q.QueryContext(ctx, "SELECT rank, path, size, mtime_ns FROM snapshots WHERE source = ?", source)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		var row snapRow
		if err := rows.Scan(&r, &row.path, &row.size, &row.mtimeNs); err != nil {
			return st, err
		}
		st.snaps[r] = row
	}
	return st, rows.Err()
}

// plan decides between nothing, an incremental refresh (the new snapshots
// only) and a rebuild.
func plan(st indexed, src Source, fp string) (todo []snapshot.Snapshot, rebuild bool, reason string) {
	want := src.Snaps
	if src.Spec.Merge == dal.Latest && len(want) > 1 {
		want = want[len(want)-1:]
	}
	cur := map[string]snapshot.Snapshot{}
	for _, s := range want {
		cur[Rank(s)] = s
	}
	switch {
	case st.fingerprint == "":
		reason = "not indexed yet"
	case st.fingerprint != fp:
		reason = "settings or decoder version changed"
	}
	for r, row := range st.snaps {
		s, ok := cur[r]
		if reason == "" && !ok {
			reason = "snapshot removed: " + row.path
		} else if reason == "" && (s.Size != row.size || s.Mtime.UnixNano() != row.mtimeNs || s.Path != row.path) {
			reason = "snapshot changed: " + s.Path
		}
	}
	if reason != "" {
		return want, true, reason
	}
	for _, s := range want {
		if _, ok := st.snaps[Rank(s)]; !ok {
			todo = append(todo, s)
		}
	}
	return todo, false, ""
}

// Progress is how far a refresh has got (see RefreshOptions).
type Progress struct {
	Source                 string
	Snapshots, OfSnapshots int // decoded so far, of those to decode
	Items, OfItems         int // written to the index so far, of those merged; 0 of 0 while decoding
}

// RefreshOptions tune a refresh; the zero value is Refresh's.
type RefreshOptions struct {
	// Progress, when set, is called as the refresh goes: after each
	// snapshot decoded, then as items are written (every few hundred
	// items; only a rebuild writes them in steps). It may be called from
	// several goroutines at once.
	Progress func(Progress)
}

// Refresh brings the index of one source up to date with its snapshots,
// decoding only those not yet indexed; a changed or removed snapshot, or a
// changed spec or decoder, rebuilds the source.
func (x *Index) Refresh(ctx context.Context, src Source) (Stats, error) {
	return x.RefreshWith(ctx, src, RefreshOptions{})
}

// RefreshWith is Refresh with options.
func (x *Index) RefreshWith(ctx context.Context, src Source, opt RefreshOptions) (_ Stats, err error) {
	defer func() { err = x.noteFull(err) }()
	fp := fingerprint(src.Spec)
	for attempt := 0; ; attempt++ {
		st, err := readState(ctx, x.db, src.Spec.Source)
		if err != nil {
			return Stats{}, err
		}
		todo, rebuild, reason := plan(st, src, fp)
		if !rebuild && len(todo) == 0 {
			return Stats{}, nil
		}
		// The key hashes are read on another core while the snapshots are
		// decoded (one snapshot keeps one core busy).
		var pre *preloaded
		loaded := make(chan struct{})
		go func() {
			defer close(loaded)
			if !rebuild {
				pre, _ = x.preload(ctx, src.Spec.Source) // on error, apply reads the keys itself
			}
		}()
		trace("%s: merging %d snapshots (rebuild %v)", src.Spec.Source, len(todo), rebuild)
		mopt := dal.Options{Ranges: true, LazyText: true}
		var res *dal.Result
		var written func(items int)
		if opt.Progress != nil {
			name, of := src.Spec.Source, len(todo)
			if src.Spec.Merge == dal.Latest {
				of = min(of, 1) // the merge reads the last one only
			}
			opt.Progress(Progress{Source: name, OfSnapshots: of})
			mopt.Progress = func(n int) { opt.Progress(Progress{Source: name, Snapshots: n, OfSnapshots: of}) }
			written = func(items int) {
				opt.Progress(Progress{Source: name, Snapshots: of, OfSnapshots: of, Items: items, OfItems: len(res.Items) + len(res.Invalid)})
			}
		}
		res, err = dal.Merge(ctx, src.Spec, todo, mopt)
		<-loaded
		if err != nil {
			return Stats{}, err
		}
		trace("%s: merged %d items, key prefixes read", src.Spec.Source, len(res.Items))
		applied, err := x.apply(ctx, src.Spec.Source, st.digest(), fp, rebuild, todo, res, pre, written)
		if err != nil {
			return Stats{}, err
		}
		if applied {
			x.checkpointLater()
			if rebuild {
				// The merge's result, most of the heap, is garbage now.
				// Collected at once, its memory is reused by what comes
				// next (a query reading the items back) rather than the
				// heap growing to twice its size first: about 60 MB less
				// peak memory on the first query of the benchmark source.
				res = nil
				runtime.GC()
			}
			return Stats{Rebuilt: rebuild, Reason: reason, Decoded: len(todo)}, nil
		}
		if attempt >= 5 {
			return Stats{}, errors.New("the index keeps changing under this refresh; try again")
		}
	}
}

// apply writes a merge result in one transaction, unless the source's
// state is no longer the one it was planned against (another process
// refreshed it meanwhile); then it returns false.
func (x *Index) apply(ctx context.Context, source, digest, fp string, rebuild bool, snaps []snapshot.Snapshot, res *dal.Result, pre *preloaded, progress func(items int)) (bool, error) {
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	st, err := readState(ctx, tx, source)
	if err != nil {
		return false, err
	}
	if st.digest() != digest {
		return false, nil
	}
	if rebuild {
		if err := dropSource(ctx, tx, source); err != nil {
			return false, err
		}
	}
	var sid, gen int64 // gen counts the source's refreshes
	var fts bool
	err = tx.QueryRowContext(ctx, `INSERT INTO sources (name, fingerprint, gen) VALUES (?, ?, 0)
		ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, gen = gen + 1 RETURNING id, gen, fts`, source, fp).Scan(&sid, &gen, &fts)
	if err != nil {
		return false, err
	}
	if err := insertSnapshots(ctx, tx, source, res.Files); err != nil {
		return false, err
	}
	w, err := loadWriter(ctx, tx, source, sid, gen-1, fts, rebuild, res, pre)
	if err != nil {
		return false, err
	}
	trace("%s: write transaction begun, records loaded", source)
	if rebuild {
		// What the merge left behind (its maps, the versions it replaced)
		// is collected first, so that the build's own allocations (about
		// 16 MB on the benchmark source) reuse that memory instead of
		// growing the heap: peak RSS of a first `hoard items saved
		// --limit 1` 155-163 -> 147-148 MB, as --no-cache's 146-147 MB.
		runtime.GC()
		if err := w.build(ctx, snaps, progress); err != nil {
			return false, err
		}
		trace("%s: built", source)
	} else {
		if err := w.merge(ctx, snaps); err != nil {
			return false, err
		}
		trace("%s: compared with the records", source)
		if err := w.flush(ctx); err != nil {
			return false, err
		}
		trace("%s: blocks, records and search entries written", source)
	}
	err = tx.Commit()
	trace("%s: committed", source)
	return true, err
}

func insertSnapshots(ctx context.Context, tx *sql.Tx, source string, files []dal.FileStat) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO snapshots (source, rank, path, size, mtime_ns, stamp_ns, records, errors, ranges)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, f := range files {
		msgs := make([]string, 0, len(f.Errors))
		for _, e := range f.Errors {
			msgs = append(msgs, e.Error())
		}
		errs, _ := json.Marshal(msgs)
		ranges, _ := json.Marshal(encodeRanges(f.Ranges))
		s := f.Snapshot
		if _, err := stmt.ExecContext(ctx, source, Rank(s), s.Path, s.Size, s.Mtime.UnixNano(), s.Time.UnixNano(), f.Records, string(errs), string(ranges)); err != nil {
			return err
		}
	}
	return nil
}

// encodeRanges stores time ranges as Unix nanoseconds.
func encodeRanges(r map[string]dal.TimeRange) map[string][2]int64 {
	out := map[string][2]int64{}
	for k, v := range r {
		out[k] = [2]int64{v.Min.UnixNano(), v.Max.UnixNano()}
	}
	return out
}

func decodeRanges(s string) (map[string]dal.TimeRange, error) {
	var in map[string][2]int64
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := map[string]dal.TimeRange{}
	for k, v := range in {
		out[k] = dal.TimeRange{Min: time.Unix(0, v[0]).UTC(), Max: time.Unix(0, v[1]).UTC()}
	}
	return out, nil
}

// multiInsert inserts rows of cols values each, many rows per statement.
func multiInsert(ctx context.Context, tx *sql.Tx, head string, cols int, rows func(yield func([]any) error) error) error {
	const chunk = 1000
	var args []any
	flush := func() error {
		n := len(args) / cols
		if n == 0 {
			return nil
		}
		row := "(" + strings.Repeat(",?", cols)[1:] + ")"
		_, err := tx.ExecContext(ctx, head+" VALUES "+strings.Repeat(","+row, n)[1:], args...)
		args = args[:0]
		return err
	}
	err := rows(func(vals []any) error {
		args = append(args, vals...)
		if len(args) >= chunk*cols {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// contentHash identifies an item version's stored content: raw, invalid
// bytes and error message.
func contentHash(h *hasher, m *dal.Merged) uint64 {
	h.h.Reset()
	h.h.Write(m.Raw)
	h.h.Write(nul)
	h.h.Write(m.Invalid)
	h.h.Write(nul)
	if m.Err != nil {
		h.h.Write([]byte(m.Err.Error()))
	}
	h.buf = h.h.Sum(h.buf[:0])
	return binary.BigEndian.Uint64(h.buf)
}
