package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/version"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newManCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for hoard and each of its commands into DIR",
		Long: `Writes one man page (section 1) per command into DIR, created if needed:
hoard.1, hoard-run.1, hoard-schedule-install.1, ... made from the same text
as --help. Existing pages of the same names are replaced.

To read them without installing: man -l DIR/hoard.1. To install for your
user: hoard man ~/.local/share/man/man1 (man finds it through
~/.local/share/man when that directory exists).`,
		Example: `  hoard man ~/.local/share/man/man1 && man hoard-run
  hoard man /tmp/hoard-man && man -l /tmp/hoard-man/hoard.1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMan(g, cmd.Root(), args[0])
		},
	}
}

// runMan writes the man pages of every visible command under root.
func runMan(g *Globals, root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var pages []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || (!c.IsAvailableCommand() && c != root) {
			return
		}
		pages = append(pages, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, c := range pages {
		path := filepath.Join(dir, manName(c)+".1")
		if err := os.WriteFile(path, manPage(c), 0o644); err != nil {
			return err
		}
	}
	if !g.Quiet {
		fmt.Fprintf(g.Stderr, "Wrote %d man pages to %s (read one with: man -l %s)\n", len(pages), dir, filepath.Join(dir, "hoard.1"))
	}
	return nil
}

// manName is a command's page name: hoard, hoard-run, hoard-schedule-install.
func manName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// manPage renders one command's page in roff (man(7) macros).
func manPage(c *cobra.Command) []byte {
	var b bytes.Buffer
	name := manName(c)
	fmt.Fprintf(&b, ".TH %s 1 \"\" %s \"hoard manual\"\n", strings.ToUpper(name), roffQuote("hoard "+version.Info().Version))
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roffEscape(name), roffEscape(c.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n.B %s\n%s\n", roffEscape(c.CommandPath()), roffEscape(strings.TrimSpace(strings.TrimPrefix(c.UseLine(), c.CommandPath()))))
	if long := c.Long; long != "" {
		b.WriteString(".SH DESCRIPTION\n")
		writeParagraphs(&b, long)
	}
	if subs := visibleSubcommands(c); len(subs) > 0 {
		b.WriteString(".SH COMMANDS\n")
		for _, s := range subs {
			fmt.Fprintf(&b, ".TP\n.B %s\n%s\nSee \\fB%s\\fR(1).\n", roffEscape(s.Name()), roffEscape(s.Short), roffEscape(manName(s)))
		}
	}
	writeFlags(&b, "OPTIONS", c.NonInheritedFlags())
	writeFlags(&b, "GLOBAL OPTIONS", c.InheritedFlags())
	if c.Example != "" {
		b.WriteString(".SH EXAMPLES\n.nf\n.RS\n")
		for _, line := range strings.Split(strings.TrimRight(c.Example, "\n"), "\n") {
			b.WriteString(roffLine(strings.TrimPrefix(line, "  ")) + "\n")
		}
		b.WriteString(".RE\n.fi\n")
	}
	if !c.HasParent() {
		b.WriteString(manRootSections)
	}
	writeSeeAlso(&b, c)
	return b.Bytes()
}

// manRootSections are the sections of hoard(1) beyond --help.
const manRootSections = `.SH EXIT STATUS
.TP
.B 0
success
.TP
.B 1
failure: an export, a read or a check failed (details on standard error)
.TP
.B 2
usage or configuration error: nothing was run
.TP
.B 3
another run of the source holds its lock
.TP
.B 130, 143
interrupted by SIGINT, SIGTERM
.SH ENVIRONMENT
.TP
.B HOARD_CONFIG
the config file, when \-\-config is not given
.TP
.B XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME
where the config (hoard/hoard.toml), the journal and locks, and the index live
.TP
.B TZ
the time zone of times in tables (\-\-utc for UTC)
.TP
.B TERM, NO_COLOR
TERM=dumb, or output that is not a terminal, gets no control sequences; hoard prints no colours
.SH FILES
.TP
.I ~/.config/hoard/hoard.toml
the config
.TP
.I ~/.local/state/hoard/journal.jsonl
one JSON line per run
.TP
.I ~/.cache/hoard/index.sqlite
the index (a cache: deleting it loses nothing)
`

// writeParagraphs renders help text: blank lines separate paragraphs,
// indented lines are kept as they are (lists, commands).
func writeParagraphs(b *bytes.Buffer, text string) {
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString(roffLine(strings.Join(para, " ")) + "\n")
			para = nil
		}
	}
	indented := false
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			if indented {
				b.WriteString(".fi\n")
				indented = false
			}
			b.WriteString(".PP\n")
		case strings.HasPrefix(line, "  "):
			flush()
			if !indented {
				b.WriteString(".nf\n")
				indented = true
			}
			b.WriteString(roffLine(line) + "\n")
		default:
			if indented {
				b.WriteString(".fi\n")
				indented = false
			}
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	if indented {
		b.WriteString(".fi\n")
	}
}

func writeFlags(b *bytes.Buffer, title string, fs *pflag.FlagSet) {
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "help" {
			flags = append(flags, f)
		}
	})
	if len(flags) == 0 {
		return
	}
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	fmt.Fprintf(b, ".SH %s\n", title)
	for _, f := range flags {
		name := "\\-\\-" + roffEscape(f.Name)
		if f.Shorthand != "" {
			name = "\\-" + f.Shorthand + ", " + name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			name += " " + roffEscape(varname)
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(b, ".TP\n.B %s\n%s\n", name, roffLine(usage))
	}
}

func writeSeeAlso(b *bytes.Buffer, c *cobra.Command) {
	var refs []string
	if c.HasParent() {
		refs = append(refs, manName(c.Parent()))
	}
	for _, s := range visibleSubcommands(c) {
		refs = append(refs, manName(s))
	}
	if len(refs) == 0 {
		return
	}
	b.WriteString(".SH SEE ALSO\n")
	for i, r := range refs {
		sep := ","
		if i == len(refs)-1 {
			sep = ""
		}
		fmt.Fprintf(b, ".BR %s (1)%s\n", roffEscape(r), sep)
	}
	fmt.Fprintf(b, ".PP\nThe user guide:\n.br\n.UR %s\n.UE\n", roffEscape(app.DocsURL+"docs/guide.md"))
}

func visibleSubcommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			out = append(out, s)
		}
	}
	return out
}

// roffEscape escapes text for roff: backslashes, and hyphens as minus
// signs so that options copy and paste as typed.
func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLine escapes one line of text; a line that would start with a
// control character (. or ') is protected.
func roffLine(s string) string {
	s = roffEscape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffEscape(s), `"`, `\(dq`) + `"`
}
