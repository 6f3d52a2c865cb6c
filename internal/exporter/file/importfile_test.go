package file

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/snapshot"
)

func write(t *testing.T, path, content string, mtime time.Time) string {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if !mtime.IsZero() {
		os.Chtimes(path, mtime, mtime)
	}
	return path
}

func uncompressed(t *testing.T, path string) string {
	t.Helper()
	rc, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportFile: where stamps come from, what is compressed, and that a
// second import of the same thing stores nothing while a different file
// with the same stamp gets the next name.
func TestImportFile(t *testing.T) {
	in := t.TempDir()
	mtime := time.Date(2023, 5, 6, 7, 8, 9, 500, time.UTC)
	records := write(t, filepath.Join(in, "Records.json"), `{"locations":[]}`, mtime)
	named := write(t, filepath.Join(in, "takeout-20240315T101500Z-001.json"), `[1]`, mtime)
	var gzBuf bytes.Buffer
	zw := gzip.NewWriter(&gzBuf)
	zw.Write([]byte(`[2]`))
	zw.Close()
	gz := write(t, filepath.Join(in, "export.json.gz"), gzBuf.String(), mtime)
	zip := write(t, filepath.Join(in, "takeout.zip"), "PK\x05\x06"+strings.Repeat("\x00", 18), mtime)

	dir := filepath.Join(t.TempDir(), "src")
	for _, c := range []struct {
		imp       Import
		name      string // of the snapshot
		stampFrom string
		content   string
	}{
		{Import{Path: records, Codec: snapshot.Zstd}, "20230506T070809Z.json.zst", "mtime", `{"locations":[]}`},
		{Import{Path: records, From: FromMtime, Codec: snapshot.Zstd}, "", "mtime", ""}, // the same again: nothing stored
		{Import{Path: named, Codec: snapshot.Zstd}, "20240315T101500Z.json.zst", "name", `[1]`},
		{Import{Path: named, From: FromMtime, Codec: snapshot.Zstd}, "20230506T070809Z_001.json.zst", "mtime", `[1]`}, // same stamp, other content: next name
		{Import{Path: gz, Stamp: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), Codec: snapshot.Zstd}, "20240102T000000Z.json.gz", "given", `[2]`},
		{Import{Path: zip, From: FromNow, Codec: snapshot.Zstd, Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }}, "20250101T000000Z.zip", "now", "PK\x05\x06" + strings.Repeat("\x00", 18)},
	} {
		res, err := ImportFile(context.Background(), dir, c.imp)
		if err != nil {
			t.Fatalf("%+v: %v", c.imp, err)
		}
		if res.StampFrom != c.stampFrom || res.Original != c.imp.Path {
			t.Errorf("%s: stamp from %q, original %q", c.imp.Path, res.StampFrom, res.Original)
		}
		if c.name == "" {
			if res.Same == "" || res.Path != "" {
				t.Errorf("%s imported twice: %+v", c.imp.Path, res)
			}
			continue
		}
		if filepath.Base(res.Path) != c.name {
			t.Errorf("%s: stored as %s, want %s", c.imp.Path, filepath.Base(res.Path), c.name)
			continue
		}
		if got := uncompressed(t, res.Path); got != c.content {
			t.Errorf("%s: content %q", res.Path, got)
		}
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, "20240102T000000Z.json.gz")); !bytes.Equal(raw, gzBuf.Bytes()) {
		t.Error("a compressed file was not stored as it is")
	}
	l, err := snapshot.ListDir(dir)
	if err != nil || len(l.Snapshots) != 5 || len(l.Undatable) != 0 {
		t.Errorf("listing %+v %v", l, err)
	}
}

// TestImportDirectory: a directory becomes a tar archive of its files
// (names relative, in order), stamped by its newest file with --stamp-from
// archive; importing it again stores nothing.
func TestImportDirectory(t *testing.T) {
	root := filepath.Join(t.TempDir(), "Telegram Export")
	old := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	write(t, filepath.Join(root, "result.json"), `{"chats":{"list":[]}}`, old)
	write(t, filepath.Join(root, "photos", "photo_1.jpg"), "\xff\xd8", old.Add(time.Hour))
	os.Symlink("/etc/passwd", filepath.Join(root, "link"))
	dir := t.TempDir()
	res, err := ImportFile(context.Background(), dir, Import{Path: root, From: FromArchive, Codec: snapshot.Zstd})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "20240301T110000Z.tar.zst" {
		t.Errorf("stored as %s", res.Path)
	}
	tr := tar.NewReader(strings.NewReader(uncompressed(t, res.Path)))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	if strings.Join(names, " ") != "photos/ photos/photo_1.jpg result.json" {
		t.Errorf("members %v (the symbolic link is left out)", names)
	}
	again, err := ImportFile(context.Background(), dir, Import{Path: root, From: FromArchive, Codec: snapshot.Zstd})
	if err != nil || again.Same != res.Path {
		t.Errorf("again: %+v %v", again, err)
	}
}

