// Package dectest is the conformance suite every decoder passes, with
// the helpers decoder tests share. A decoder's test calls Run with a Case
// holding a sample snapshot; the suite checks the contract of
// dal.Decoder:
//
//   - the records are JSON objects, and the same for plain, zstd and gzip
//     snapshots of the same bytes, and through the decoder's Stream (which
//     reads archive members) when it has one;
//   - they match a golden file, so that a change of output comes with a
//     new Decoder.Version (go test -dectest.update rewrites the file);
//   - the decoder stops when its consumer stops, and once its context is
//     cancelled (yielding the context's error);
//   - garbage and truncated input never panic, and every error names the
//     file, while the other snapshots of a merge still flow.
package dectest

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/klauspost/compress/zstd"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// update is -dectest.update, named like the testing package's own flags
// (-test.run) so that it never collides with a flag of the test binary
// that imports this package (a test's own -update, say).
var update = flag.Bool("dectest.update", false, "rewrite golden files of decoder conformance tests")

// Case is one decoder under test.
type Case struct {
	Decoder *dal.Decoder
	// Spec holds what the sample needs to be read (Items, Queries); its
	// Decoder is set to Decoder.
	Spec dal.Spec
	Ext  string // snapshot extension of the sample, e.g. "txt" or "sqlite"
	// Sample returns the bytes of a valid snapshot with at least three
	// records.
	Sample func(t testing.TB) []byte
	// Golden is the file holding the sample's records (testdata/...).
	Golden string
}

// Run runs the suite.
func Run(t *testing.T, c Case) {
	c.Spec.Decoder = c.Decoder
	sample := c.Sample(t)
	plain := Records(t, c.Decoder, WriteSnap(t, t.TempDir(), 0, c.Ext, sample), c.Spec)
	t.Run("records", func(t *testing.T) {
		if len(plain.Records) < 3 || len(plain.Errs) > 0 {
			t.Fatalf("the sample gave %d records and errors %v; want at least 3 records, no error", len(plain.Records), plain.Errs)
		}
		for _, r := range plain.Records {
			if !json.Valid([]byte(r.Raw)) || !strings.HasPrefix(r.Raw, "{") {
				t.Errorf("record %s is not a JSON object", r.Raw)
			}
		}
	})
	t.Run("golden", func(t *testing.T) { golden(t, c, plain) })
	t.Run("compressed reads the same", func(t *testing.T) {
		for _, codec := range []string{"zst", "gz"} {
			path := WriteSnap(t, t.TempDir(), 0, c.Ext+"."+codec, compress(t, codec, sample))
			if got := Records(t, c.Decoder, path, c.Spec); got.String() != plain.String() {
				t.Errorf(".%s snapshot:\n%s\nplain:\n%s", codec, got, plain)
			}
		}
	})
	t.Run("streaming reads the same", func(t *testing.T) { streamed(t, c, sample, plain) })
	t.Run("stops when the consumer stops", func(t *testing.T) {
		path := WriteSnap(t, t.TempDir(), 0, c.Ext, sample)
		n := 0
		for range c.Decoder.Records(context.Background(), path, &c.Spec) {
			if n++; n == 2 {
				break
			}
		}
		if n != 2 {
			t.Errorf("got %d records before stopping, want 2", n)
		}
	})
	t.Run("a cancelled context stops it", func(t *testing.T) { cancelled(t, c, sample) })
	t.Run("garbage and truncated input", func(t *testing.T) { hostile(t, c, sample) })
}

