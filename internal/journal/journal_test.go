package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAppendConcurrentAndRead(t *testing.T) {
	j := openIn(t.TempDir())
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := j.Append(Entry{Source: fmt.Sprintf("s%d", i%3), Outcome: OK, Error: strings.Repeat("x", 5000)}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	entries, bad, err := j.ReadAll()
	if err != nil || len(bad) != 0 || len(entries) != 20 {
		t.Errorf("%d entries, bad %v, err %v", len(entries), bad, err)
	}
	if info, _ := os.Stat(j.Path); info.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v", info.Mode())
	}
}

func TestDamagedLineSkipped(t *testing.T) {
	j := openIn(t.TempDir())
	j.Append(Entry{Source: "a", Outcome: OK})
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("{\"source\": \"a\", trunc\n")
	f.Close()
	j.Append(Entry{Source: "a", Outcome: Failed})
	entries, bad, err := j.ReadAll()
	if err != nil || len(entries) != 2 || len(bad) != 1 || !strings.Contains(bad[0].Error(), ":2:") {
		t.Errorf("entries %d, bad %v, err %v", len(entries), bad, err)
	}
}

func TestMissingJournalIsEmpty(t *testing.T) {
	entries, bad, err := openIn(t.TempDir()).ReadAll()
	if len(entries)+len(bad) != 0 || err != nil {
		t.Errorf("%v %v %v", entries, bad, err)
	}
}

func TestSummarize(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var entries []Entry
	for i, o := range []string{OK, Failed, Locked, OK, Failed, TimedOut} {
		entries = append(entries, Entry{Source: "a", Outcome: o, End: at.Add(time.Duration(i) * time.Hour)})
	}
	s := Summarize(entries)["a"]
	if s.Runs != 5 || s.Failures != 2 || s.LastAttempt.Outcome != TimedOut || !s.LastSuccess.End.Equal(at.Add(3*time.Hour)) {
		t.Errorf("summary %+v", s)
	}
}

// openIn returns the journal file of a state directory, as
// paths.Layout.Journal names it.
func openIn(dir string) *Journal { return &Journal{Path: filepath.Join(dir, "journal.jsonl")} }
