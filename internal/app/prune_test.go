package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/index"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/lock"
	"github.com/hoard-dev/hoard/snapshot"
)

// order writes the exporter's next output: the items ids, in that order
// (the same items in another order are other bytes, the same data).
func (s *stable) order(ids ...int) {
	var b []byte
	for _, i := range ids {
		b = fmt.Appendf(b, "{\"id\":%d,\"t\":\"2024-01-%02dT00:00:00Z\"}\n", i, i)
	}
	if err := os.WriteFile(s.data, b, 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// readAll renders every item of the source, through the index or not.
func (s *stable) readAll(noCache bool) string {
	s.t.Helper()
	ts, err := s.a.Targets([]string{"feed"})
	if err != nil {
		s.t.Fatal(err)
	}
	r, err := s.a.Reader(noCache).Read(context.Background(), ts, dal.Query{})
	if err != nil {
		s.t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	for it, err := range r.Items {
		if err != nil {
			s.t.Fatal(err)
		}
		b.Write(it.AppendJSON(nil))
		b.WriteByte('\n')
	}
	if len(r.Problems) > 0 || len(r.Warnings) > 0 {
		s.t.Fatalf("problems: %v, warnings: %v", r.Problems, r.Warnings)
	}
	return b.String()
}

// Prune through the glue: the redundant snapshots go to the trash, the
// journal records each removal and why, the index (warm before the
// prune) then yields exactly what it yielded before, and so does the
// uncached read; verify and doctor count the pruned files as gone on
// purpose, not missing.
func TestPruneApply(t *testing.T) {
	s := newStable(t, "")
	for _, ids := range [][]int{{1, 2, 3}, {3, 1, 2}, {2, 3, 1}, {1, 2, 3, 4}, {4, 3, 2, 1}, {1, 2, 3, 4, 5}} {
		s.order(ids...)
		s.run()
	}
	if n := len(s.snapshots()); n != 6 {
		t.Fatalf("%d snapshots", n)
	}
	before := s.readAll(false) // builds the index
	if before != s.readAll(true) {
		t.Fatal("cached and uncached reads differ before pruning")
	}
	ts, _ := s.a.Targets([]string{"feed"})

	dry, err := s.a.Pruner(false, false).Prune(context.Background(), ts)
	if err != nil || len(dry) != 1 || len(dry[0].Removed) != 3 || dry[0].Applied || len(s.snapshots()) != 6 {
		t.Fatalf("dry run: %+v %v (%d snapshots)", dry, err, len(s.snapshots()))
	}
	var freed int64
	for _, sn := range s.snapshots()[1:3] {
		freed += sn.Size
	}
	freed += s.snapshots()[4].Size
	if dry[0].BytesFreed != freed || dry[0].Kept["first sighting of an item"] != 1 || dry[0].Kept["first snapshot"] != 1 || dry[0].Kept["newest snapshot"] != 1 {
		t.Errorf("dry run report %+v, want %d bytes freed", dry[0], freed)
	}

	rs, err := s.a.Pruner(true, false).Prune(context.Background(), ts)
	if err != nil || rs[0].Error != "" || !rs[0].Applied || len(rs[0].Removed) != 3 {
		t.Fatalf("apply: %+v %v", rs, err)
	}
	if n := len(s.snapshots()); n != 3 {
		t.Errorf("%d snapshots left, want 3", n)
	}
	for _, f := range rs[0].Removed {
		if filepath.Dir(f.Trash) != s.a.Layout.Trash("feed", "") {
			t.Errorf("%s went to %s", f.Path, f.Trash)
		}
		if _, err := os.Stat(f.Trash); err != nil {
			t.Errorf("trash: %v", err)
		}
	}
	// The index finds the removed snapshots and rebuilds the source.
	x, err := index.Open(context.Background(), s.a.Layout.Index())
	if err != nil {
		t.Fatal(err)
	}
	ts2, _ := s.a.Targets([]string{"feed"})
	l, _ := snapshot.ListDir(ts2[0].Dir)
	st, err := x.Refresh(context.Background(), index.Source{Spec: s.a.Spec("feed"), Snaps: l.Snapshots})
	x.Close()
	if err != nil || !st.Rebuilt || !strings.Contains(st.Reason, "snapshot removed") {
		t.Errorf("refresh after prune: %+v %v; want a rebuild for a removed snapshot", st, err)
	}
	if after := s.readAll(false); after != before {
		t.Errorf("read through the index after pruning differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if after := s.readAll(true); after != before {
		t.Errorf("uncached read after pruning differs")
	}

	entries, _, _ := (&journal.Journal{Path: s.a.Layout.Journal()}).ReadAll()
	pruned := 0
	for _, e := range entries {
		if e.Outcome == journal.Pruned {
			pruned++
			if e.Reason == "" || e.Trash == "" || e.Path == "" {
				t.Errorf("prune record %+v", e)
			}
		}
	}
	if pruned != 3 {
		t.Errorf("%d prune records, want 3", pruned)
	}
	rows, _ := s.a.Status(entries[len(entries)-1].End, nil)
	if rows[0].Failures != 0 || rows[0].Outcome != journal.OK || rows[0].Snapshots != 3 {
		t.Errorf("status after prune (prune records are not runs): %+v", rows[0])
	}
	vs, err := s.a.Verify(context.Background(), nil)
	if err != nil || !vs[0].OK() || vs[0].Verified != 3 {
		t.Errorf("verify after prune: %+v %v", vs, err)
	}
	// Nothing more to prune.
	again, _ := s.a.Pruner(true, false).Prune(context.Background(), ts)
	if len(again[0].Removed) != 0 {
		t.Errorf("second prune removed %+v", again[0].Removed)
	}
}

// --delete deletes; a source being exported is not pruned (its lock).
func TestPruneDeleteAndLock(t *testing.T) {
	s := newStable(t, "")
	for _, ids := range [][]int{{1, 2}, {2, 1}, {1, 2, 3}} {
		s.order(ids...)
		s.run()
	}
	ts, _ := s.a.Targets([]string{"feed"})
	l, err := lock.TryAcquire(s.a.Layout.Lock("feed"))
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := s.a.Pruner(true, true).Prune(context.Background(), ts)
	if !strings.Contains(rs[0].Error, "not pruned") || len(s.snapshots()) != 3 || app.PruneErrors(rs) == nil {
		t.Errorf("locked: %+v", rs[0])
	}
	l.Release()
	rs, _ = s.a.Pruner(true, true).Prune(context.Background(), ts)
	if rs[0].Error != "" || len(rs[0].Removed) != 1 || rs[0].Removed[0].Trash != "" || len(s.snapshots()) != 2 {
		t.Errorf("delete: %+v", rs[0])
	}
	if _, err := os.Stat(rs[0].Removed[0].Path); !os.IsNotExist(err) {
		t.Errorf("deleted file still there: %v", err)
	}
	if _, err := os.Stat(s.a.Layout.Trash("feed", "")); !os.IsNotExist(err) {
		t.Error("--delete made a trash directory")
	}
}

// A per-host source prunes only this machine's directory, reading every
// host's snapshots to decide; each host's first and newest stay.
func TestPrunePerHost(t *testing.T) {
	s := newStable(t, "per_host = true\n")
	dir := filepath.Join(s.root, "feed")
	// Another machine's snapshots, in its own directory, hold the same
	// items: its files are never this machine's to remove.
	other := filepath.Join(dir, "laptop")
	os.MkdirAll(other, 0o700)
	for i, body := range []string{"{\"id\":1,\"t\":\"2024-01-01T00:00:00Z\"}\n", "{\"id\":1,\"t\":\"2024-01-01T00:00:00Z\"}\n\n", "{\"id\":1,\"t\":\"2024-01-01T00:00:00Z\"}\n\n\n"} {
		os.WriteFile(filepath.Join(other, fmt.Sprintf("2023010%dT000000Z.jsonl", i+1)), []byte(body), 0o600)
	}
	for _, ids := range [][]int{{1, 2}, {2, 1}, {1, 2}, {2, 1}, {1, 2, 3}} {
		s.order(ids...)
		s.run()
	}
	before := s.readAll(true)
	ts, _ := s.a.Targets([]string{"feed"})
	rs, err := s.a.Pruner(true, false).Prune(context.Background(), ts)
	if err != nil || rs[0].Error != "" {
		t.Fatal(rs, err)
	}
	for _, f := range rs[0].Removed {
		if filepath.Base(filepath.Dir(f.Path)) != "desk" || filepath.Dir(f.Trash) != s.a.Layout.Trash("feed", "desk") {
			t.Errorf("removed %s -> %s: only desk's snapshots may go, to desk's trash", f.Path, f.Trash)
		}
	}
	if len(rs[0].Removed) != 3 || rs[0].Kept["another machine's"] != 1 {
		t.Errorf("report %+v", rs[0])
	}
	if after := s.readAll(true); after != before {
		t.Errorf("merge across hosts changed:\n%s\n%s", before, after)
	}
	b, _ := json.Marshal(rs[0])
	if !strings.Contains(string(b), `"applied":true`) {
		t.Errorf("json %s", b)
	}
}

// Verify finds bit rot, truncation and missing files by name, and says
// which snapshots it could check against the journal.
func TestVerify(t *testing.T) {
	s := newStable(t, "")
	for _, ids := range [][]int{{1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}} {
		s.order(ids...)
		s.run()
	}
	snaps := s.snapshots()
	// A file no run wrote (a capture, arctee), readable.
	os.WriteFile(filepath.Join(s.root, "feed", "20000101T000000Z.jsonl"), []byte("{\"id\":0}\n"), 0o600)
	vs, err := s.a.Verify(context.Background(), []string{"feed"})
	if err != nil || !vs[0].OK() || vs[0].Verified != 4 || vs[0].Unrecorded != 1 || vs[0].Checked != 5 {
		t.Fatalf("intact: %+v %v", vs, err)
	}
	// Bit rot in a zstd file, same size.
	b, _ := os.ReadFile(snaps[1].Path)
	b[len(b)/2] ^= 0x40
	os.WriteFile(snaps[1].Path, b, 0o600)
	// A truncation.
	b, _ = os.ReadFile(snaps[2].Path)
	os.WriteFile(snaps[2].Path, b[:len(b)-4], 0o600)
	// A file gone.
	os.Remove(snaps[3].Path)
	vs, err = s.a.Verify(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	v := vs[0]
	if v.OK() || len(v.Missing) != 1 || v.Missing[0] != snaps[3].Path || len(v.Damaged) != 2 || v.Verified != 1 {
		t.Fatalf("damaged: %+v", v)
	}
	if v.Damaged[0].Path != snaps[1].Path || v.Damaged[1].Path != snaps[2].Path || !strings.Contains(v.Damaged[1].Problem, "when it was written") {
		t.Errorf("damage %+v", v.Damaged)
	}
	// Doctor's summary: the quick check sees the missing and the
	// truncated file (its size), and the last verify's problems.
	ts, _ := s.a.Targets(nil)
	reports, err := s.a.Reader(true).Doctor(context.Background(), ts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.a.CheckStorage(context.Background(), reports); err != nil {
		t.Fatal(err)
	}
	sc := reports[0].Storage
	if sc == nil || len(sc.Missing) != 1 || len(sc.Damaged) != 1 || sc.LastVerify == nil || sc.LastVerify.Problems != 3 || !reports[0].Attention() {
		t.Errorf("doctor storage %+v", sc)
	}
}

// Two machines' snapshots with the same name (both ran in the same
// second, as they do: a source's jitter is the same everywhere) are two
// snapshots for the index too, read in the same order cached or not.
func TestPerHostSameStampThroughIndex(t *testing.T) {
	s := newStable(t, "per_host = true\n")
	dir := filepath.Join(s.root, "feed")
	for host, body := range map[string]string{"desk": "{\"id\":1,\"t\":\"2024-01-01T00:00:00Z\"}\n", "laptop": "{\"id\":2,\"t\":\"2024-01-01T00:00:00Z\"}\n"} {
		os.MkdirAll(filepath.Join(dir, host), 0o700)
		for _, stamp := range []string{"20240101T000000Z", "20240102T000000Z"} {
			os.WriteFile(filepath.Join(dir, host, stamp+".jsonl"), []byte(body), 0o600)
		}
	}
	cached, uncached := s.readAll(false), s.readAll(true)
	if cached != uncached || strings.Count(cached, "\n") != 2 {
		t.Errorf("cached:\n%s\nuncached:\n%s", cached, uncached)
	}
	if !strings.Contains(cached, `"key":"1"`) || !strings.Contains(cached, `"key":"2"`) {
		t.Errorf("an item of one host is missing:\n%s", cached)
	}
	s.readAll(false) // a second refresh finds nothing to do and no conflict
}

// A source whose snapshots have no decoder is skipped, not pruned, and
// that is no error.
func TestPruneSkipsSourceWithoutDecoder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rtm")
	os.MkdirAll(dir, 0o700)
	for _, stamp := range []string{"20240101T000000Z", "20240102T000000Z", "20240103T000000Z"} {
		os.WriteFile(filepath.Join(dir, stamp+".ical"), []byte("BEGIN:VCALENDAR\n"), 0o600)
	}
	a, err := load(t, fmt.Sprintf("root = %q\n[sources.rtm]\nexporter = \"command\"\ncommand = [\"true\"]\nextension = \"ical\"\n", root))
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := a.Targets(nil)
	rs, err := a.Pruner(true, false).Prune(context.Background(), ts)
	if err != nil || !strings.Contains(rs[0].Skipped, `no decoder for extension "ical"`) || len(rs[0].Removed) != 0 || app.PruneErrors(rs) != nil {
		t.Errorf("%+v %v", rs, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%d files left", len(entries))
	}
}
