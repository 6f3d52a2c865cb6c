package dal

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
)

// Shell history decoders. Each yields one record per command ("commands"
// kind): {"command": "...", "time": UNIX_SECONDS} with time present only
// when the history records it. The key is [time, command], so a history
// without times merges to the distinct commands ever run.
func init() {
	register(&Decoder{Name: "bash", Version: 1, Defaults: shellDefaults, Records: lineDecoder(&bashParser{})})
	register(&Decoder{Name: "zsh", Version: 1, Defaults: shellDefaults, Records: lineDecoder(&zshParser{})})
	register(&Decoder{Name: "fish", Version: 1, Defaults: shellDefaults, Records: lineDecoder(&fishParser{})})
}

func shellDefaults(s *Spec) {
	if len(s.Key) == 0 {
		s.Key = []string{"time", "command"}
	}
	if s.Time == "" {
		s.Time = "time"
	}
	if s.Text == "" {
		s.Text = "command"
	}
}

// command is one parsed history entry.
type command struct {
	text     string
	time     int64 // Unix seconds; 0 when unknown
	hasTime  bool
	duration int64 // seconds (zsh); -1 when unknown
	paths    []string
}

func (c *command) render(buf []byte) []byte {
	buf = appendJSONString(append(buf, `{"command":`...), c.text)
	if c.hasTime {
		buf = strconv.AppendInt(append(buf, `,"time":`...), c.time, 10)
	}
	if c.duration >= 0 {
		buf = strconv.AppendInt(append(buf, `,"duration":`...), c.duration, 10)
	}
	if c.paths != nil {
		buf = append(buf, `,"paths":[`...)
		for i, p := range c.paths {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, p)
		}
		buf = append(buf, ']')
	}
	return append(buf, '}')
}

// lineParser turns history lines into commands. line returns the
// commands completed by this line (usually zero or one) or an error for a
// line it cannot read; flush returns the command still pending at the end.
type lineParser interface {
	reset()
	line(n int, b []byte) ([]command, error)
	flush() []command
}

// lineDecoder reads a history file line by line with a fresh parser.
func lineDecoder(proto lineParser) func(context.Context, string, *Spec) iter.Seq2[Record, error] {
	return func(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
		return func(yield func(Record, error) bool) {
			rc, ok := openOrYield(ctx, path, yield)
			if !ok {
				return
			}
			defer rc.Close()
			r := &lineReader{p: newParser(proto), path: path, yield: yield, limit: spec.maxItemSize()}
			r.run(ctx, bufio.NewReaderSize(rc, 256<<10))
		}
	}
}

// lineReader feeds a parser and yields what it completes.
type lineReader struct {
	p     lineParser
	path  string
	yield func(Record, error) bool
	buf   []byte
	limit int64 // longest line read
}

func (r *lineReader) run(ctx context.Context, br *bufio.Reader) {
	var long []byte
	for n := 1; ; n++ {
		b, big, rerr := readLine(br, &long, r.limit)
		if big {
			if !r.yield(Record{}, lineTooLarge(r.path, n, r.limit)) {
				return
			}
		} else if (len(b) > 0 || rerr == nil) && !r.line(n, b) {
			return
		}
		if rerr != nil {
			if rerr != io.EOF {
				r.yield(Record{}, &ReadError{File: r.path, Where: fmt.Sprintf("line %d", n), Err: unwrapPath(rerr, r.path)})
				return
			}
			r.emit(r.p.flush())
			return
		}
		if n%4096 == 0 && ctx.Err() != nil {
			r.yield(Record{}, ctx.Err())
			return
		}
	}
}

// line parses line n; it returns false when the consumer stopped.
func (r *lineReader) line(n int, b []byte) bool {
	cmds, err := r.p.line(n, b)
	if err != nil && !r.yield(Record{}, &ReadError{File: r.path, Where: fmt.Sprintf("line %d", n), Err: err}) {
		return false
	}
	return r.emit(cmds)
}

func (r *lineReader) emit(cmds []command) bool {
	for i := range cmds {
		r.buf = cmds[i].render(r.buf[:0])
		if !r.yield(Record{Kind: "commands", Raw: r.buf}, nil) {
			return false
		}
	}
	return true
}

// newParser returns a fresh parser of the same type as proto.
func newParser(proto lineParser) lineParser {
	var p lineParser
	switch proto.(type) {
	case *bashParser:
		p = &bashParser{}
	case *zshParser:
		p = &zshParser{}
	default:
		p = &fishParser{}
	}
	p.reset()
	return p
}

// bashParser reads ~/.bash_history. With HISTTIMEFORMAT set, bash writes
// "#1600000000" before each command, and a command runs until the next
// such line (so multi-line commands stay whole); without it, each line is
// a command.
type bashParser struct {
	pending *command
	lines   []string
}

func (p *bashParser) reset() { p.pending, p.lines = nil, nil }

func (p *bashParser) line(n int, b []byte) ([]command, error) {
	if ts, ok := bashStamp(b); ok {
		done := p.flush()
		p.pending = &command{time: ts, hasTime: true, duration: -1}
		return done, nil
	}
	if p.pending == nil {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, nil
		}
		return []command{{text: string(b), duration: -1}}, nil
	}
	p.lines = append(p.lines, string(b))
	return nil, nil
}

