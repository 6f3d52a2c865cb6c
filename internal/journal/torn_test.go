package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hoard-dev/hoard/internal/testfs"
)

// A half-written last line (a crash, a full disk) is set apart before the
// next append, with a warning: the next record is not glued to it and
// lost.
func TestTornTailTruncatedOnAppend(t *testing.T) {
	j := openIn(t.TempDir())
	var warnings []string
	j.Warn = func(msg string) { warnings = append(warnings, msg) }
	if err := j.Append(Entry{Source: "a", Outcome: OK}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"source":"a","start":"2026-01-0`) // torn
	f.Close()
	if err := j.Append(Entry{Source: "b", Outcome: Failed}); err != nil {
		t.Fatal(err)
	}
	entries, bad, err := j.ReadAll()
	if err != nil || len(entries) != 2 || entries[1].Source != "b" {
		t.Fatalf("entries %+v, bad %v, err %v: the record after the torn line is lost", entries, bad, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "incomplete") || !strings.Contains(warnings[0], j.Path) {
		t.Errorf("warnings %q", warnings)
	}
	data, _ := os.ReadFile(j.Path)
	if !bytes.HasSuffix(data, []byte("\n")) || bytes.Contains(data, []byte(`"start":"2026-01-0{`)) {
		t.Errorf("journal:\n%s", data)
	}
}

// Journals written before appends were whole-or-nothing may hold a torn
// record glued to the next one: the reader recovers the whole one and
// reports the torn part.
func TestGluedRecordRecovered(t *testing.T) {
	j := openIn(t.TempDir())
	j.Append(Entry{Source: "a", Outcome: OK})
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"source":"a","start":"2026-01-0` + `{"source":"b","start":"2026-01-02T00:00:00Z","end":"2026-01-02T00:00:01Z","outcome":"ok","attempts":1}` + "\n")
	f.Close()
	entries, bad, err := j.ReadAll()
	if err != nil || len(entries) != 2 || entries[1].Source != "b" || entries[1].Outcome != OK {
		t.Fatalf("entries %+v, err %v", entries, err)
	}
	if len(bad) != 1 || !strings.Contains(bad[0].Error(), ":2:") {
		t.Errorf("bad %v, want the torn part of line 2 reported", bad)
	}
}

// A final line without its newline is reported too (nothing to glue yet).
func TestUnterminatedLastLineReported(t *testing.T) {
	j := openIn(t.TempDir())
	j.Append(Entry{Source: "a", Outcome: OK})
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"source":"a","sta`)
	f.Close()
	entries, bad, err := j.ReadAll()
	if err != nil || len(entries) != 1 || len(bad) != 1 {
		t.Errorf("entries %d, bad %v, err %v", len(entries), bad, err)
	}
}

// On a real full disk an append that cannot be written whole leaves
// nothing: the error is returned and the file is as it was, so that the
// next run's record (once there is room) reads back.
func TestAppendWholeOrNothingOnFullDisk(t *testing.T) {
	dir := testfs.Tmpfs(t, 1<<20)
	j := openIn(filepath.Join(dir, "state"))
	// The first line ends 100 bytes before a page boundary: the next,
	// longer one starts in that page and then needs a page the disk has
	// not got, so write(2) stores part of it.
	first := Entry{Source: "a", Outcome: OK}
	line, _ := marshalLine(first)
	first.Error = strings.Repeat("x", 4096-100-len(line))
	if err := j.Append(first); err != nil {
		t.Fatal(err)
	}
	filler := testfs.Fill(t, dir, 0)
	before, _ := os.ReadFile(j.Path)
	err := j.Append(Entry{Source: "b", Outcome: Failed, Error: strings.Repeat("y", 300)})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("append on a full disk: %v, want ENOSPC", err)
	}
	if after, _ := os.ReadFile(j.Path); !bytes.Equal(after, before) {
		t.Fatalf("journal changed by a failed append: %d -> %d bytes, ends %q", len(before), len(after), after[max(0, len(after)-40):])
	}
	os.Remove(filler)
	if err := j.Append(Entry{Source: "c", Outcome: OK}); err != nil {
		t.Fatal(err)
	}
	entries, bad, err := j.ReadAll()
	if err != nil || len(bad) != 0 || len(entries) != 2 || entries[1].Source != "c" {
		t.Errorf("entries %+v, bad %v, err %v", entries, bad, err)
	}
}
