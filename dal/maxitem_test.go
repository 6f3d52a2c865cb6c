package dal

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every text decoder bounds one item by the maximum item size: the item
// is an error naming the file and its position, and the line-based ones
// read on past it.
func TestMaxItemSizeDecoders(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("z", 3<<20)
	spec := Spec{MaxItemSize: 1 << 20}
	for _, c := range []struct {
		dec, ext, content string
		recs              int
		where             string
	}{
		{"jsonl", "jsonl", "{\"id\":1}\n\"" + big + "\"\n{\"id\":3}\n", 2, "line 2"},
		{"csv", "csv", "id,text\n1,a\n2," + big + "\n3,c\n", 1, ""},
		{"xml", "xml", "<r><i>a</i><i>" + big + "</i><i>c</i></r>", 1, "line 1"},
	} {
		p := writeSnap(t, dir, 0, c.ext, c.content)
		s := spec
		s.Items = nil
		if c.dec == "xml" {
			s.Items = []string{"r.i"}
		}
		recs, errs := records(t, c.dec, p, s)
		if len(recs) != c.recs || len(errs) != 1 || !errors.Is(errs[0], errTooLarge) ||
			!strings.Contains(errs[0].Error(), p) || !strings.Contains(errs[0].Error(), c.where) || !strings.Contains(errs[0].Error(), "1 MiB") {
			t.Errorf("%s: %d records, errors %v", c.dec, len(recs), errs)
		}
		os.Remove(p)
	}
}

// A read error in a CSV file (here a truncated gzip stream) ends that
// file; it used to be reported again and again for ever.
func TestCSVReadErrorEndsFile(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("id,name\n"))
	for i := range 100000 {
		zw.Write([]byte(strings.Repeat("x", i%50) + ",name\n"))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "20240101T000000Z.csv.gz")
	os.WriteFile(p, b.Bytes()[:b.Len()/2], 0o644)
	done := make(chan []error)
	go func() {
		_, errs := records(t, "csv", p, Spec{})
		done <- errs
	}()
	select {
	case errs := <-done:
		if len(errs) != 1 {
			t.Errorf("errors %v, want the one read error", errs)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("reading a truncated compressed CSV still going after 60s")
	}
}

// Reading stops soon after the context is cancelled, even inside one
// value larger than anything read between two items.
func TestCancelInsideHugeValue(t *testing.T) {
	p := writeSnap(t, t.TempDir(), 0, "json", `[{"id":1,"text":"`+strings.Repeat("q", 64<<20)+`"}]`)
	ctx, cancel := context.WithCancel(context.Background())
	var errs []error
	for _, err := range JSON.Records(ctx, p, &Spec{MaxItemSize: 1 << 30}) {

		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 0 {
		t.Fatalf("uncancelled: %v", errs)
	}
	cancel()
	errs = nil
	for _, err := range JSON.Records(ctx, p, &Spec{MaxItemSize: 1 << 30}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("cancelled: errors %v", errs)
	}
}
