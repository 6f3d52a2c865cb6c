package snapshot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readAll(t *testing.T, path string) string {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An arctee-made directory with every codec and a stray file.
func TestListDirArctee(t *testing.T) {
	l, err := ListDir("testdata/arctee")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Snapshots) != 6 {
		t.Fatalf("got %d snapshots, want 6", len(l.Snapshots))
	}
	for i, s := range l.Snapshots {
		want := `[{"id":` + string(rune('1'+i)) + "}]\n"
		if got := readAll(t, s.Path); got != want {
			t.Errorf("%s: got %q, want %q", s.Name, got, want)
		}
		if s.Ext != "json" {
			t.Errorf("%s: ext %q", s.Name, s.Ext)
		}
	}
	if len(l.Undatable) != 1 || filepath.Base(l.Undatable[0].Path) != "README.txt" {
		t.Errorf("undatable = %v, want README.txt reported", l.Undatable)
	}
}

func TestWriteCommitRoundTrip(t *testing.T) {
	for _, c := range []Codec{None, Zstd, Gzip} {
		t.Run(string(c)+"x", func(t *testing.T) {
			s := New(t.TempDir())
			at := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
			p, err := s.Create("src", at, "json", c)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Abort()
			payload := bytes.Repeat([]byte("héllo \x00\xff wörld\n"), 10000)
			if _, err := p.Write(payload); err != nil {
				t.Fatal(err)
			}
			res, err := p.Commit()
			if err != nil {
				t.Fatal(err)
			}
			if want := "20210506T070809Z.json" + c.Ext(); filepath.Base(res.Path) != want {
				t.Errorf("name %s, want %s", filepath.Base(res.Path), want)
			}
			if res.Bytes != int64(len(payload)) {
				t.Errorf("bytes %d, want %d", res.Bytes, len(payload))
			}
			if got := readAll(t, res.Path); got != string(payload) {
				t.Error("content differs after round trip")
			}
			l, _ := s.List("src")
			if len(l.Snapshots) != 1 || l.Snapshots[0].Codec != c {
				t.Errorf("listing %+v", l)
			}
		})
	}
}

func TestEmptyOutputIsASnapshot(t *testing.T) {
	s := New(t.TempDir())
	p, err := s.Create("src", time.Now(), "txt", Zstd)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, res.Path); got != "" {
		t.Errorf("got %q", got)
	}
}

func TestSameSecondNeverOverwrites(t *testing.T) {
	s := New(t.TempDir())
	at := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
	var paths []string
	for i := 0; i < 4; i++ {
		p, err := s.Create("src", at, "txt", None)
		if err != nil {
			t.Fatal(err)
		}
		p.Write([]byte{byte('a' + i)})
		res, err := p.Commit()
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, res.Path)
	}
	l, _ := s.List("src")
	if len(l.Snapshots) != 4 {
		t.Fatalf("got %d snapshots", len(l.Snapshots))
	}
	for i, snap := range l.Snapshots {
		if snap.Path != paths[i] || readAll(t, snap.Path) != string(rune('a'+i)) {
			t.Errorf("snapshot %d: %s, want %s in write order", i, snap.Name, paths[i])
		}
	}
	if filepath.Base(paths[1]) != "20210506T070809Z_001.txt" {
		t.Errorf("second name %s", filepath.Base(paths[1]))
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	root := t.TempDir()
	s := New(root)
	p, err := s.Create("src", time.Now(), "txt", Zstd)
	if err != nil {
		t.Fatal(err)
	}
	p.Write([]byte("partial"))
	if err := p.Abort(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "src"))
	if len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
	if _, err := p.Write([]byte("x")); err == nil {
		t.Error("write after abort succeeded")
	}
}

// A temporary file whose writer died is removed by the next writer; one
// whose writer is alive is left alone.
func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, tempPrefix+"dead")
	os.WriteFile(stale, []byte("partial"), 0o600)
	live, err := Create(dir, StampName(time.Now(), "a", None), None)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temp file still there: %v", err)
	}
	other, err := Create(dir, StampName(time.Now(), "b", None), None)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Abort()
	if _, err := os.Stat(live.f.Name()); err != nil {
		t.Errorf("a live writer's temp file was removed: %v", err)
	}
	l, _ := ListDir(dir)
	if len(l.Snapshots)+len(l.Undatable) != 0 {
		t.Errorf("temp files listed: %+v", l)
	}
}

func TestCorruptCompressedFileNamesIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "20200101T000000Z.json.zst")
	os.WriteFile(path, []byte("this is not zstd"), 0o600)
	r, err := Open(path)
	if err == nil {
		_, err = io.ReadAll(r)
		r.Close()
	}
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v does not name %s", err, path)
	}
}

func TestCreateRejectsBadNames(t *testing.T) {
	s := New(t.TempDir())
	for _, src := range []string{"../x", "/etc", "a/b", ""} {
		if _, err := s.Create(src, time.Now(), "json", None); err == nil {
			t.Errorf("source %q accepted", src)
		}
	}
	for _, ext := range []string{"../x", "a/b", ".json"} {
		if _, err := s.Create("ok", time.Now(), ext, None); err == nil {
			t.Errorf("extension %q accepted", ext)
		}
	}
}

func TestMissingSourceListsEmpty(t *testing.T) {
	l, err := New(t.TempDir()).List("never")
	if err != nil || len(l.Snapshots) != 0 {
		t.Errorf("got %+v, %v", l, err)
	}
}

// Large writes cross block and frame boundaries in every way; the result
// must round-trip, also through ReadFrom, and the multi-frame zstd file must
// be readable by the standard zstd tool.
func TestLargeWritesRoundTrip(t *testing.T) {
	var payload []byte
	for i := 0; len(payload) < 5<<20+12345; i++ {
		payload = append(payload, []byte(fmt.Sprintf(`{"id":%d,"t":"héllo %x"}`+"\n", i, i*7919))...)
	}
	for _, c := range []Codec{None, Zstd, Gzip} {
		for _, viaReadFrom := range []bool{false, true} {
			s := New(t.TempDir())
			p, err := s.Create("src", time.Now(), "json", c)
			if err != nil {
				t.Fatal(err)
			}
			if viaReadFrom {
				_, err = io.Copy(p, io.LimitReader(bytes.NewReader(payload), int64(len(payload))))
			} else {
				for off, step := 0, 1; off < len(payload); off, step = off+step, step*3%65521+1 {
					_, err = p.Write(payload[off:min(off+step, len(payload))])
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Commit()
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, res.Path); got != string(payload) || res.Bytes != int64(len(payload)) {
				t.Fatalf("%s readFrom=%v: round trip differs (%d bytes, want %d)", c, viaReadFrom, len(got), len(payload))
			}
			if sum := sha256.Sum256(payload); res.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: sha256 %s is not the content's", c, res.SHA256)
			}
			if c == Zstd {
				checkWithZstdTool(t, res.Path, payload)
			}
		}
	}
}

func checkWithZstdTool(t *testing.T, path string, want []byte) {
	t.Helper()
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Log("zstd tool not installed: interoperability not checked")
		return
	}
	out, err := exec.Command("zstd", "-d", "-c", "-q", path).Output()
	if err != nil || !bytes.Equal(out, want) {
		t.Errorf("zstd -d: %v (%d bytes)", err, len(out))
	}
}

// TestListDirSymlinks: a link to a snapshot is listed with the target's
// size and time, a link to a directory is skipped like a directory, and a
// broken link is reported, not silently dropped.
func TestListDirSymlinks(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "20240101T000000Z.json")
	if err := os.WriteFile(target, []byte(`[{"id":1}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, to := range map[string]string{
		"20240101T000000Z.json": target,
		"20240102T000000Z.json": filepath.Join(elsewhere, "gone.json"),
		"20240103T000000Z.json": elsewhere,
	} {
		if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	l, err := ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Snapshots) != 1 || l.Snapshots[0].Size != 10 || l.Snapshots[0].Name != "20240101T000000Z.json" {
		t.Errorf("snapshots = %+v, want the linked file with its size", l.Snapshots)
	}
	if len(l.Undatable) != 1 || filepath.Base(l.Undatable[0].Path) != "20240102T000000Z.json" {
		t.Errorf("undatable = %+v, want the broken link", l.Undatable)
	}
}