// TestImportArchiveStamp: --stamp-from archive takes the newest member's
// time of the Takeout-like zip and tgz (all 2024-03-15 10:15:00 UTC).
func TestImportArchiveStamp(t *testing.T) {
	for _, name := range []string{"takeout-20240315T101500Z-001.zip", "takeout-20240315T101500Z-001.tgz"} {
		src := filepath.Join("..", "..", "..", "dal", "testdata", "archive", name)
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := write(t, filepath.Join(t.TempDir(), "takeout"+filepath.Ext(name)), string(data), time.Time{})
		res, err := ImportFile(context.Background(), t.TempDir(), Import{Path: p, From: FromArchive, Codec: snapshot.Zstd})
		if err != nil {
			t.Fatal(err)
		}
		if want := "20240315T101500Z" + filepath.Ext(name); filepath.Base(res.Path) != want {
			t.Errorf("%s stored as %s, want %s", name, filepath.Base(res.Path), want)
		}
	}
	p := write(t, filepath.Join(t.TempDir(), "notes.txt"), "x", time.Time{})
	if _, err := ImportFile(context.Background(), t.TempDir(), Import{Path: p, From: FromArchive}); err == nil || !strings.Contains(err.Error(), "not a zip or tar archive") {
		t.Errorf("archive stamp of a text file: %v", err)
	}
}

// TestImportCheck: an import whose check fails (the file changed while it
// was read) leaves nothing.
func TestImportCheck(t *testing.T) {
	p := write(t, filepath.Join(t.TempDir(), "a.json"), "[]", time.Time{})
	dir := t.TempDir()
	_, err := ImportFile(context.Background(), dir, Import{Path: p, Check: func() error { return io.ErrUnexpectedEOF }})
	if err != io.ErrUnexpectedEOF {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

func TestWatcherCandidates(t *testing.T) {
	dl := t.TempDir()
	long := time.Now().Add(-time.Hour)
	zipData, err := os.ReadFile(filepath.Join("..", "..", "..", "dal", "testdata", "archive", "takeout-20240315T101500Z-001.zip"))
	if err != nil {
		t.Fatal(err)
	}
	done := write(t, filepath.Join(dl, "takeout-20240315T101500Z-001.zip"), string(zipData), long)
	write(t, filepath.Join(dl, "takeout-20240316T000000Z-001.zip.crdownload"), "PK", long)        // Chromium, downloading
	write(t, filepath.Join(dl, "takeout-20240317T000000Z-001.zip"), "", long)                     // Firefox's placeholder
	write(t, filepath.Join(dl, "takeout-20240317T000000Z-001.zip.part"), "PK\x03\x04", long)      // beside its .part
	write(t, filepath.Join(dl, "takeout-20240318T000000Z-001.zip"), string(zipData[:1000]), long) // cut short
	fresh := write(t, filepath.Join(dl, "takeout-20240319T000000Z-001.zip"), string(zipData), time.Now())
	w := &Watcher{Pattern: filepath.Join(dl, "takeout-*.zip"), Settle: time.Minute}
	st := &WatchState{}
	pend, later, err := w.Candidates(st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(pend) != 1 || pend[0].Path != done {
		t.Errorf("pending %v", pend)
	}
	why := map[string]string{}
	for _, s := range later {
		why[filepath.Base(s.Path)] = s.Why
	}
	if !strings.Contains(why["takeout-20240317T000000Z-001.zip"], "download in progress") || !strings.Contains(why["takeout-20240318T000000Z-001.zip"], "not a complete zip") ||
		!strings.Contains(why[filepath.Base(fresh)], "waiting until") || len(later) != 3 {
		t.Errorf("left for later: %v", why)
	}
	st.Imported = append(st.Imported, Seen{Path: done, Size: pend[0].Info.Size(), Mtime: pend[0].Info.ModTime()})
	if pend, _, _ := w.Candidates(st, time.Now().Add(time.Hour)); len(pend) != 1 || pend[0].Path != fresh {
		t.Errorf("an hour later, after the first import: %v", pend)
	}
}
