// Package shellhist is what the shell history sources (bash, zsh, fish)
// share: a command record, and a decoder that feeds a file's lines to a
// shell's parser.
package shellhist

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/hoard-dev/hoard/dal"
)

// Kind is the kind of every shell history record.
const Kind = "commands"

// Defaults are the read defaults of a history's "commands": a command is
// keyed by its time and text, so a history without times merges to the
// distinct commands ever run.
var Defaults = map[string]dal.KindSpec{Kind: {Key: []string{"time", "command"}, Time: "time", Text: "command"}}

// Command is one parsed history entry, rendered as the record
// {"command": "...", "time": UNIX_SECONDS, "duration": SECONDS, "paths": [...]}
// with time, duration and paths present only when the history has them.
type Command struct {
	Text     string
	Time     int64 // Unix seconds; 0 when unknown
	HasTime  bool
	Duration int64 // seconds (zsh); -1 when unknown
	Paths    []string
}

func (c *Command) render(buf []byte) []byte {
	buf = dal.AppendJSONString(append(buf, `{"command":`...), c.Text)
	if c.HasTime {
		buf = strconv.AppendInt(append(buf, `,"time":`...), c.Time, 10)
	}
	if c.Duration >= 0 {
		buf = strconv.AppendInt(append(buf, `,"duration":`...), c.Duration, 10)
	}
	if c.Paths != nil {
		buf = append(buf, `,"paths":[`...)
		for i, p := range c.Paths {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = dal.AppendJSONString(buf, p)
		}
		buf = append(buf, ']')
	}
	return append(buf, '}')
}

// Parser turns history lines into commands. line returns the
// commands completed by this line (usually zero or one) or an error for a
// line it cannot read; flush returns the command still pending at the end.
type Parser interface {
	Line(n int, b []byte) ([]Command, error)
	Flush() []Command
}

// Records returns a decoder's Records function that reads a history file
// line by line with a fresh parser from newParser.
func Records(newParser func() Parser) func(context.Context, string, *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
		return func(yield func(dal.Record, error) bool) {
			rc, err := dal.OpenRecords(ctx, path)
			if err != nil {
				yield(dal.Record{}, err)
				return
			}
			defer rc.Close()
			r := &lineReader{p: newParser(), path: path, yield: yield, limit: spec.ItemLimit()}
			r.run(ctx, bufio.NewReaderSize(rc, 256<<10))
		}
	}
}

// lineReader feeds a parser and yields what it completes.
type lineReader struct {
	p     Parser
	path  string
	yield func(dal.Record, error) bool
	buf   []byte
	limit int64 // longest line read
}

func (r *lineReader) run(ctx context.Context, br *bufio.Reader) {
	var long []byte
	for n := 1; ; n++ {
		b, big, rerr := dal.ReadLine(br, &long, r.limit)
		if big {
			if !r.yield(dal.Record{}, dal.LineTooLarge(r.path, n, r.limit)) {
				return
			}
		} else if (len(b) > 0 || rerr == nil) && !r.line(n, b) {
			return
		}
		if rerr != nil {
			if rerr != io.EOF {
				r.yield(dal.Record{}, &dal.ReadError{File: r.path, Where: fmt.Sprintf("line %d", n), Err: rerr})
				return
			}
			r.emit(r.p.Flush())
			return
		}
		if n%4096 == 0 && ctx.Err() != nil {
			r.yield(dal.Record{}, ctx.Err())
			return
		}
	}
}

// line parses line n; it returns false when the consumer stopped.
func (r *lineReader) line(n int, b []byte) bool {
	cmds, err := r.p.Line(n, b)
	if err != nil && !r.yield(dal.Record{}, &dal.ReadError{File: r.path, Where: fmt.Sprintf("line %d", n), Err: err}) {
		return false
	}
	return r.emit(cmds)
}

func (r *lineReader) emit(cmds []Command) bool {
	for i := range cmds {
		r.buf = cmds[i].render(r.buf[:0])
		if !r.yield(dal.Record{Kind: Kind, Raw: r.buf}, nil) {
			return false
		}
	}
	return true
}
