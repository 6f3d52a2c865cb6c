// Package bash is the built-in source for bash history.
package bash

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/shellhist"
)

// Decoder yields one "commands" record per command; see shellhist.Command.
var Decoder = shellhist.Decoder("bash", 2, func() shellhist.Parser { return &bashParser{} })

// Source describes bash history.
var Source = &source.Source{
	Name:     "bash",
	Title:    "bash history",
	Category: source.Local,
	Needs:    "the history file",
	Decoder:  Decoder,
	Exporter: source.FileKind("bash", "txt"),
	Detect:   detect,
	Stanza:   source.FileStanza("bash", "bash history", "~/.bash_history"),
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, p := range source.Glob(env.Home, ".bash_history") {
		out = append(out, source.Found{Name: source.Number("bash", i), Path: p, Comment: "bash history"})
	}
	return out
}

// bashParser reads ~/.bash_history. With HISTTIMEFORMAT set, bash writes
// "#1600000000" before each command, and a command runs until the next
// such line (so multi-line commands stay whole); without it, each line is
// a command.
type bashParser struct {
	pending *shellhist.Command
	lines   []string
}

func (p *bashParser) Line(n int, b []byte) ([]shellhist.Command, error) {
	if ts, ok := bashStamp(b); ok {
		done := p.Flush()
		p.pending = &shellhist.Command{Line: n + 1, Time: ts, HasTime: true, Duration: -1}
		return done, nil
	}
	if p.pending == nil {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, nil
		}
		return []shellhist.Command{{Line: n, Text: string(b), Duration: -1}}, nil
	}
	p.lines = append(p.lines, string(b))
	return nil, nil
}

func (p *bashParser) Flush() []shellhist.Command {
	if p.pending == nil {
		return nil
	}
	c := *p.pending
	c.Text = strings.Join(p.lines, "\n")
	p.pending, p.lines = nil, nil
	return []shellhist.Command{c}
}

// bashStamp recognises a "#<unix seconds>" line.
func bashStamp(b []byte) (int64, bool) {
	if len(b) < 2 || b[0] != '#' {
		return 0, false
	}
	ts, err := strconv.ParseInt(string(bytes.TrimSpace(b[1:])), 10, 64)
	return ts, err == nil && ts >= 0
}
