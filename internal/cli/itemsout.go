package cli

import (
	"bufio"
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
// print the same bytes.
func writeItems(w io.Writer, format string, items iter.Seq2[dal.Item, error], loc *time.Location) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var err error
	switch format {
	case formatCSV:
		err = writeCSV(bw, items)
	case formatTable:
		err = writeTable(bw, items, loc)
	default:
		err = writeJSONL(bw, items)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeJSONL(w *bufio.Writer, items iter.Seq2[dal.Item, error]) error {
	var buf []byte
	for it, err := range items {
		if err != nil {
			return err
		}
		buf = append(it.AppendJSON(buf[:0]), '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// csvHeader names the CSV columns.
var csvHeader = []string{"source", "kind", "key", "time", "title", "url", "text", "first_seen", "last_seen", "raw"}

func writeCSV(w *bufio.Writer, items iter.Seq2[dal.Item, error]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for it, err := range items {
		if err == nil {
			err = cw.Write([]string{it.Source, it.Kind, it.Key, fmtTime(it.Time), it.Title, it.URL, it.Text,
				fmtTime(it.FirstSeen), fmtTime(it.LastSeen), string(dal.AppendRaw(nil, it.Raw))})
		}
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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
func writeTable(w *bufio.Writer, items iter.Seq2[dal.Item, error], loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSOURCE\tITEM")
	for it, err := range items {
		if err != nil {
			return err
		}
		when := "-"
		if !it.Time.IsZero() {
			when = it.Time.In(loc).Format(tableTime)
		}
		if _, err := fmt.Fprintf(tw, "%s\t%s\t%s\n", when, it.Source, clip(describeItem(it), 100)); err != nil {
			return err
		}
	}
	return tw.Flush()
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
