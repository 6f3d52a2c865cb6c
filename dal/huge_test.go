package dal

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader returns at most n bytes a read, as a pipe or a decompressor
// does.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// walkAll reads a JSON document from r as jsonRecords does and returns
// the records and errors, as text.
func walkAll(t *testing.T, r io.Reader, spec *Spec) (recs []string, errs []string, s *stream) {
	t.Helper()
	s = newStream(r, "mem")
	s.maxItem = spec.ItemLimit()
	w := &jsonWalker{s: s, ctx: t.Context(), yield: func(rec Record, err error) bool {
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			recs = append(recs, rec.Kind+" "+string(rec.Raw))
		}
		return true
	}}
	for _, p := range spec.Items {
		w.paths = append(w.paths, parsePath(p))
		w.kinds = append(w.kinds, p)
	}
	w.found = make([]bool, len(w.paths))
	if err := w.document(); err != nil {
		errs = append(errs, err.Error())
	}
	return recs, errs, s
}

// hugeString is n bytes of string content with escapes (a quote, a
// backslash pair, a unicode escape) now and then, so that refills also
// fall inside escapes.
func hugeString(n int) string {
	var b strings.Builder
	piece := strings.Repeat("abcdefgh", 1000) + `\"\\ \u00e9 \\\"`
	for b.Len() < n {
		b.WriteString(piece)
	}
	return b.String()
}

// One value much larger than the buffer is scanned once, not again from
// its start after every refill (which made a 400 MB string take 26 s).
func TestHugeValueScannedLinearly(t *testing.T) {
	str := hugeString(24 << 20)
	doc := `{"saved":[{"id":1,"text":"` + str + `","more":[1,{"a":"]"}]},{"id":2}]}`
	for _, chunk := range []int{4 << 10, 64 << 10, 1 << 20} {
		recs, errs, s := walkAll(t, chunkReader{strings.NewReader(doc), chunk}, &Spec{Items: []string{"saved"}})
		if len(errs) != 0 || len(recs) != 2 || recs[0] != `saved {"id":1,"text":"`+str+`","more":[1,{"a":"]"}]}` {
			t.Fatalf("chunk %d: %d records, errors %v", chunk, len(recs), errs)
		}
		if s.scanned > 2*int64(len(doc)) {
			t.Errorf("chunk %d: scanned %d bytes for a %d-byte document: not linear", chunk, s.scanned, len(doc))
		}
	}
}

// Reading in pieces of any size gives the same records and errors as
// reading whole, for documents whose values span many refills.
func TestChunkedReadsAgree(t *testing.T) {
	docs := []string{
		`[1,"a",{"b":[{}]},null,  2e5 , "x\\" ,"\"]"]`,
		`{"saved":[{"id":1,"s":"` + strings.Repeat(`x\"\\`, 3000) + `"},{"id":2}],"other":[` + strings.Repeat(`"\\\"",`, 2000) + `0]}`,
		`[{"a":"unterminated`,
		`[{"a":1}}]`,
		`[123456789012345678901234567890`,
		`[tru"e]`,
		`[{"a":[1,2,3]]}]`,
		`[` + strings.Repeat(`[`, 5000) + strings.Repeat(`]`, 5000) + `]`,
	}
	for _, doc := range docs {
		for _, items := range [][]string{nil, {"saved"}} {
			spec := &Spec{Items: items}
			wantR, wantE, _ := walkAll(t, strings.NewReader(doc), spec)
			for _, r := range []io.Reader{iotest.OneByteReader(strings.NewReader(doc)), iotest.HalfReader(strings.NewReader(doc)), chunkReader{strings.NewReader(doc), 7}} {
				gotR, gotE, _ := walkAll(t, r, spec)
				if strings.Join(gotR, "\n") != strings.Join(wantR, "\n") || strings.Join(gotE, "\n") != strings.Join(wantE, "\n") {
					t.Errorf("%.60q (items %v) read in pieces:\n%q %q\nwhole:\n%q %q", doc, items, gotR, gotE, wantR, wantE)
				}
			}
		}
	}
}

// An item larger than the maximum item size is an error naming the file
// and its position; memory stays bounded by about that size, and the
// items after it are read.
func TestMaxItemSize(t *testing.T) {
	str := hugeString(8 << 20)
	doc := `[{"id":1},` + "\n" + `{"id":2,"text":"` + str + `"},{"id":3},"` + str + `",{"id":4}]`
	recs, errs, s := walkAll(t, chunkReader{strings.NewReader(doc), 64 << 10}, &Spec{MaxItemSize: 2 << 20})
	if strings.Join(recs, "|") != `items {"id":1}|items {"id":3}|items {"id":4}` {
		t.Errorf("records %.200q", recs)
	}
	if len(errs) != 2 || !strings.Contains(errs[0], "mem: line 2, byte 11: ") || !strings.Contains(errs[0], "larger than the maximum item size (2 MiB)") ||
		!strings.Contains(errs[0], "item 2 of") || !strings.Contains(errs[1], "item 4 of") {
		t.Errorf("errors %q", errs)
	}
	if cap(s.buf) > 5<<20 {
		t.Errorf("buffer grew to %d bytes with a 2 MiB maximum", cap(s.buf))
	}
}

// randomDoc is a JSON-like document, sometimes broken, whose strings have
// runs of backslashes and escaped quotes.
func randomDoc(r *rand.Rand) string {
	var b strings.Builder
	var value func(depth int)
	value = func(depth int) {
		switch k := r.IntN(7); {
		case k == 0 && depth < 6:
			b.WriteByte('[')
			for i := range r.IntN(4) {
				if i > 0 {
					b.WriteByte(',')
				}
				value(depth + 1)
			}
			b.WriteByte(']')
		case k == 1 && depth < 6:
			b.WriteByte('{')
			for i := range r.IntN(4) {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"k%d":`, i)
				value(depth + 1)
			}
			b.WriteByte('}')
		case k == 2:
			b.WriteByte('"')
			for range r.IntN(12) {
				b.WriteString([]string{`a`, `\\`, `\"`, `\\\\`, `\u0041`, `]`, `}`, " "}[r.IntN(8)])
			}
			b.WriteByte('"')
		default:
			b.WriteString([]string{"1", "-2.5e3", "true", "null", "123456789"}[r.IntN(5)])
		}
	}
	b.WriteByte('[')
	for i := range r.IntN(6) {
		if i > 0 {
			b.WriteString([]string{",", " , ", ",\n"}[r.IntN(3)])
		}
		value(0)
	}
	b.WriteByte(']')
	doc := []byte(b.String())
	if r.IntN(3) == 0 && len(doc) > 0 { // break it
		switch r.IntN(3) {
		case 0:
			doc = doc[:r.IntN(len(doc))]
		case 1:
			doc[r.IntN(len(doc))] = `"{}[],:\`[r.IntN(8)]
		default:
			doc = append(doc, " x"...)
		}
	}
	return string(doc)
}

func TestChunkedReadsAgreeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 3000 {
		doc := randomDoc(r)
		wantR, wantE, _ := walkAll(t, strings.NewReader(doc), &Spec{})
		gotR, gotE, _ := walkAll(t, iotest.OneByteReader(strings.NewReader(doc)), &Spec{})
		if strings.Join(gotR, "\n") != strings.Join(wantR, "\n") || strings.Join(gotE, "\n") != strings.Join(wantE, "\n") {
			t.Fatalf("%q read a byte at a time:\n%q %q\nwhole:\n%q %q", doc, gotR, gotE, wantR, wantE)
		}
	}
}
