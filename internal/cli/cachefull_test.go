package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/testfs"
	"golang.org/x/sys/unix"
)

// With the cache directory on a full disk, a refresh that runs out of
// room leaves no index (above all no WAL) behind to keep the disk full:
// the index is a cache, removed to give the space back. The items are
// read from the snapshots directly.
func TestIndexOnFullDiskLeavesNothing(t *testing.T) {
	cache := testfs.Tmpfs(t, 3<<20)
	root := t.TempDir()
	dir := filepath.Join(root, "many")
	os.MkdirAll(dir, 0o755)
	var b strings.Builder
	b.WriteString("[")
	for i := range 30000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"title":"item %d lorem ipsum dolor sit amet consectetur adipiscing elit sed do"}`, i, i)
	}
	b.WriteString("]")
	os.WriteFile(filepath.Join(dir, "20240101T000000Z.json"), []byte(b.String()), 0o644)
	cfg := filepath.Join(root, "hoard.toml")
	os.WriteFile(cfg, []byte("root = \""+root+"\"\n[sources.many]\nexporter = \"file\"\npath = \"/dev/null\"\nkey = \"id\"\n"), 0o644)
	t.Setenv("XDG_CACHE_HOME", cache)
	var st unix.Statfs_t
	unix.Statfs(cache, &st)
	freeBefore := st.Bavail
	var out, errb bytes.Buffer
	g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
	if err := runItems(context.Background(), g, readOpts{Sources: []string{"many"}, Format: "jsonl"}); err != nil {
		t.Fatalf("items: %v\n%s", err, errb.String())
	}
	if n := strings.Count(out.String(), "\n"); n != 30000 {
		t.Errorf("%d items printed, want 30000 (read directly)", n)
	}
	if !strings.Contains(errb.String(), "full") {
		t.Errorf("stderr %q: want a warning that the disk is full", errb.String())
	}
	left, _ := filepath.Glob(filepath.Join(cache, "hoard", "index.sqlite*"))
	unix.Statfs(cache, &st)
	if len(left) != 0 || st.Bavail < freeBefore-8 {
		t.Errorf("left behind: %v; free blocks %d of %d before", left, st.Bavail, freeBefore)
	}
}
