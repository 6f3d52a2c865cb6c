package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/paths"
)

// Output cut short by an error while items are read ends after a whole
// line (a whole CSV record), never halfway through one, in every format.
func TestOutputCutShortIsWholeLines(t *testing.T) {
	errMid := errors.New("damaged index")
	items := func(n int) iter.Seq2[dal.Item, error] {
		return func(yield func(dal.Item, error) bool) {
			for i := range n {
				it := dal.Item{Source: "s", Kind: "k", Key: fmt.Sprint(i), Text: strings.Repeat("word ", 40) + "\nsecond line",
					Raw: []byte(fmt.Sprintf(`{"id":%d}`, i)), FirstSeen: time.Unix(0, 0), LastSeen: time.Unix(0, 0)}
				if !yield(it, nil) {
					return
				}
			}
			yield(dal.Item{}, errMid)
		}
	}
	for _, format := range []string{formatJSONL, formatCSV, formatTable} {
		var out bytes.Buffer
		if err := writeItems(&out, format, items(2000), time.UTC); !errors.Is(err, errMid) {
			t.Fatalf("%s: error %v", format, err)
		}
		text := out.String()
		if !strings.HasSuffix(text, "\n") {
			t.Errorf("%s: output ends halfway through a line: %q", format, text[max(0, len(text)-80):])
		}
		switch format {
		case formatJSONL:
			for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if !json.Valid([]byte(line)) {
					t.Fatalf("jsonl line %d is not JSON: %q", i+1, line)
				}
			}
		case formatCSV:
			if _, err := csv.NewReader(strings.NewReader(text)).ReadAll(); err != nil {
				t.Errorf("csv output does not parse: %v", err)
			}
		}
		if len(text) < 64<<10 {
			t.Errorf("%s: only %d bytes printed before the error: the items read were held back", format, len(text))
		}
	}
}

// The same through the index: damage found in a late block, while items
// are printed, leaves stdout ending with a whole line.
func TestDamagedIndexMidOutputWholeLines(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := filepath.Join(root, "many")
	os.MkdirAll(dir, 0o755)
	var b strings.Builder
	b.WriteString("[")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"title":"item number %d with a title long enough to fill buffers"}`, i, i)
	}
	b.WriteString("]")
	os.WriteFile(filepath.Join(dir, "20240101T000000Z.json"), []byte(b.String()), 0o644)
	cfg := filepath.Join(root, "hoard.toml")
	os.WriteFile(cfg, []byte("root = \""+root+"\"\n[sources.many]\nexporter = \"file\"\npath = \"/dev/null\"\nkey = \"id\"\n"), 0o644)
	var out, errb bytes.Buffer
	g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
	if err := runItems(context.Background(), g, readOpts{Sources: []string{"many"}, Format: "jsonl"}); err != nil {
		t.Fatal(err)
	}
	layout, _ := paths.DefaultLayout()
	path := layout.Index()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE blocks SET data = x'02' WHERE k = (SELECT max(k) FROM blocks)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out.Reset()
	err = runItems(context.Background(), g, readOpts{Sources: []string{"many"}, Format: "jsonl"})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("error %v, want the damage reported", err)
	}
	if out.Len() < 64<<10 || !strings.HasSuffix(out.String(), "\n") {
		t.Errorf("%d bytes printed, ending %q: want whole lines", out.Len(), out.String()[max(0, out.Len()-60):])
	}
}
