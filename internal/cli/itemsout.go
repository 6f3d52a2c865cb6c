package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/dal"
)

// Item output formats.
const (
	formatJSONL = "jsonl"
	formatCSV   = "csv"
	formatTable = "table"
)

// outputFormat validates --format; empty means table on a terminal, else
// jsonl.
func outputFormat(g *Globals, f string) (string, error) {
	switch f {
	case "":
		if isTerminal(g.Stdout) {
			return formatTable, nil
		}
		return formatJSONL, nil
	case formatJSONL, "json", "ndjson":
		return formatJSONL, nil
	case formatCSV, formatTable:
		return f, nil
	}
	return "", usageErr("--format %q: use jsonl, csv or table", f)
}

// writeItems prints items in a format. The output depends only on the
// items (and, for tables, the time zone loc), so cached and uncached reads
// print the same bytes. It is passed on in whole lines (whole CSV records)
// only: when reading fails halfway (a damaged index), what was printed ends
// after the last item read.
func writeItems(w io.Writer, format string, items iter.Seq2[dal.Item, error], loc *time.Location) error {
	ww := &wholeWriter{w: w}
	var err error
	switch format {
	case formatCSV:
		err = writeCSV(ww, items)
	case formatTable:
		err = writeTable(ww, items, loc)
	default:
		err = writeJSONL(ww, items)
	}
	if ferr := ww.flush(); err == nil {
		err = ferr
	}
	return err
}

// wholeWriter buffers output and passes it on only up to the end of the
// last whole record (see end), in writes of about wholeBuf bytes.
type wholeWriter struct {
	w    io.Writer
	buf  []byte
	done int   // buf[:done] is whole records
	err  error // first write error
}

const wholeBuf = 64 << 10

// Write adds bytes to the record being written.
func (x *wholeWriter) Write(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	x.buf = append(x.buf, p...)
	return len(p), nil
}

// end marks the end of a record.
func (x *wholeWriter) end() error {
	x.done = len(x.buf)
	if x.done >= wholeBuf {
		return x.flush()
	}
	return x.err
}

// record writes one whole record; a large one goes straight through
// rather than being copied.
func (x *wholeWriter) record(b []byte) error {
	if x.done != len(x.buf) || len(x.buf)+len(b) <= wholeBuf {
		x.Write(b)
		return x.end()
	}
	if err := x.flush(); err != nil {
		return err
	}
	if len(b) < wholeBuf {
		x.buf = append(x.buf, b...)
		x.done = len(x.buf)
		return nil
	}
	if _, err := x.w.Write(b); err != nil {
		x.err = err
	}
	return x.err
}

// flush writes the whole records buffered; a partial record stays.
func (x *wholeWriter) flush() error {
	if x.err != nil || x.done == 0 {
		return x.err
	}
	if _, err := x.w.Write(x.buf[:x.done]); err != nil {
		x.err = err
		return err
	}
	n := copy(x.buf, x.buf[x.done:])
	x.buf, x.done = x.buf[:n], 0
	if cap(x.buf) > 4*wholeBuf && n < wholeBuf {
		x.buf = append([]byte(nil), x.buf...) // let a huge line's buffer go
	}
	return nil
}

func writeJSONL(w *wholeWriter, items iter.Seq2[dal.Item, error]) error {
	var buf []byte
	for it, err := range items {
		if err != nil {
			return err
		}
		// size the line at once for huge items (growing it copies it
		// again and again)
		if n := len(it.Raw) + len(it.Text) + len(it.Title) + len(it.URL) + len(it.Key) + 256; cap(buf) < n {
			buf = make([]byte, 0, n+n/16)
		}
		buf = append(it.AppendJSON(buf[:0]), '\n')
		if err := w.record(buf); err != nil {
			return err
		}
	}
	return nil
}

// csvHeader names the CSV columns.
var csvHeader = []string{"source", "kind", "key", "time", "title", "url", "text", "first_seen", "last_seen", "raw"}

func writeCSV(w *wholeWriter, items iter.Seq2[dal.Item, error]) error {
	cw := csv.NewWriter(w)
	write := func(rec []string) error {
		if err := cw.Write(rec); err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return w.end()
	}
	if err := write(csvHeader); err != nil {
		return err
	}
	for it, err := range items {
		if err == nil {
			err = write([]string{it.Source, it.Kind, it.Key, fmtTime(it.Time), it.Title, it.URL, it.Text,
				fmtTime(it.FirstSeen), fmtTime(it.LastSeen), string(dal.AppendRaw(nil, it.Raw))})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// writeTable prints one line per item for people: time (in loc, with the
// zone), source, and the title (else text, else URL, else key), cut to
// fit.
func writeTable(w *wholeWriter, items iter.Seq2[dal.Item, error], loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSOURCE\tITEM")
	var err error
	for it, ierr := range items {
		if err = ierr; err != nil {
			break
		}
		when := "-"
		if !it.Time.IsZero() {
			when = it.Time.In(loc).Format(tableTime)
		}
		if _, err = fmt.Fprintf(tw, "%s\t%s\t%s\n", when, it.Source, clip(describeItem(it), 100)); err != nil {
			break
		}
	}
	// The table's lines are whole (one line an item); those read before
	// an error are printed too.
	if ferr := tw.Flush(); err == nil {
		err = ferr
	}
	if eerr := w.end(); err == nil {
		err = eerr
	}
	return err
}

// tableTime is how tables show a time: to the minute, with the zone.
const tableTime = "2006-01-02 15:04 MST"

func describeItem(it dal.Item) string {
	s := it.Title
	if it.Text != "" {
		if s != "" {
			s += " — "
		}
		s += it.Text
	}
	if s == "" {
		s = it.URL
	}
	if s == "" {
		s = it.Key
	}
	return strings.Join(strings.Fields(s), " ")
}

// clip cuts s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
