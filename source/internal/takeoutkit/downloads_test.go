package takeoutkit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/source"
)

// TestDownloads: one proposed source per folder holding exports, named
// x, x-2, ...; the files that are not exports (a download in progress)
// not counted; the stanza's comment, watch and tail.
func TestDownloads(t *testing.T) {
	d := &Downloads{
		Name: "x", Dirs: []string{"Downloads", "Other/Place", "Empty"}, Files: []string{"x-*.zip", "x-*.tgz"}, Watch: "x-*",
		What: "X exports", Each: "each is imported once.", Help: "# Ask for one.\n", Tail: "# opt = 1\n",
	}
	home := t.TempDir()
	for _, f := range []string{"Downloads/x-1.zip", "Downloads/x-2.tgz", "Downloads/x-3.zip.part", "Other/Place/x-4.zip", "Empty/y.zip"} {
		p := filepath.Join(home, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("PK"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := d.Detect(source.Env{Home: home})
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	want := "# X exports in ~/Downloads (2 found): each is imported once.\n# Ask for one.\n[sources.NAME]\nexporter = \"x\"\nwatch = \"~/Downloads/x-*\"\nschedule = \"every 1h\"\n# opt = 1\n"
	if got[0].Name != "x" || got[0].Comment != "X exports in ~/Downloads (2 found)" || got[0].Stanza != want || got[0].Path != "" {
		t.Errorf("%+v", got[0])
	}
	if got[1].Name != "x-2" || got[1].Comment != "X exports in ~/Other/Place (1 found)" {
		t.Errorf("%+v", got[1])
	}
	d.Count = func(found []string) string { return "counted " + filepath.Base(found[0]) }
	if got := d.Detect(source.Env{Home: home}); len(got) != 2 || got[0].Comment != "X exports in ~/Downloads (counted x-1.zip)" {
		t.Errorf("%+v", got)
	}
	if got := d.Detect(source.Env{Home: t.TempDir()}); got != nil {
		t.Errorf("an empty home: %+v", got)
	}
}
