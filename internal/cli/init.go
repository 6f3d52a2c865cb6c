package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/suggest"
	"github.com/hoard-dev/hoard/source"
	"github.com/spf13/cobra"
)

type initOpts struct {
	Root  string
	Print bool
	Add   string // a built-in source to append to the config
}

func newInitCmd(g *Globals) *cobra.Command {
	var o initOpts
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter config with the local sources found on this machine",
		Long: `Writes hoard.toml (see --config) with the sources that need no credentials and
exist on this machine: bash, zsh and fish history, and Firefox, Chromium and
Chrome history databases. An existing config is never overwritten.

With --add NAME, appends the stanza of one built-in source (see 'hoard
sources') to the config instead, writing a starter config first if there is
none, and says which secrets it needs and where to get them.`,
		Example: `  hoard init
  hoard init --root ~/exports --print   # show the config without writing it
  hoard init --add firefox`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Add != "" {
				return runInitAdd(g, o)
			}
			_, err := runInit(g, o)
			return err
		},
	}
	cmd.Flags().StringVar(&o.Root, "root", "~/exports", "exports root to write into the config")
	cmd.Flags().BoolVar(&o.Print, "print", false, "print the config on stdout instead of writing it")
	cmd.Flags().StringVar(&o.Add, "add", "", "append the stanza of the built-in source `NAME` to the config")
	return cmd
}

// detectEnv is what detection looks at on this machine.
func detectEnv() (source.Env, error) {
	home, err := paths.Home()
	return source.Env{Home: home, Getenv: os.Getenv, GOOS: runtime.GOOS}, err
}

