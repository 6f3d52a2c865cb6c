// Package kittest holds what the tests of the takeout sources share:
// fixtures from testdata (archives of its trees built by archivetest, as
// the services pack them), the conformance loop, a home to detect in, and
// the items of a merge as lines to compare.
package kittest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/internal/archivetest"
	"github.com/hoard-dev/hoard/source"
)

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
	return archivetest.ZipTree(t, filepath.Join("testdata", dir), nil)
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
