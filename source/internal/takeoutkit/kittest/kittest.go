// Package kittest holds what the tests of the takeout sources share:
// archives built from testdata trees (as the services pack them), and the
// items of a merge as lines to compare.
package kittest

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

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
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

// Snap is one snapshot to merge: its extension and bytes.
type Snap struct {
	Ext  string
	Data []byte
}

// Merge writes the snapshots into a directory, one a day, and merges them
// with dec's defaults.
func Merge(t testing.TB, dec *dal.Decoder, snaps ...Snap) *dal.Result {
	t.Helper()
	dir := t.TempDir()
	for i, s := range snaps {
		dectest.WriteSnap(t, dir, i, s.Ext, s.Data)
	}
	return dectest.Merge(t, dir, dal.Spec{Source: dec.Name, Decoder: dec})
}

// Line is an item's kind, key, UTC time (or "-"), title and text.
func Line(it dal.Item) string {
	when := "-"
	if !it.Time.IsZero() {
		when = it.Time.Format(time.RFC3339Nano)
	}
	return strings.Join([]string{it.Kind, it.Key, when, it.Title, strings.ReplaceAll(it.Text, "\n", `\n`)}, " | ")
}

// Lines returns the lines of the items of kind (every kind for "").
func Lines(res *dal.Result, kind string) []string {
	var out []string
	for _, m := range res.Items {
		if kind == "" || m.Kind == kind {
			out = append(out, Line(m.Item))
		}
	}
	return out
}

// Counts returns how many items of each kind the merge holds.
func Counts(res *dal.Result) map[string]int {
	out := map[string]int{}
	for _, m := range res.Items {
		out[m.Kind]++
	}
	return out
}

// Errors returns the merge's errors as text.
func Errors(res *dal.Result) []string {
	var out []string
	for _, e := range res.Errors() {
		out = append(out, e.Error())
	}
	return out
}

// Diff reports the lines of want missing from got and those of got not
// wanted, for a test's message.
func Diff(got, want []string) string {
	g, w := map[string]bool{}, map[string]bool{}
	for _, l := range got {
		g[l] = true
	}
	for _, l := range want {
		w[l] = true
	}
	var b strings.Builder
	for _, l := range want {
		if !g[l] {
			b.WriteString("missing: " + l + "\n")
		}
	}
	for _, l := range got {
		if !w[l] {
			b.WriteString("extra:   " + l + "\n")
		}
	}
	if b.Len() == 0 {
		b.WriteString("the same lines in another order:\n" + strings.Join(got, "\n"))
	}
	return b.String()
}

// Testdata returns the fixture file testdata/name.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	return dectest.ReadFile(t, filepath.Join("testdata", name))
}

// Archive returns the tree testdata/dir as a zip, as the services pack
// it.
func Archive(t testing.TB, dir string) []byte {
	t.Helper()
	return Zip(t, Tree(t, filepath.Join("testdata", dir), nil))
}

// ArchiveOf is a Sample's Data that is Archive of dir.
func ArchiveOf(dir string) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return Archive(t, dir) }
}

// TestdataOf is a Sample's Data that is the fixture file testdata/name.
func TestdataOf(name string) func(testing.TB) []byte {
	return dectest.File(filepath.Join("testdata", name))
}

// Sample is a snapshot a takeout decoder's conformance is run on: its
// extension and bytes, and its golden file, testdata/golden/NAME.golden.
type Sample struct {
	Name, Ext string
	Data      func(testing.TB) []byte
}

// Conformance runs the decoder conformance suite (dectest.Run) on dec
// with each sample, a subtest named after it.
func Conformance(t *testing.T, dec *dal.Decoder, samples []Sample) {
	for _, s := range samples {
		t.Run(s.Name, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: dec, Ext: s.Ext, Golden: "testdata/golden/" + s.Name + ".golden", Sample: s.Data})
		})
	}
}

// Home returns the environment of a home holding the files named
// (slash-separated, under the home; empty), as Detect sees it on Linux.
func Home(t testing.TB, files ...string) source.Env {
	t.Helper()
	home := t.TempDir()
	for _, f := range files {
		p := filepath.Join(home, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }}
}
