// Package bash is the built-in source for bash history.
package bash

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// detect finds ~/.bash_history and the file $HISTFILE names, when it is
// set in the environment (bash does not export it unless asked) and does
// not look like another shell's history.
func detect(env source.Env) []source.Found {
	var out []source.Found
	add := func(path, comment string) {
		out = append(out, source.Found{Name: source.Number("bash", len(out)), Path: path, Comment: comment})
	}
	for _, p := range source.Glob(env.Home, ".bash_history") {
		add(p, "bash history")
	}
	histfile := env.Getenv("HISTFILE")
	if strings.HasPrefix(histfile, "~/") {
		histfile = filepath.Join(env.Home, histfile[2:])
	}
	if !filepath.IsAbs(histfile) || otherShells(histfile) {
		return out
	}
	histfile = filepath.Clean(histfile)
	info, err := os.Stat(histfile)
	if err == nil && info.Mode().IsRegular() && !slices.ContainsFunc(out, func(f source.Found) bool { return f.Path == histfile }) {
		add(histfile, "bash history ($HISTFILE)")
	}
	return out
}

// otherShells reports whether a history file is zsh's or fish's rather
// than bash's: by its name, or by zsh's extended format on its first line.
func otherShells(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	if strings.Contains(base, "zsh") || strings.Contains(base, "zhist") || base == ".histfile" || strings.Contains(base, "fish") {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := f.Read(head)
	return zshExtended.Match(head[:n])
}

// zshExtended is the start of a zsh extended history line: ": 1600000000:0;".
var zshExtended = regexp.MustCompile(`^: \d+:\d+;`)

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
