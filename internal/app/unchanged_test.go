package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/snapshot"
)

// stable is a source whose exporter prints a file: the test changes the
// file, or not, between runs.
type stable struct {
	t    *testing.T
	a    *app.App
	r    *app.Runner
	data string
	root string
}

func newStable(t *testing.T, extra string) *stable {
	t.Helper()
	s := &stable{t: t, root: t.TempDir(), data: filepath.Join(t.TempDir(), "out.jsonl")}
	a, err := load(t, fmt.Sprintf(`root = %q
host = "desk"
[sources.feed]
exporter = "command"
command = ["cat", %q]
extension = "jsonl"
compression = "zstd"
key = "id"
time = "t"
schedule = "@daily"
%s`, s.root, s.data, extra))
	if err != nil {
		t.Fatal(err)
	}
	s.a = a
	s.r = &app.Runner{Runner: &export.Runner{}, Store: snapshot.New(a.Config.Root), Layout: a.Layout, Journal: &journal.Journal{Path: a.Layout.Journal()}}
	return s
}

// items writes items n..m (one a day from 2024-01-01) as the exporter's
// next output.
func (s *stable) items(n, m int) {
	var b []byte
	for i := n; i <= m; i++ {
		b = fmt.Appendf(b, "{\"id\":%d,\"t\":%q}\n", i, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.RFC3339))
	}
	if err := os.WriteFile(s.data, b, 0o600); err != nil {
		s.t.Fatal(err)
	}
}

func (s *stable) run() app.Result {
	s.t.Helper()
	exp, err := s.a.Exporter("feed")
	if err != nil {
		s.t.Fatal(err)
	}
	res := s.r.Run(context.Background(), s.a.Config.Sources["feed"].Source, s.a.Extension("feed"), exp)
	if res.Err != nil || res.JournalErr != nil {
		s.t.Fatalf("run: %v %v", res.Err, res.JournalErr)
	}
	return res
}

func (s *stable) snapshots() []snapshot.Snapshot {
	s.t.Helper()
	ts, _ := s.a.Targets([]string{"feed"})
	list := snapshot.ListDir
	if ts[0].PerHost {
		list = snapshot.ListTree
	}
	l, err := list(ts[0].Dir)
	if err != nil {
		s.t.Fatal(err)
	}
	return l.Snapshots
}

// Two runs of an unchanged source store one file: the second is journaled
// as unchanged with the stamp it confirmed, and status, freshness and gap
// detection count it as a success that saw the data at its time.
func TestUnchangedRunWritesNoFile(t *testing.T) {
	s := newStable(t, "")
	s.items(1, 5)
	first := s.run()
	if first.Unchanged || len(s.snapshots()) != 1 {
		t.Fatalf("first run: %+v", first)
	}
	for range 3 {
		second := s.run()
		if !second.Unchanged || second.Snapshot.Path != first.Snapshot.Path || second.Snapshot.SHA256 != first.Snapshot.SHA256 {
			t.Fatalf("an identical run: %+v, want unchanged confirming %s", second, first.Snapshot.Path)
		}
	}
	if n := len(s.snapshots()); n != 1 {
		t.Fatalf("%d snapshots after 4 identical runs, want 1", n)
	}
	entries, _, err := (&journal.Journal{Path: s.a.Layout.Journal()}).ReadAll()
	if err != nil || len(entries) != 4 {
		t.Fatalf("journal %v %v", entries, err)
	}
	last := entries[3]
	if entries[0].Outcome != journal.OK || last.Outcome != journal.Unchanged || last.Path != first.Snapshot.Path ||
		last.Confirmed != snapshot.StampOfPath(first.Snapshot.Path) || last.SHA256 != first.Snapshot.SHA256 || last.Confirmed == "" {
		t.Errorf("journal: %+v", entries)
	}

	// Status: a success at the last run, the newest snapshot confirmed
	// then, not stale two days after the file was written.
	now := last.End.Add(time.Hour)
	rows, err := s.a.Status(now, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := rows[0]
	if row.Outcome != journal.Unchanged || row.LastSuccess == nil || !row.LastSuccess.Equal(last.End) || row.Confirmed == nil ||
		!row.Confirmed.Equal(last.End) || row.Snapshots != 1 || row.Failures != 0 || row.State != "ok" {
		t.Errorf("status %+v", row)
	}
	if err := s.a.CheckGaps(context.Background(), rows); err != nil || *rows[0].AtRisk {
		t.Errorf("a stable source is at risk: %v %+v", err, rows[0])
	}

	// The data changes, overlapping what was seen: a new snapshot, and
	// still no gap (the unchanged runs saw items 1..5 until the change).
	s.items(3, 9)
	if res := s.run(); res.Unchanged || len(s.snapshots()) != 2 {
		t.Fatalf("changed output: %+v, %d snapshots", res, len(s.snapshots()))
	}
	s.run() // unchanged again
	if n, err := s.a.Gaps(context.Background(), "feed"); err != nil || n != 0 {
		t.Errorf("%d gaps, err %v", n, err)
	}
	rows, _ = s.a.Status(time.Now().Add(36*time.Hour), nil)
	if rows[0].Stale || rows[0].State != "ok" || rows[0].Outcome != journal.Unchanged {
		t.Errorf("status a day and a half after an unchanged run: %+v", rows[0])
	}
}

// keep_identical = true keeps today's behaviour: every run is a snapshot.
func TestKeepIdentical(t *testing.T) {
	s := newStable(t, "keep_identical = true\n")
	s.items(1, 3)
	s.run()
	if res := s.run(); res.Unchanged || len(s.snapshots()) != 2 {
		t.Errorf("keep_identical: %+v, %d snapshots; want two files", res, len(s.snapshots()))
	}
}

// A newest snapshot the journal did not write (a capture, a copy, a file
// replaced by hand) is never taken as the previous output.
func TestUnchangedNeedsTheJournalsFile(t *testing.T) {
	s := newStable(t, "")
	s.items(1, 3)
	first := s.run()
	// The same content, copied in by hand under a newer name.
	b, _ := os.ReadFile(first.Snapshot.Path)
	copied := filepath.Join(filepath.Dir(first.Snapshot.Path), "20990101T000000Z.jsonl.zst")
	os.WriteFile(copied, b, 0o600)
	if res := s.run(); res.Unchanged {
		t.Errorf("unchanged against a file the journal does not know: %+v", res)
	}
}

// Per host: a machine compares with its own newest snapshot, in its own
// directory.
func TestUnchangedPerHost(t *testing.T) {
	s := newStable(t, "per_host = true\n")
	s.items(1, 3)
	first := s.run()
	if filepath.Base(filepath.Dir(first.Snapshot.Path)) != "desk" {
		t.Fatalf("per-host snapshot at %s, want under desk/", first.Snapshot.Path)
	}
	if res := s.run(); !res.Unchanged {
		t.Errorf("second run %+v, want unchanged", res)
	}
	if n := len(s.snapshots()); n != 1 {
		t.Errorf("%d snapshots", n)
	}
}
