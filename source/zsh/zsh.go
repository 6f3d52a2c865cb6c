// Package zsh is the built-in source for zsh history.
package zsh

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/shellhist"
)

// Decoder yields one "commands" record per command; see shellhist.Command.
var Decoder = shellhist.Decoder("zsh", 2, func() shellhist.Parser { return &zshParser{} })

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
	// $HISTFILE when it is set in the environment (zsh itself has no
	// default: ~/.histfile is what zsh-newuser-install writes, the others
	// what distributions and frameworks use).
	globs := []string{".zsh_history", ".zhistory", ".histfile"}
	if h := env.Getenv("HISTFILE"); h != "" && filepath.IsAbs(h) {
		globs = append([]string{h}, globs...)
	}
	if d := env.Getenv("ZDOTDIR"); d != "" && filepath.IsAbs(d) {
		globs = append(globs, filepath.Join(d, ".zsh_history"), filepath.Join(d, ".zhistory"), filepath.Join(d, ".histfile"))
	}
	for _, p := range source.Glob(env.Home, globs...) {
		if !looksLikeZsh(p) {
			continue // $HISTFILE of bash, say
		}
		out = append(out, source.Found{Name: source.Number("zsh", len(out)), Path: p, Comment: "zsh history"})
	}
	return out
}

// looksLikeZsh reports whether a history file may be zsh's: not bash's
// "#<time>" lines nor fish's YAML. A plain history looks like any other;
// it is taken.
func looksLikeZsh(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	head = head[:n]
	return !bytes.HasPrefix(head, []byte("- cmd:")) && !(len(head) > 1 && head[0] == '#' && head[1] >= '0' && head[1] <= '9')
}

// zshParser reads zsh history as zsh 5.9's own reader (readhistfile in
// Src/hist.c) does:
//
//   - every physical line that ends in a backslash continues on the next
//     one, whatever precedes that backslash: the backslash becomes the
//     newline (the writer puts a backslash before each newline of an
//     entry);
//   - an entry that then ends in a backslash followed by spaces loses one
//     space (the writer adds it, so that a command ending in a backslash
//     is not read as continued);
//   - a line starting with ":" is extended: ": <start>:<elapsed>;<command>",
//     elapsed being a duration, or a finish time when it is not smaller
//     than start; in a plain line, a backslash before a leading ":" is
//     dropped;
//   - the text is "metafied": 0x83 followed by c stands for c^32.
//
// One difference: an entry continued on a last line that never comes
// (the file ends in "\\\n") is kept; zsh drops it.
type zshParser struct {
	buf   []byte // the entry's physical lines so far, joined
	first int    // its first line
	open  bool   // the last line ended in a backslash
}

func (p *zshParser) Line(n int, b []byte) ([]shellhist.Command, error) {
	if !p.open {
		p.buf, p.first = p.buf[:0], n
	}
	if len(b) > 0 && b[len(b)-1] == '\\' {
		p.buf = append(append(p.buf, b[:len(b)-1]...), '\n')
		p.open = true
		return nil, nil
	}
	p.buf = append(p.buf, b...)
	p.open = false
	return p.entry()
}

func (p *zshParser) Flush() []shellhist.Command {
	if !p.open {
		return nil
	}
	p.open = false
	cmds, _ := p.entry()
	return cmds
}

// entry parses the joined entry in p.buf.
func (p *zshParser) entry() ([]shellhist.Command, error) {
	b := p.buf
	if end := len(b) - 1; end > 0 && b[end] == ' ' {
		i := end
		for i >= 0 && b[i] == ' ' {
			i--
		}
		if i >= 0 && b[i] == '\\' {
			b = b[:end]
		}
	}
	b = unmetafy(b)
	c := shellhist.Command{Line: p.first, Duration: -1}
	var err error
	c.Text, c.Time, c.Duration, c.HasTime, err = zshEntry(b)
	if !c.HasTime && strings.TrimSpace(c.Text) == "" && err == nil {
		return nil, nil
	}
	if err != nil {
		err = shellhist.LineError{Line: p.first, Err: err}
	}
	return []shellhist.Command{c}, err
}

// zshEntry splits an extended history entry; a plain one is a command
// without a time. An entry that starts like an extended one but is
// broken is returned whole, with an error.
func zshEntry(b []byte) (text string, ts, dur int64, ok bool, err error) {
	if len(b) == 0 || b[0] != ':' {
		if bytes.HasPrefix(b, []byte(`\:`)) {
			b = b[1:]
		}
		return string(b), 0, -1, false, nil
	}
	head, cmd, found := bytes.Cut(b[1:], []byte{';'})
	start, elapsed, found2 := bytes.Cut(head, []byte{':'})
	if found && found2 {
		ts, e1 := strconv.ParseInt(string(bytes.TrimLeft(start, " \t")), 10, 64)
		fin, e2 := strconv.ParseInt(string(bytes.TrimLeft(elapsed, " \t")), 10, 64)
		if e1 == nil && e2 == nil && fin >= 0 {
			if fin >= ts && ts > 0 {
				fin -= ts // a finish time, not a duration
			}
			return string(cmd), ts, fin, true, nil
		}
	}
	return string(b), 0, -1, false, fmt.Errorf("malformed extended history line %.40q (expected \": <start>:<elapsed>;<command>\")", b)
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
