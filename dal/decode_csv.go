package dal

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
)

// csvRecords yields one JSON object per row, its members named by the
// header row, every value a string. A malformed row is an error naming
// its line and the next row is read.
func csvStream(comma rune) StreamFunc {
	return func(ctx context.Context, r io.Reader, path string, spec *Spec) iter.Seq2[Record, error] {
		return func(yield func(Record, error) bool) {
			rc := newInput(ctx, r)
			rc.limit = spec.ItemLimit()
			cr := csv.NewReader(bufio.NewReaderSize(rc, chunkSize))
			cr.Comma = comma
			cr.FieldsPerRecord = -1
			cr.ReuseRecord = true
			csvRows(ctx, path, cr, rc.startItem, yield)
		}
	}
}

// csvRows yields the rows of r; startItem is called before each row is
// read. A read error (a truncated compressed file, a row over the item
// size limit, an interruption) ends the file: the reader cannot go on
// past it.
func csvRows(ctx context.Context, path string, r *csv.Reader, startItem func(), yield func(Record, error) bool) {
	header, err := r.Read()
	if err == io.EOF {
		yield(Record{}, &ReadError{File: path, Err: errors.New("empty file: expected a header row")})
		return
	}
	if err != nil {
		yield(Record{}, csvErr(path, err))
		return
	}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = string(appendJSONString(nil, h))
	}
	var buf []byte
	for n := 0; ; n++ {
		startItem()
		row, err := r.Read()
		if err == io.EOF {
			return
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			yield(Record{}, csvErr(path, err))
			return
		}
		if n%1024 == 0 && ctx.Err() != nil {
			yield(Record{}, ctx.Err())
			return
		}
		if err == nil && len(row) != len(names) {
			line, _ := r.FieldPos(0)
			err = &ReadError{File: path, Where: fmt.Sprintf("line %d", line), Err: fmt.Errorf("row has %d fields, the header has %d", len(row), len(names))}
		}
		if err != nil {
			if !yield(Record{}, csvErr(path, err)) {
				return
			}
			continue
		}
		buf = csvObject(buf[:0], names, row)
		if !yield(Record{Kind: DefaultKind, Raw: buf}, nil) {
			return
		}
	}
}

// csvObject renders a row as a JSON object.
func csvObject(buf []byte, names, row []string) []byte {
	buf = append(buf, '{')
	for i, v := range row {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(append(buf, names[i]...), ':')
		buf = appendJSONString(buf, v)
	}
	return append(buf, '}')
}

// csvErr turns a csv error into a ReadError naming the line.
func csvErr(path string, err error) error {
	var re *ReadError
	if errors.As(err, &re) {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ReadError{File: path, Where: fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), Err: pe.Err}
	}
	return &ReadError{File: path, Err: unwrapPath(err, path)}
}
