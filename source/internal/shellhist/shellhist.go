// Package shellhist is what the shell history sources (bash, zsh, fish)
// share: a command record, and a decoder that feeds a file's lines to a
// shell's parser.
package shellhist

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"unicode/utf8"

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
	Line     int // the entry's first line in the file (for messages)
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

// LineError is a parser's error about an entry that started on Line,
// before the line being read.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return e.Err.Error() }
func (e LineError) Unwrap() error { return e.Err }

// ErrInvalidUTF8 is the cause of the error reported for a command whose
// bytes are not UTF-8 (a history written in another encoding, or cut in
// the middle of a character): the command is still yielded, each invalid
// byte shown as U+FFFD.
var ErrInvalidUTF8 = errors.New("invalid UTF-8 in the command (a history in another encoding?); each invalid byte is shown as U+FFFD")

// Parser turns history lines into commands. line returns the
// commands completed by this line (usually zero or one) or an error for a
// line it cannot read; flush returns the command still pending at the end.
type Parser interface {
	Line(n int, b []byte) ([]Command, error)
	Flush() []Command
}

// Stream returns a decoder's Stream function that reads a history line by
// line with a fresh parser from newParser.
func Stream(newParser func() Parser) dal.StreamFunc {
	return func(ctx context.Context, in io.Reader, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
		return func(yield func(dal.Record, error) bool) {
			r := &lineReader{p: newParser(), path: path, yield: yield, limit: spec.ItemLimit()}
			r.run(ctx, bufio.NewReaderSize(dal.WithContext(ctx, in), 256<<10))
		}
	}
}

// Decoder returns a shell's decoder: its Stream reads with parsers from
// newParser, its Records opens the file and streams it.
func Decoder(name string, version int, newParser func() Parser) *dal.Decoder {
	s := Stream(newParser)
	return &dal.Decoder{Name: name, Version: version, Kinds: Defaults, Stream: s, Records: dal.RecordsOf(s)}
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
	if err != nil {
		var le LineError
		if errors.As(err, &le) {
			n, err = le.Line, le.Err
		}
		if !r.yield(dal.Record{}, r.errAt(n, err)) {
			return false
		}
	}
	return r.emit(cmds)
}

func (r *lineReader) errAt(line int, err error) error {
	return &dal.ReadError{File: r.path, Where: fmt.Sprintf("line %d", line), Err: err}
}

// emit yields the commands; one that is not UTF-8 is reported too, by
// its first line.
func (r *lineReader) emit(cmds []Command) bool {
	for i := range cmds {
		r.buf = cmds[i].render(r.buf[:0])
		if !r.yield(dal.Record{Kind: Kind, Raw: r.buf}, nil) {
			return false
		}
		if !cmds[i].valid() && !r.yield(dal.Record{}, r.errAt(cmds[i].Line, ErrInvalidUTF8)) {
			return false
		}
	}
	return true
}

// valid reports whether the command's text and paths are UTF-8.
func (c *Command) valid() bool {
	if !utf8.ValidString(c.Text) {
		return false
	}
	for _, p := range c.Paths {
		if !utf8.ValidString(p) {
			return false
		}
	}
	return true
}