func (p *bashParser) flush() []command {
	if p.pending == nil {
		return nil
	}
	c := *p.pending
	c.text = strings.Join(p.lines, "\n")
	p.pending, p.lines = nil, nil
	return []command{c}
}

// bashStamp recognises a "#<unix seconds>" line.
func bashStamp(b []byte) (int64, bool) {
	if len(b) < 2 || b[0] != '#' {
		return 0, false
	}
	ts, err := strconv.ParseInt(string(bytes.TrimSpace(b[1:])), 10, 64)
	return ts, err == nil && ts >= 0
}

// zshParser reads zsh history: extended lines ": <start>:<elapsed>;<cmd>"
// or plain lines, a trailing backslash continuing a command on the next
// line. zsh "metafies" bytes 0x83-0x9f in the file; they are restored.
type zshParser struct {
	pending *command
}

func (p *zshParser) reset() { p.pending = nil }

func (p *zshParser) line(n int, b []byte) ([]command, error) {
	b = unmetafy(b)
	cont := endsWithBackslash(b)
	if cont {
		b = b[:len(b)-1]
	}
	var err error
	if p.pending != nil {
		p.pending.text += "\n" + string(b)
	} else {
		c := command{duration: -1}
		c.text, c.time, c.duration, c.hasTime, err = zshEntry(b)
		p.pending = &c
	}
	if cont {
		return nil, err
	}
	return p.flush(), err
}

func (p *zshParser) flush() []command {
	if p.pending == nil {
		return nil
	}
	c := *p.pending
	p.pending = nil
	if !c.hasTime && strings.TrimSpace(c.text) == "" {
		return nil
	}
	return []command{c}
}

// zshEntry splits an extended history line; a plain line is a command
// without a time. A line that starts like an extended one but is broken
// is returned whole, with an error.
func zshEntry(b []byte) (text string, ts, dur int64, ok bool, err error) {
	if !bytes.HasPrefix(b, []byte(": ")) {
		return string(b), 0, -1, false, nil
	}
	head, cmd, found := bytes.Cut(b[2:], []byte{';'})
	start, elapsed, found2 := bytes.Cut(head, []byte{':'})
	if found && found2 {
		ts, e1 := strconv.ParseInt(string(start), 10, 64)
		dur, e2 := strconv.ParseInt(string(elapsed), 10, 64)
		if e1 == nil && e2 == nil {
			return string(cmd), ts, dur, true, nil
		}
	}
	return string(b), 0, -1, false, fmt.Errorf("malformed extended history line %.40q (expected \": <start>:<elapsed>;<command>\")", b)
}

func endsWithBackslash(b []byte) bool {
	n := 0
	for i := len(b) - 1; i >= 0 && b[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// unmetafy undoes zsh's encoding of special bytes: 0x83 followed by c
// stands for c^32.
func unmetafy(b []byte) []byte {
	i := bytes.IndexByte(b, 0x83)
	if i < 0 {
		return b
	}
	out := append([]byte(nil), b[:i]...)
	for ; i < len(b); i++ {
		if b[i] == 0x83 && i+1 < len(b) {
			i++
			out = append(out, b[i]^32)
			continue
		}
		out = append(out, b[i])
	}
	return out
}

// fishParser reads fish_history, a YAML subset:
//
//   - cmd: git status
//     when: 1600000000
//     paths:
//   - some/path
type fishParser struct {
	pending *command
	inPaths bool
}

func (p *fishParser) reset() { p.pending, p.inPaths = nil, false }

func (p *fishParser) line(n int, b []byte) ([]command, error) {
	s := string(b)
	switch {
	case strings.HasPrefix(s, "- cmd:"):
		done := p.flush()
		p.pending = &command{text: fishUnescape(strings.TrimPrefix(strings.TrimPrefix(s, "- cmd:"), " ")), duration: -1}
		return done, nil
	case p.pending == nil:
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("unexpected line %.40q outside an entry (expected \"- cmd: ...\")", s)
	case strings.HasPrefix(s, "  when:"):
		ts, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(s, "  when:")), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad time in %.40q", s)
		}
		p.pending.time, p.pending.hasTime, p.inPaths = ts, true, false
	case strings.HasPrefix(s, "  paths:"):
		p.inPaths = true
		p.pending.paths = []string{}
	case p.inPaths && strings.HasPrefix(s, "    - "):
		p.pending.paths = append(p.pending.paths, fishUnescape(strings.TrimPrefix(s, "    - ")))
	case strings.TrimSpace(s) == "":
	default:
		return nil, fmt.Errorf("unexpected line %.40q in an entry", s)
	}
	return nil, nil
}

func (p *fishParser) flush() []command {
	if p.pending == nil {
		return nil
	}
	c := *p.pending
	p.pending, p.inPaths = nil, false
	return []command{c}
}

// fishUnescape undoes fish's history escapes: "\n" for a newline and "\\"
// for a backslash.
func fishUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
