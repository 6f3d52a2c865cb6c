package dal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/snapshot"
)

// describeAll renders a merge completely and independently of sameMerge:
// every item in order with its kind, key, newest version, time, first and
// last sighting (stamp and file), and the invalid items.
func describeAll(r *Result) string {
	var b strings.Builder
	for _, list := range [][]Merged{r.Items, r.Invalid} {
		for _, it := range list {
			fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%s|%s#%d|%s#%d|%v\n", it.Kind, it.Key, it.Raw, it.Invalid, it.Time.Format(time.RFC3339Nano),
				it.FirstSeen.Format(time.RFC3339), it.LastSeen.Format(time.RFC3339),
				r.Files[it.First.Snap].Snapshot.Name, it.First.Seq, r.Files[it.Last.Snap].Snapshot.Name, it.Last.Seq, it.Err)
		}
		b.WriteString("--\n")
	}
	return b.String()
}

func mergeOf(t *testing.T, spec Spec, snaps []snapshot.Snapshot) *Result {
	t.Helper()
	res, err := Merge(context.Background(), spec, snaps, Options{Ranges: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// randomSource writes a random snapshot sequence: items that appear,
// vanish and come back, edited now and then (sometimes back to an old
// version), repeated within one file, with times or not; long quiet
// stretches where nothing changes; now and then a file that does not
// parse or an item that is not valid JSON.
func randomSource(t *testing.T, r *rand.Rand, dir string, withErrors bool) {
	n := 2 + r.IntN(14)
	keys := 1 + r.IntN(25)
	ver := map[int]int{}
	present := map[int]bool{}
	var prev string
	for s := range n {
		if s > 0 && r.IntN(3) == 0 { // a quiet day: the same items again
			writeSnap(t, dir, s, "json", prev)
			continue
		}
		for k := range keys {
			switch r.IntN(6) {
			case 0:
				present[k] = !present[k]
			case 1:
				ver[k] = r.IntN(3) // an edit, maybe back to an earlier version
			}
			if s == 0 && r.IntN(2) == 0 {
				present[k] = true
			}
		}
		var parts []string
		for k := range keys {
			if !present[k] {
				continue
			}
			item := fmt.Sprintf(`{"id":"k%d","t":"2024-01-%02dT00:00:00Z","v":%d}`, k, 1+k%28, ver[k])
			parts = append(parts, item)
			if r.IntN(15) == 0 { // repeated in one file, maybe in another version
				parts = append(parts, fmt.Sprintf(`{"id":"k%d","t":"2024-01-%02dT00:00:00Z","v":%d}`, k, 1+k%28, r.IntN(3)))
			}
		}
		if withErrors && r.IntN(12) == 0 {
			parts = append(parts, `{"id":"bad","x":tru}`)
		}
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		doc := `{"saved":[` + strings.Join(parts, ",") + `]}`
		if withErrors && r.IntN(15) == 0 {
			doc = doc[:len(doc)/2] // truncated
		}
		writeSnap(t, dir, s, "json", doc)
		prev = doc
	}
}

// model is the rule Redundant implements, written the slow way from the
// records themselves: a snapshot goes when it is neither the first nor
// the newest, it and its neighbours read cleanly, every key in it was in
// an earlier snapshot, and every version in it is in a later one.
func model(t *testing.T, spec Spec, snaps []snapshot.Snapshot) []bool {
	type rec struct{ key, ver string }
	files := make([][]rec, len(snaps))
	bad := make([]bool, len(snaps))
	for i, s := range snaps {
		dec, _ := decoderFor(&spec, s)
		k := newKeyer(&spec)
		for r, err := range dec.Records(context.Background(), s.Path, &spec) {
			if err != nil {
				bad[i] = true
				continue
			}
			key, err := k.appendKey(nil, r.Kind, r.Raw)
			if err != nil || !validJSON(r.Raw) {
				bad[i] = true
				continue
			}
			files[i] = append(files[i], rec{r.Kind + "\x00" + string(key), r.Kind + "\x00" + string(r.Raw)})
		}
	}
	out := make([]bool, len(snaps))
	for i := 1; i < len(snaps)-1; i++ {
		if bad[i] || bad[i-1] || bad[i+1] {
			continue
		}
		ok := true
		for _, rc := range files[i] {
			before := slices.ContainsFunc(files[:i], func(f []rec) bool { return slices.ContainsFunc(f, func(x rec) bool { return x.key == rc.key }) })
			after := slices.ContainsFunc(files[i+1:], func(f []rec) bool { return slices.ContainsFunc(f, func(x rec) bool { return x.ver == rc.ver }) })
			ok = ok && before && after
		}
		out[i] = ok
	}
	return out
}

// TestPruneProperty: for random snapshot sequences, the merge after
// pruning equals the merge before, for both merge styles and with or
// without item keys; every version ever seen is still in some snapshot;
// and what is removed is exactly what the rule, computed the slow way,
// allows.
func TestPruneProperty(t *testing.T) {
	removed := 0
	for seed := range uint64(150) {
		r := rand.New(rand.NewPCG(seed, 2024))
		dir := t.TempDir()
		withErrors := seed%3 == 0
		randomSource(t, r, dir, withErrors)
		l, err := snapshot.ListDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		specs := []Spec{
			{Source: "p", Items: []string{"saved"}, Key: []string{"id"}, Time: "t"},
			{Source: "p", Items: []string{"saved"}}, // the whole item is its key
		}
		spec := specs[seed%2]
		p, err := Redundant(context.Background(), spec, l.Snapshots, PruneOptions{Workers: 1 + int(seed%2)})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		var kept []snapshot.Snapshot
		var got []bool
		for _, v := range p.Verdicts {
			got = append(got, v.Remove)
			if !v.Remove {
				kept = append(kept, v.Snapshot)
			} else {
				removed++
			}
		}
		if want := model(t, spec, l.Snapshots); !slices.Equal(got, want) {
			t.Errorf("seed %d: removes %v, the rule says %v", seed, got, want)
		}
		for _, style := range []string{Union, Latest} {
			s := spec
			s.Merge = style
			before, after := describeAll(mergeOf(t, s, l.Snapshots)), describeAll(mergeOf(t, s, kept))
			if before != after {
				t.Fatalf("seed %d, %s: the merge changed\nbefore:\n%s\nafter:\n%s", seed, style, before, after)
			}
		}
		// Every version is still somewhere: the whole-content merge keeps
		// the same set of items.
		whole := Spec{Source: "p", Items: []string{"saved"}}
		if a, b := versionsOf(t, whole, l.Snapshots), versionsOf(t, whole, kept); !slices.Equal(a, b) {
			t.Fatalf("seed %d: versions lost:\n%v\n%v", seed, a, b)
		}
	}
	if removed < 100 {
		t.Errorf("only %d snapshots removed over all seeds: the test does not exercise pruning", removed)
	}
}

func versionsOf(t *testing.T, spec Spec, snaps []snapshot.Snapshot) []string {
	var out []string
	for _, it := range mergeOf(t, spec, snaps).Items {
		out = append(out, string(it.Raw))
	}
	slices.Sort(out)
	return out
}

// With KeepGaps, a removal never makes gap detection find a gap it does
// not find over all the snapshots: here the middle snapshot's items were
// all seen before and again later, but without it the two around it do
// not overlap.
func TestPruneKeepsGaps(t *testing.T) {
	dir := t.TempDir()
	item := func(d int) string { return fmt.Sprintf(`{"id":%d,"t":"2024-02-%02dT00:00:00Z"}`, d, max(1, d%100)) }
	doc := func(ds ...int) string {
		var parts []string
		for _, d := range ds {
			parts = append(parts, item(d))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	writeSnap(t, dir, 0, "json", doc(1, 2, 3, 4, 5, 6))
	writeSnap(t, dir, 1, "json", doc(1, 2, 3, 100))  // 100 (also on the 1st) is new: it stays
	writeSnap(t, dir, 2, "json", doc(2, 3, 4, 5, 6)) // all seen before, all again after
	writeSnap(t, dir, 3, "json", doc(5, 6, 7))       // 7 is new: it stays
	writeSnap(t, dir, 4, "json", doc(1, 2, 3, 4, 5, 6, 7, 100))
	l, _ := snapshot.ListDir(dir)
	spec := Spec{Key: []string{"id"}, Time: "t"}
	loose, err := Redundant(context.Background(), spec, l.Snapshots, PruneOptions{})
	if err != nil || len(loose.Removed()) != 1 || loose.Removed()[0].Snapshot.Path != l.Snapshots[2].Path {
		t.Fatalf("without KeepGaps: %+v %v", loose, err)
	}
	p, err := Redundant(context.Background(), spec, l.Snapshots, PruneOptions{KeepGaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Removed()) != 0 || !strings.Contains(p.Verdicts[2].Reason, "gap") {
		t.Errorf("with KeepGaps: %+v", p.Verdicts)
	}
	if g := Gaps(mergeOf(t, spec, []snapshot.Snapshot{l.Snapshots[0], l.Snapshots[1], l.Snapshots[3], l.Snapshots[4]}).Files); len(g) != 1 {
		t.Errorf("the test's premise: %d gaps without snapshot 2, want 1", len(g))
	}
}

// The first and newest snapshot of each host's directory stay; only the
// candidates may go; an unreadable file and its neighbours stay, each
// with its reason.
func TestPruneReasons(t *testing.T) {
	dir := t.TempDir()
	same := `[{"id":1},{"id":2}]`
	for i := range 6 {
		writeSnap(t, dir, i, "json", same)
	}
	os.WriteFile(writeSnap(t, dir, 6, "json", ""), []byte(`[{"id":1},`), 0o644) // truncated
	writeSnap(t, dir, 7, "json", same)
	writeSnap(t, dir, 8, "json", same)
	writeSnap(t, dir, 9, "json", same)
	l, _ := snapshot.ListDir(dir)
	l.Snapshots[3].Host = "other" // pretend: another machine's directory
	p, err := Redundant(context.Background(), Spec{Key: []string{"id"}}, l.Snapshots, PruneOptions{
		Candidate: func(s snapshot.Snapshot) bool { return s.Path != l.Snapshots[4].Path }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"the first snapshot", "every item", "every item", "the first snapshot of other", "another machine's",
		"next to", "cannot be read whole", "next to", "every item", "the newest snapshot"}
	for i, v := range p.Verdicts {
		if !strings.Contains(v.Reason, want[i]) || v.Remove != strings.HasPrefix(want[i], "every") {
			t.Errorf("snapshot %d: remove %v, %q; want %q", i, v.Remove, v.Reason, want[i])
		}
	}
	if p.Items != 2 || p.Versions != 2 {
		t.Errorf("compared %d items, %d versions", p.Items, p.Versions)
	}
}

// A source whose snapshots have no decoder is never pruned.
func TestPruneNeedsADecoder(t *testing.T) {
	dir := t.TempDir()
	for i := range 4 {
		writeSnap(t, dir, i, "ical", "BEGIN:VCALENDAR")
	}
	l, _ := snapshot.ListDir(dir)
	if _, err := Redundant(context.Background(), Spec{}, l.Snapshots, PruneOptions{}); !errors.Is(err, ErrNoDecoder) {
		t.Errorf("err %v, want ErrNoDecoder", err)
	}
}

// SQLite snapshots are compared by their rows: daily copies of a
// database whose bytes differ (a page rewritten, a counter in another
// table) but whose rows are those of the day before go.
func TestPruneSQLiteByRows(t *testing.T) {
	dir := t.TempDir()
	spec := Spec{Key: []string{"id"}, Queries: map[string]string{"visits": "SELECT id, url FROM visits"}}
	rows := [][]int{{1, 2}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3, 4}}
	for i, ids := range rows {
		p := writeSnap(t, dir, i, "sqlite", "")
		os.Remove(p)
		db := openTestDB(t, p)
		db.Exec("CREATE TABLE visits (id INTEGER PRIMARY KEY, url TEXT)")
		db.Exec("CREATE TABLE counter (n INTEGER)")
		db.Exec("INSERT INTO counter VALUES (?)", i) // the file differs every day
		for _, id := range ids {
			db.Exec("INSERT INTO visits VALUES (?, ?)", id, fmt.Sprintf("https://example.org/%d", id))
		}
		db.Close()
	}
	l, _ := snapshot.ListDir(dir)
	p, err := Redundant(context.Background(), spec, l.Snapshots, PruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, v := range p.Verdicts {
		got = append(got, v.Remove)
	}
	if want := []bool{false, false, true, true, false}; !slices.Equal(got, want) {
		t.Errorf("removes %v, want %v (%+v)", got, want, p.Verdicts)
	}
}

func openTestDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// The time ranges the version index gathers (each distinct version's
// time read once) are those the merge computes record by record.
func TestPruneRangesMatchMerge(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 7))
		dir := t.TempDir()
		randomSource(t, r, dir, seed%2 == 0)
		l, _ := snapshot.ListDir(dir)
		spec := Spec{Source: "p", Items: []string{"saved"}, Key: []string{"id"}, Time: "t", Merge: Union}
		want, err := Merge(context.Background(), spec, l.Snapshots, Options{Ranges: true})
		if err != nil {
			t.Fatal(err)
		}
		v := newVersionIndex(len(l.Snapshots))
		v.withRanges(&spec)
		if _, err := merge(context.Background(), spec, l.Snapshots, Options{}, v.add); err != nil {
			t.Fatal(err)
		}
		for i, f := range want.Files {
			if fmt.Sprint(f.Ranges) != fmt.Sprint(v.ranges[i]) && !(len(f.Ranges) == 0 && len(v.ranges[i]) == 0) {
				t.Fatalf("seed %d, snapshot %d: ranges %v, merge's %v", seed, i, v.ranges[i], f.Ranges)
			}
		}
	}
}

// sameDigests names the first item that differs, items or invalid ones.
func TestSameDigests(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "json", `[{"id":1},{"id":2,"x":tru}]`)
	writeSnap(t, dir, 1, "json", `[{"id":1,"v":2},{"id":2,"x":fals}]`)
	l, _ := snapshot.ListDir(dir)
	spec := Spec{Key: []string{"id"}}
	a, b := mergeOf(t, spec, l.Snapshots), mergeOf(t, spec, l.Snapshots[:1])
	if err := sameDigests(digestMerge(a), a); err != nil {
		t.Errorf("a merge differs from itself: %v", err)
	}
	if err := sameDigests(digestMerge(a), b); err == nil || !strings.Contains(err.Error(), `item 1 (items "1"`) {
		t.Errorf("err %v", err)
	}
	onlyInvalid := &Result{Invalid: a.Invalid, Files: a.Files}
	want := digestMerge(onlyInvalid)
	want[0][0] ^= 1
	if err := sameDigests(want, onlyInvalid); err == nil || !strings.Contains(err.Error(), `item 1 (items "2"`) {
		t.Errorf("invalid items: %v", err)
	}
	if err := sameMerge(a, b); err == nil {
		t.Error("sameMerge found no difference")
	}
}
