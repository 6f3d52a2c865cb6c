// Package zsh is the built-in source for zsh history.
package zsh

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/shellhist"
)

// Decoder yields one "commands" record per command; see shellhist.Command.
var Decoder = &dal.Decoder{
	Name: "zsh", Version: 1, Kinds: shellhist.Defaults,
	Records: shellhist.Records(func() shellhist.Parser { return &zshParser{} }),
}

// Source describes zsh history.
var Source = &source.Source{
	Name:     "zsh",
	Title:    "zsh history",
	Category: source.Local,
	Needs:    "the history file",
	Decoder:  Decoder,
	Exporter: source.FileKind("zsh", "txt"),
	Detect:   detect,
	Stanza:   source.FileStanza("zsh", "zsh history", "~/.zsh_history"),
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, p := range source.Glob(env.Home, ".zsh_history", ".zhistory") {
		out = append(out, source.Found{Name: source.Number("zsh", i), Path: p, Comment: "zsh history"})
	}
	return out
}

// zshParser reads zsh history: extended lines ": <start>:<elapsed>;<cmd>"
// or plain lines, a trailing backslash continuing a command on the next
// line. zsh "metafies" bytes 0x83-0x9f in the file; they are restored.
type zshParser struct {
	pending *shellhist.Command
}

func (p *zshParser) Line(n int, b []byte) ([]shellhist.Command, error) {
	b = unmetafy(b)
	cont := endsWithBackslash(b)
	if cont {
		b = b[:len(b)-1]
	}
	var err error
	if p.pending != nil {
		p.pending.Text += "\n" + string(b)
	} else {
		c := shellhist.Command{Duration: -1}
		c.Text, c.Time, c.Duration, c.HasTime, err = zshEntry(b)
		p.pending = &c
	}
	if cont {
		return nil, err
	}
	return p.Flush(), err
}

func (p *zshParser) Flush() []shellhist.Command {
	if p.pending == nil {
		return nil
	}
	c := *p.pending
	p.pending = nil
	if !c.HasTime && strings.TrimSpace(c.Text) == "" {
		return nil
	}
	return []shellhist.Command{c}
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
