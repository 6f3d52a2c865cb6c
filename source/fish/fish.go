// Package fish is the built-in source for fish history.
package fish

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/shellhist"
)

// Decoder yields one "commands" record per command; see shellhist.Command.
var Decoder = shellhist.Decoder("fish", 2, func() shellhist.Parser { return &fishParser{} })

// Source describes fish history.
var Source = &source.Source{
	Name:     "fish",
	Title:    "fish history",
	Category: source.Local,
	Needs:    "the history file",
	Decoder:  Decoder,
	Exporter: source.FileKind("fish", "txt"),
	Detect:   detect,
	Stanza:   source.FileStanza("fish", "fish history", "~/.local/share/fish/fish_history"),
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, p := range source.Glob(env.Home, filepath.Join(env.XDGData(), "fish", "fish_history")) {
		out = append(out, source.Found{Name: source.Number("fish", i), Path: p, Comment: "fish history"})
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
	pending *shellhist.Command
	inPaths bool
}

func (p *fishParser) Line(n int, b []byte) ([]shellhist.Command, error) {
	s := string(b)
	switch {
	case strings.HasPrefix(s, "- cmd:"):
		done := p.Flush()
		p.pending = &shellhist.Command{Line: n, Text: fishUnescape(strings.TrimPrefix(strings.TrimPrefix(s, "- cmd:"), " ")), Duration: -1}
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
		p.pending.Time, p.pending.HasTime, p.inPaths = ts, true, false
	case strings.HasPrefix(s, "  paths:"):
		p.inPaths = true
		p.pending.Paths = []string{}
	case p.inPaths && strings.HasPrefix(s, "    - "):
		p.pending.Paths = append(p.pending.Paths, fishUnescape(strings.TrimPrefix(s, "    - ")))
	case strings.TrimSpace(s) == "":
	default:
		return nil, fmt.Errorf("unexpected line %.40q in an entry", s)
	}
	return nil, nil
}

func (p *fishParser) Flush() []shellhist.Command {
	if p.pending == nil {
		return nil
	}
	c := *p.pending
	p.pending, p.inPaths = nil, false
	return []shellhist.Command{c}
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