// runInit writes the starter config and returns its path.
func runInit(g *Globals, o initOpts) (string, error) {
	path, err := g.configPath()
	if err != nil {
		return "", err
	}
	env, err := detectEnv()
	if err != nil {
		return "", err
	}
	found := app.Sources.Detect(env)
	text := starterConfig(o.Root, found)
	// The starter must itself be a valid config: a mistake here is a bug.
	if err := checkConfigText(path, text); err != nil {
		return "", fmt.Errorf("internal error: the starter config is invalid: %w", err)
	}
	if o.Print {
		_, err := fmt.Fprint(g.Stdout, text)
		return path, err
	}
	if _, err := os.Stat(path); err == nil {
		return "", usageErr("%s already exists; hoard never overwrites it (use --print to see a fresh starter config, --add NAME to add a source)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	fmt.Fprintf(g.Stderr, "Wrote %s with %d source(s)%s.\n", path, len(found), listNames(found))
	return path, nil
}

// checkConfigText parses text as a config, as every command would.
func checkConfigText(path, text string) error {
	cfg, err := config.Parse(path, []byte(text), app.Exporters.Params)
	if err == nil {
		_, err = app.New(cfg, paths.Layout{})
	}
	return err
}

func listNames(found []source.Found) string {
	if len(found) == 0 {
		return " (none found: add your own, see the examples in the file, or 'hoard sources')"
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.Name
	}
	return ": " + strings.Join(names, ", ")
}

// starterConfig renders the starter hoard.toml.
func starterConfig(root string, found []source.Found) string {
	var b strings.Builder
	b.WriteString(`# hoard configuration. Reference: ` + docsURL + `docs/guide.md
#
# Every run of a source writes one immutable file ROOT/<source>/<YYYYMMDDTHHMMSSZ>.<ext>[.zst].
# 'hoard sources' lists the built-in sources; 'hoard init --add NAME' adds one here.

root = ` + strconv.Quote(root) + `

# Run a command when a source fails, goes stale or recovers (details as JSON
# on its stdin), e.g. a phone notification through ntfy:
# notify = ["sh", "-c", "curl -s -d @- ntfy.sh/my-hoard-topic"]

`)
	for _, f := range found {
		b.WriteString(f.Config())
		b.WriteString("\n")
	}
	b.WriteString(`# A program that prints an export on stdout (any arctee-style exporter):
#
# [sources.rtm]
# exporter = "command"
# command = ["/soft/export/rememberthemilk.py", "--secrets", "{secrets}"]
# extension = "ical"
# compression = "zstd"
# schedule = "@daily"    # or "0 */6 * * *", "every 6h" (hoard daemon / hoard up)
# retries = 3            # total attempts, with backoff 1s, 2s, 4s ...
# timeout = "10m"        # per attempt; the whole process group is killed
# secrets = "~/.config/hoard/secrets/rtm.toml"   # key = "value" lines, chmod 600
#
# The command gets the secrets file's path as {secrets} and each value as
# the environment variable HOARD_SECRET_<KEY>. Values never reach argv.
`)
	return b.String()
}

// runInitAdd appends one built-in source's stanza to the config (writing
// a starter config first when there is none).
func runInitAdd(g *Globals, o initOpts) error {
	src := app.Sources.Lookup(o.Add)
	if src == nil {
		var names []string
		for _, s := range app.Sources.All() {
			names = append(names, s.Name)
		}
		return usageErr("--add %q: no such built-in source%s (see 'hoard sources')", o.Add, suggest.Hint(o.Add, names))
	}
	path, err := g.configPath()
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if path, err = runInit(g, initOpts{Root: o.Root}); err != nil {
			return err
		}
		old, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	cfg, err := config.Parse(path, old, app.Exporters.Params)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\n(fix the config before adding to it)", err)}
	}
	name, stanza, detected := addStanza(src, cfg)
	text := strings.TrimRight(string(old), "\n") + "\n\n" + stanza
	if err := checkConfigText(path, text); err != nil {
		return fmt.Errorf("internal error: the stanza of %s makes the config invalid: %w", src.Name, err)
	}
	if err := atomicfile.Write(path, []byte(text), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(g.Stderr, "Added [sources.%s] to %s.\n", name, path)
	if !detected && src.Detect != nil {
		fmt.Fprintf(g.Stderr, "None was found on this machine: edit its path in %s.\n", path)
	}
	if len(src.Secrets) > 0 {
		fmt.Fprintf(g.Stderr, "It needs a secrets file (chmod 600) with these keys:\n")
		for _, s := range src.Secrets {
			fmt.Fprintf(g.Stderr, "  %s = \"...\"   # %s\n", s.Key, s.Help)
		}
	}
	if src.OAuth2 != nil {
		fmt.Fprintf(g.Stderr, "Then: hoard auth %s (it writes the secrets file), and hoard run %s   (docs: %s%s)\n", name, name, docsURL, src.Docs())
		return nil
	}
	fmt.Fprintf(g.Stderr, "Then: hoard run %s   (docs: %s%s)\n", name, docsURL, src.Docs())
	return nil
}

// addStanza returns the name and stanza of one more instance of src: a
// detected one not configured yet when there is one, else the source's
// own example.
func addStanza(src *source.Source, cfg *config.Config) (name, stanza string, detected bool) {
	configured := map[string]bool{}
	for _, s := range cfg.Sources {
		if p, ok := s.Params.(*file.Params); ok {
			if abs, err := paths.Expand(p.Path); err == nil {
				configured[abs] = true
			}
		}
	}
	if env, err := detectEnv(); err == nil {
		for _, f := range app.Sources.Detect(env) {
			if f.Source == src && !configured[f.Path] {
				f.Name = freeName(cfg, f.Name)
				return f.Name, f.Config(), true
			}
		}
	}
	name = freeName(cfg, src.Name)
	return name, strings.ReplaceAll(src.Stanza, "[sources.NAME]", "[sources."+name+"]"), false
}

// freeName returns name, or name-2, name-3 ... whichever the config does
// not use yet.
func freeName(cfg *config.Config, name string) string {
	base := name
	for i := 2; cfg.Sources[name] != nil; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name
}
