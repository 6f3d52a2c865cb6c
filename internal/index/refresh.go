package index

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	spec = dal.WithDefaults(spec)
	b, _ := json.Marshal(spec)
	h := sha256.New()
	fmt.Fprintf(h, "schema %d\n%s\n", schemaVersion, b)
	for _, n := range dal.Decoders() {
		fmt.Fprintf(h, "%s %d\n", n, dal.LookupDecoder(n).Version)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
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
	if dal.WithDefaults(src.Spec).Merge == dal.Latest && len(want) > 1 {
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

// Refresh brings the index of one source up to date with its snapshots,
// decoding only those not yet indexed; a changed or removed snapshot, or a
// changed spec or decoder, rebuilds the source.
func (x *Index) Refresh(ctx context.Context, src Source) (Stats, error) {
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
		res, err := dal.Merge(ctx, src.Spec, todo, dal.Options{Ranges: true, LazyText: true})
		if err != nil {
			return Stats{}, err
		}
		applied, err := x.apply(ctx, src.Spec.Source, st.digest(), fp, rebuild, todo, res)
		if err != nil {
			return Stats{}, err
		}
		if applied {
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
func (x *Index) apply(ctx context.Context, source, digest, fp string, rebuild bool, snaps []snapshot.Snapshot, res *dal.Result) (bool, error) {
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
	if _, err := tx.ExecContext(ctx, "INSERT INTO sources (name, fingerprint) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint", source, fp); err != nil {
		return false, err
	}
	if err := insertSnapshots(ctx, tx, source, res.Files); err != nil {
		return false, err
	}
	if err := upsertItems(ctx, tx, source, snaps, res); err != nil {
		return false, err
	}
	return true, tx.Commit()
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

// Merging a result into the index is done set-wise: the result's keys,
// positions and content hashes are loaded into a temporary table, a query
// finds the items whose content must be written (new ones, and newer
// versions with another hash), only their content is loaded, and a few
// statements apply the same rules as dal.Merge (the earliest sighting
// stays first, the latest sighting's version wins). Per-item statements,
// or shipping every item's content, cost several times more.
var batchSQL = []string{
	`CREATE TEMP TABLE IF NOT EXISTS batch (pos INTEGER PRIMARY KEY, source TEXT, kind TEXT, key TEXT, hash INTEGER,
		first_rank TEXT, first_seq INTEGER, first_ns INTEGER, last_rank TEXT, last_seq INTEGER, last_ns INTEGER, id INTEGER)`,
	`CREATE TEMP TABLE IF NOT EXISTS content (pos INTEGER PRIMARY KEY, time_ns INTEGER, title TEXT, url TEXT, text TEXT,
		raw BLOB, invalid BLOB, err TEXT)`,
	`DELETE FROM temp.batch`,
	`DELETE FROM temp.content`,
}

const resolveSQL = `UPDATE temp.batch SET id = (SELECT i.id FROM items i WHERE i.source = batch.source AND i.kind = batch.kind AND i.key = batch.key)`

// laterSQL is true when batch row b was seen after the stored sighting s.
const laterSQL = `(b.last_rank > s.last_rank OR (b.last_rank = s.last_rank AND b.last_seq > s.last_seq))`

// needContentSQL lists the batch rows whose content must be written.
const needContentSQL = `SELECT b.pos FROM temp.batch b LEFT JOIN seen s ON s.id = b.id LEFT JOIN items i ON i.id = b.id
	WHERE b.id IS NULL OR (` + laterSQL + ` AND b.hash != i.hash) ORDER BY b.pos`

// applySQL runs once content is loaded. The statements that may change an
// item's text return its id, to update the search index.
var applySQL = []struct {
	sql       string
	returning bool
}{
	{`UPDATE items SET first_rank = b.first_rank, first_seq = b.first_seq, first_ns = b.first_ns
		FROM temp.batch b WHERE b.id = items.id
		AND (b.first_rank < items.first_rank OR (b.first_rank = items.first_rank AND b.first_seq < items.first_seq))`, false},
	{`UPDATE items SET time_ns = c.time_ns, title = c.title, url = c.url, text = c.text, raw = c.raw, invalid = c.invalid,
		err = c.err, hash = b.hash
		FROM temp.batch b JOIN temp.content c ON c.pos = b.pos WHERE b.id = items.id RETURNING items.id`, true},
	{`INSERT INTO items (source, kind, key, time_ns, title, url, text, raw, invalid, err, hash, first_rank, first_seq, first_ns)
		SELECT b.source, b.kind, b.key, c.time_ns, c.title, c.url, c.text, c.raw, c.invalid, c.err, b.hash, b.first_rank, b.first_seq, b.first_ns
		FROM temp.batch b JOIN temp.content c ON c.pos = b.pos WHERE b.id IS NULL RETURNING id`, true},
	{resolveSQL + ` WHERE id IS NULL`, false},
	{`INSERT INTO seen (id, last_rank, last_seq, last_ns) SELECT id, last_rank, last_seq, last_ns FROM temp.batch WHERE true
		ON CONFLICT (id) DO UPDATE SET last_rank = excluded.last_rank, last_seq = excluded.last_seq, last_ns = excluded.last_ns
		WHERE excluded.last_rank > seen.last_rank OR (excluded.last_rank = seen.last_rank AND excluded.last_seq > seen.last_seq)`, false},
	{`DELETE FROM temp.batch`, false},
	{`DELETE FROM temp.content`, false},
}

// upsertItems merges a result into the source's items, then updates the
// search index for the rows whose text may have changed. It works in
// chunks of items (disjoint keys, so the rules still hold), which bounds
// the memory a rebuild needs.
func upsertItems(ctx context.Context, tx *sql.Tx, source string, snaps []snapshot.Snapshot, res *dal.Result) error {
	const chunk = 4096
	items := append(append([]dal.Merged(nil), res.Items...), res.Invalid...)
	for lo := 0; lo < len(items); lo += chunk {
		if err := upsertChunk(ctx, tx, source, snaps, res, items[lo:min(len(items), lo+chunk)]); err != nil {
			return err
		}
	}
	return nil
}

func upsertChunk(ctx context.Context, tx *sql.Tx, source string, snaps []snapshot.Snapshot, res *dal.Result, items []dal.Merged) error {
	for _, q := range batchSQL {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := loadBatch(ctx, tx, source, snaps, items); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, resolveSQL); err != nil {
		return err
	}
	need, err := execMaybeReturning(ctx, tx, needContentSQL, true)
	if err != nil {
		return err
	}
	if err := loadContent(ctx, tx, res, items, need); err != nil {
		return err
	}
	var changed []int64
	for _, st := range applySQL {
		ids, err := execMaybeReturning(ctx, tx, st.sql, st.returning)
		if err != nil {
			return err
		}
		changed = append(changed, ids...)
	}
	return indexText(ctx, tx, changed)
}

func execMaybeReturning(ctx context.Context, tx *sql.Tx, q string, returning bool) ([]int64, error) {
	if !returning {
		_, err := tx.ExecContext(ctx, q)
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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

// loadBatch inserts every merged item's key, positions and hash into
// temp.batch; pos is the item's index in items.
func loadBatch(ctx context.Context, tx *sql.Tx, source string, snaps []snapshot.Snapshot, items []dal.Merged) error {
	ranks := make([]string, len(snaps))
	for i, s := range snaps {
		ranks[i] = Rank(s)
	}
	const head = "INSERT INTO temp.batch (pos, source, kind, key, hash, first_rank, first_seq, first_ns, last_rank, last_seq, last_ns)"
	return multiInsert(ctx, tx, head, 11, func(yield func([]any) error) error {
		for i := range items {
			m := &items[i]
			if err := yield([]any{i, source, m.Kind, m.Key, contentHash(m), ranks[m.First.Snap], m.First.Seq, m.FirstSeen.UnixNano(),
				ranks[m.Last.Snap], m.Last.Seq, m.LastSeen.UnixNano()}); err != nil {
				return err
			}
		}
		return nil
	})
}

// loadContent inserts the content of the items at the positions need,
// filling in their text (left out by a lazy merge) on the way.
func loadContent(ctx context.Context, tx *sql.Tx, res *dal.Result, items []dal.Merged, need []int64) error {
	const head = "INSERT INTO temp.content (pos, time_ns, title, url, text, raw, invalid, err)"
	return multiInsert(ctx, tx, head, 8, func(yield func([]any) error) error {
		for _, pos := range need {
			m := items[pos] // a copy: its text is dropped once inserted
			res.FillText(&m.Item)
			var timeNs, errMsg any
			if !m.Time.IsZero() {
				timeNs = m.Time.UnixNano()
			}
			var raw []byte
			if m.Raw != nil {
				raw = m.Raw
			}
			if m.Err != nil {
				errMsg = m.Err.Error()
			}
			if err := yield([]any{pos, timeNs, m.Title, m.URL, m.Text, raw, m.Invalid, errMsg}); err != nil {
				return err
			}
		}
		return nil
	})
}

// contentHash identifies an item version's stored content: raw, invalid
// bytes and error message.
func contentHash(m *dal.Merged) int64 {
	h := sha256.New()
	h.Write(m.Raw)
	h.Write([]byte{0})
	h.Write(m.Invalid)
	h.Write([]byte{0})
	if m.Err != nil {
		h.Write([]byte(m.Err.Error()))
	}
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])))
}

// indexText (re)indexes the text of the given rows for search, in one
// statement.
func indexText(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, _ := json.Marshal(ids)
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO items_fts (rowid, title, url, text)
		SELECT id, title, url, text FROM items WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	return err
}

// dropSource removes a source's items, sightings and search entries.
func dropSource(ctx context.Context, tx *sql.Tx, source string) error {
	for _, q := range []string{
		"DELETE FROM items_fts WHERE rowid IN (SELECT id FROM items WHERE source = ?)",
		"DELETE FROM seen WHERE id IN (SELECT id FROM items WHERE source = ?)",
		"DELETE FROM items WHERE source = ?",
		"DELETE FROM snapshots WHERE source = ?",
		"DELETE FROM sources WHERE name = ?",
	} {
		if _, err := tx.ExecContext(ctx, q, source); err != nil {
			return err
		}
	}
	return nil
}