func golden(t *testing.T, c Case, got Read) {
	text := fmt.Sprintf("decoder %s version %d\n%s", c.Decoder.Name, c.Decoder.Version, got)
	if *update {
		if err := os.MkdirAll(filepath.Dir(c.Golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(c.Golden, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(c.Golden)
	if err != nil {
		t.Fatalf("%v (create it with go test -run %s -dectest.update)", err, t.Name())
	}
	head, _, _ := strings.Cut(string(want), "\n")
	switch {
	case string(want) == text:
	case head != fmt.Sprintf("decoder %s version %d", c.Decoder.Name, c.Decoder.Version):
		t.Errorf("%s is for %q; the decoder is version %d: check the records, then go test -dectest.update", c.Golden, head, c.Decoder.Version)
	default:
		t.Errorf("the records differ from %s although Version is still %d: bump Decoder.Version (caches must be rebuilt), then go test -dectest.update\ngot:\n%s", c.Golden, c.Decoder.Version, got)
	}
}

// streamed checks that a decoder's Stream (when it has one) reads the
// sample as its Records does.
func streamed(t *testing.T, c Case, sample []byte, plain Read) {
	if c.Decoder.Stream == nil {
		t.Skip("the decoder reads files only (no Stream)")
	}
	name := filepath.Join(t.TempDir(), "member")
	var r Read
	for rec, err := range c.Decoder.Stream(context.Background(), bytes.NewReader(sample), name, &c.Spec) {
		if err != nil {
			r.Errs = append(r.Errs, err)
			continue
		}
		r.Records = append(r.Records, Record{rec.Kind, string(rec.Raw)})
	}
	if r.String() != plain.String() {
		t.Errorf("Stream:\n%s\nRecords:\n%s", r, plain)
	}
}

func cancelled(t *testing.T, c Case, sample []byte) {
	path := WriteSnap(t, t.TempDir(), 0, c.Ext, sample)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan []error, 1)
	go func() {
		var errs []error
		for _, err := range c.Decoder.Records(ctx, path, &c.Spec) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		done <- errs
	}()
	select {
	case errs := <-done:
		// A decoder may notice cancellation only every so many records;
		// on a small sample it may finish first. If it reports anything,
		// it must be the context's error.
		for _, err := range errs {
			if !strings.Contains(err.Error(), context.Canceled.Error()) {
				t.Errorf("error %v, want the context's", err)
			}
		}
	case <-time.After(time.Minute): // a liveness bound, not a timing check
		t.Fatal("the decoder did not return after its context was cancelled")
	}
}

func hostile(t *testing.T, c Case, sample []byte) {
	dir := t.TempDir()
	first := WriteSnap(t, dir, 0, c.Ext, sample)
	var bad []string
	for i, data := range [][]byte{
		sample[:len(sample)/2],
		[]byte("\x00\xff garbage {\"[ not a snapshot \x83\x83"),
		{},
		bytes.Repeat([]byte{0xff, '\n', '"'}, 4096),
	} {
		bad = append(bad, WriteSnap(t, dir, i+1, c.Ext, data))
	}
	last := WriteSnap(t, dir, len(bad)+1, c.Ext, sample)
	for _, p := range append(bad, first) {
		for _, err := range c.Decoder.Records(context.Background(), p, &c.Spec) {
			if err != nil && !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file %s", err, p)
			}
		}
	}
	l, err := snapshot.ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := dal.Merge(context.Background(), c.Spec, l.Snapshots, dal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st := res.Files[len(res.Files)-1]; st.Snapshot.Path != last || st.Records != len(Records(t, c.Decoder, last, c.Spec).Records) || len(st.Errors) > 0 {
		t.Errorf("the good snapshot after the bad ones: %d records, errors %v", st.Records, st.Errors)
	}
}

func compress(t testing.TB, codec string, data []byte) []byte {
	var buf bytes.Buffer
	switch codec {
	case "zst":
		zw, _ := zstd.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
	case "gz":
		gw := gzip.NewWriter(&buf)
		gw.Write(data)
		gw.Close()
	}
	return buf.Bytes()
}

// Day returns the time of snapshot i: noon UTC, 2024-01-01 plus i days.
func Day(i int) time.Time { return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, i) }

// WriteSnap writes snapshot i (stamped Day(i)) into dir and returns its
// path.
func WriteSnap(t testing.TB, dir string, i int, ext string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, snapshot.FormatStamp(Day(i))+"."+ext)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Record is one record as a decoder yielded it.
type Record struct{ Kind, Raw string }

// Read is what a decoder yielded for one file.
type Read struct {
	Records []Record
	Errs    []error
}

// String renders the records one per line, "kind raw", then the errors.
func (r Read) String() string {
	var b strings.Builder
	for _, rec := range r.Records {
		fmt.Fprintf(&b, "%s %s\n", rec.Kind, rec.Raw)
	}
	for _, err := range r.Errs {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// Records collects what d yields for the snapshot at path.
func Records(t testing.TB, d *dal.Decoder, path string, spec dal.Spec) Read {
	t.Helper()
	var r Read
	for rec, err := range d.Records(context.Background(), path, &spec) {
		if err != nil {
			r.Errs = append(r.Errs, err)
			continue
		}
		r.Records = append(r.Records, Record{rec.Kind, string(rec.Raw)})
	}
	return r
}

// Merge merges every snapshot of dir with spec, failing the test on an
// invalid spec.
func Merge(t testing.TB, dir string, spec dal.Spec) *dal.Result {
	t.Helper()
	l, err := snapshot.ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := dal.Merge(context.Background(), spec, l.Snapshots, dal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Oracle merges the fixture file at path, as one snapshot with extension
// ext, with spec, and reads the oracle file expected (as ExpectedLines
// does). It fails the test on a read error, and when the merge has not one
// item per line of the oracle: the caller then checks each item against
// its line.
func Oracle(t testing.TB, spec dal.Spec, path, ext, expected string) (*dal.Result, [][]byte) {
	t.Helper()
	dir := t.TempDir()
	WriteSnap(t, dir, 0, ext, ReadFile(t, path))
	res := Merge(t, dir, spec)
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	want := ExpectedLines(t, expected)
	if len(res.Items) != len(want) {
		t.Fatalf("%s: %d items, want %d (one per line of %s)", path, len(res.Items), len(want), expected)
	}
	return res, want
}

// Bench benchmarks d reading the snapshot at path, counting its size as
// the bytes of each operation. Every read must yield want records and no
// error.
func Bench(b *testing.B, d *dal.Decoder, path string, want int) {
	b.Helper()
	BenchSpec(b, d, path, &dal.Spec{}, want)
}

// BenchSpec is Bench reading with spec (a generic decoder's items, the
// bar a source's decoder is measured against).
func BenchSpec(b *testing.B, d *dal.Decoder, path string, spec *dal.Spec, want int) {
	b.Helper()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	for b.Loop() {
		n := 0
		for _, err := range d.Records(context.Background(), path, spec) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != want {
			b.Fatalf("%d records, want %d", n, want)
		}
	}
}

// SQLite returns the bytes of a new SQLite database made by running
// stmts, in WAL mode like a live app's database and checkpointed, so the
// file holds everything.
func SQLite(t testing.TB, stmts ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range append(stmts, "PRAGMA wal_checkpoint(TRUNCATE)") {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// SQLiteScript is SQLite of the SQL script in the file at path (a
// fixture's schema and rows), then of more statements.
func SQLiteScript(t testing.TB, path string, more ...string) []byte {
	t.Helper()
	return SQLite(t, append([]string{string(ReadFile(t, path))}, more...)...)
}

// OneError checks that errs is one error naming path that contains want,
// or none when want is "".
func OneError(t testing.TB, errs []error, want, path string) {
	t.Helper()
	if want == "" {
		if len(errs) > 0 {
			t.Errorf("unexpected errors: %v", errs)
		}
		return
	}
	if len(errs) != 1 {
		t.Fatalf("got %d errors %v, want one containing %q", len(errs), errs, want)
	}
	if msg := errs[0].Error(); !strings.Contains(msg, want) || !strings.HasPrefix(msg, path+": ") {
		t.Errorf("error %q should start with the file name and contain %q", msg, want)
	}
}

// ReadFile returns the contents of a fixture file, failing the test when
// it cannot be read.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// File is a Case's Sample that is the fixture file at path.
func File(path string) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		t.Helper()
		return ReadFile(t, path)
	}
}

// ExpectedLines reads an oracle file of one JSON value a line (a
// fixture's expected.json), skipping blank lines.
func ExpectedLines(t testing.TB, path string) [][]byte {
	t.Helper()
	data := ReadFile(t, path)
	var out [][]byte
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// Unmarshal decodes JSON into v, numbers as their Go types (int64 fields
// take integers above 2^53 exactly), failing the test on an error.
func Unmarshal(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
}
