// Package archivetest builds the archives tests read (zip and tar, as
// services and hoard import make them) from files, or from a testdata
// tree.
package archivetest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// File is one member of an archive.
type File struct {
	Name string // slash-separated
	Data []byte
}

// Tree returns the regular files under dir, named relative to it with
// slashes, sorted; keep, if set, chooses them by name.
func Tree(t testing.TB, dir string, keep func(name string) bool) []File {
	t.Helper()
	var out []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if keep != nil && !keep(rel) {
			return nil
		}
		data, err := os.ReadFile(p)
		out = append(out, File{rel, data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Under returns a keep function for names under any of the prefixes.
func Under(prefixes ...string) func(string) bool {
	return func(name string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
}

// Modified is the modification time archives give their members.
var Modified = time.Date(2024, 3, 15, 10, 15, 0, 0, time.UTC)

// Zip returns a zip archive of files, deflated, as the services make
// them.
func Zip(t testing.TB, files []File) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: Modified})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Tgz returns a gzipped tar archive of files (Takeout's .tgz, or a
// folder stored by hoard import, compressed).
func Tgz(t testing.TB, files []File) []byte {
	t.Helper()
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gw)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), ModTime: Modified, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.Data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gw.Close()
	return buf.Bytes()
}

// Prefix puts every file under dir/.
func Prefix(dir string, files []File) []File {
	out := make([]File, len(files))
	for i, f := range files {
		out[i] = File{dir + "/" + f.Name, f.Data}
	}
	return out
}

// ZipTree is Zip of Tree, failing the test when keep leaves no file.
func ZipTree(t testing.TB, dir string, keep func(name string) bool) []byte {
	t.Helper()
	files := Tree(t, dir, keep)
	if len(files) == 0 {
		t.Fatalf("nothing to zip in %s", dir)
	}
	return Zip(t, files)
}
