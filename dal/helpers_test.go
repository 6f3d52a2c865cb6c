package dal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/snapshot"
)

// day returns the stamp of snapshot number i.
func day(i int) time.Time { return time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, i) }

// writeSnap writes a snapshot file named by day i into dir.
func writeSnap(t testing.TB, dir string, i int, ext, content string) string {
	t.Helper()
	p := filepath.Join(dir, snapshot.FormatStamp(day(i))+"."+ext)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// mergeDir merges every snapshot of dir.
func mergeDir(t testing.TB, dir string, spec Spec) *Result {
	t.Helper()
	l, err := snapshot.ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Merge(context.Background(), spec, l.Snapshots, Options{Ranges: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// records collects what a decoder yields for one file.
func records(t testing.TB, dec string, path string, spec Spec) (recs []string, errs []error) {
	t.Helper()
	d := format(t, dec)
	for r, err := range d.Records(context.Background(), path, &spec) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, r.Kind+" "+string(r.Raw))
	}
	return recs, errs
}

// format returns the format decoder called name.
func format(t testing.TB, name string) *Decoder {
	for _, d := range Formats() {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no format decoder %q", name)
	return nil
}
