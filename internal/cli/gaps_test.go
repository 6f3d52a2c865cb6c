package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

// The daemon's and status's gap check honours gaps = false.
func TestIndexGapsHonoursGapsFalse(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := t.TempDir()
	dir := filepath.Join(root, "feed")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "20200101T000000Z.json"), []byte(`[{"id":1,"t":"2020-01-01T00:00:00Z"}]`), 0o600)
	os.WriteFile(filepath.Join(dir, "20200201T000000Z.json"), []byte(`[{"id":2,"t":"2020-02-01T00:00:00Z"}]`), 0o600)
	no := false
	for _, tt := range []struct {
		gaps *bool
		want int
	}{{nil, 1}, {&no, 0}} {
		src := &config.Source{Name: "feed", DAL: config.DAL{Key: config.StringList{"id"}, Time: "t", Gaps: tt.gaps}}
		n, err := indexGaps{}.Gaps(context.Background(), root, src)
		if err != nil || n != tt.want {
			t.Errorf("gaps=%v: %d gaps, err %v; want %d", tt.gaps, n, err, tt.want)
		}
	}
}
