package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRemoteAddresses(t *testing.T) {
	for _, c := range []struct{ in, clean, dir string }{
		{"s3://bucket", "s3://bucket", "s3://bucket"},
		{"s3://bucket/", "s3://bucket", "s3://bucket"},
		{"s3://bucket/a//b/", "s3://bucket/a/b", "s3://bucket/a"},
		{"s3://bucket/a/b/c.json", "s3://bucket/a/b/c.json", "s3://bucket/a/b"},
		{"/local//dir/", "/local/dir", "/local"},
	} {
		if got := CleanPath(c.in); got != c.clean {
			t.Errorf("CleanPath(%q) = %q, want %q", c.in, got, c.clean)
		}
		if got := DirOf(c.clean); got != c.dir && c.clean != "s3://bucket" {
			t.Errorf("DirOf(%q) = %q, want %q", c.clean, got, c.dir)
		}
	}
	if got := Join("s3://bucket/pre", "src", "host"); got != "s3://bucket/pre/src/host" {
		t.Errorf("Join = %q", got)
	}
	if got := Join("/r", "src", "host"); got != "/r/src/host" {
		t.Errorf("Join local = %q", got)
	}
	for _, bad := range []string{"s3://", "s3://UP", "s3://a", "s3://x_y/z", "s3://bucket/../x", "s3://buck..et/x", "/local"} {
		if _, _, err := SplitRemote(bad); err == nil {
			t.Errorf("SplitRemote(%q) accepted", bad)
		}
	}
	if _, err := ListDir("s3://not-mounted-here/x"); err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("listing an unmounted bucket: %v", err)
	}
}

// ListTree reads a per-host source: the files in the source's directory
// and in each host's subdirectory, in time order; equal stamps of two
// hosts are ordered by path, so every machine sees the same order.
func TestListTree(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"20240101T000000Z.txt",        // from before per_host was set
		"laptop/20240102T000000Z.txt", //
		"desktop/20240102T000000Z.txt",
		"desktop/20240101T120000Z.txt.zst",
		"laptop/notes.txt",             // undatable, reported
		".hidden/20240101T000000Z.txt", // hidden directory, skipped
		"laptop/.hoard-tmp-123",        // a temporary file, skipped
	} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte(f), 0o600)
	}
	l, err := ListTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range l.Snapshots {
		got = append(got, s.Host+":"+s.Name)
	}
	want := ":20240101T000000Z.txt desktop:20240101T120000Z.txt.zst desktop:20240102T000000Z.txt laptop:20240102T000000Z.txt"
	if strings.Join(got, " ") != want {
		t.Errorf("tree\n %v\nwant\n %v", strings.Join(got, " "), want)
	}
	if len(l.Undatable) != 1 || !strings.HasSuffix(l.Undatable[0].Path, "laptop/notes.txt") {
		t.Errorf("undatable %v", l.Undatable)
	}
	flat, _ := ListDir(dir)
	if len(flat.Snapshots) != 1 {
		t.Errorf("ListDir lists %d snapshots: subdirectories are not its business", len(flat.Snapshots))
	}
}

func TestMoveToNeverReplaces(t *testing.T) {
	src, trash := t.TempDir(), t.TempDir()
	for i, body := range []string{"one", "two"} {
		p := filepath.Join(src, "20240101T000000Z.txt")
		os.WriteFile(p, []byte(body), 0o600)
		dst, err := MoveTo(p, trash)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(trash, "20240101T000000Z.txt")
		if i == 1 {
			want += ".1"
		}
		if b, _ := os.ReadFile(dst); dst != want || string(b) != body {
			t.Errorf("moved to %s holding %q, want %s holding %q", dst, b, want, body)
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("the snapshot is still at %s", p)
		}
	}
}

// Across file systems (here /dev/shm, a tmpfs, when it is one) the move
// is a copy, fsynced, named, and only then the original removed.
func TestMoveToAcrossFileSystems(t *testing.T) {
	var a, b unix.Statfs_t
	if unix.Statfs("/dev/shm", &a) != nil || unix.Statfs(os.TempDir(), &b) != nil || a.Type == b.Type {
		t.Skip("no second file system here (/dev/shm is not apart from the temporary directory)")
	}
	shm, err := os.MkdirTemp("/dev/shm", "hoard-move-")
	if err != nil {
		t.Skip(err)
	}
	defer os.RemoveAll(shm)
	p := filepath.Join(shm, "20240101T000000Z.txt.zst")
	os.WriteFile(p, []byte("compressed bytes, moved as they are"), 0o600)
	trash := t.TempDir()
	dst, err := MoveTo(p, trash)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "compressed bytes, moved as they are" || filepath.Dir(dst) != trash {
		t.Errorf("%s holds %q", dst, b)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("the original is still there")
	}
	if entries, _ := os.ReadDir(trash); len(entries) != 1 {
		t.Errorf("trash holds %d entries (a temporary file left?)", len(entries))
	}
}
