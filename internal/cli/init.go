package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/config"
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
	cmd.RegisterFlagCompletionFunc("add", completeBuiltinSources)
	return cmd
}

// detectEnv is what detection looks at on this machine.
func detectEnv() (source.Env, error) {
	home, err := paths.Home()
	return source.Env{Home: home, Getenv: os.Getenv, GOOS: runtime.GOOS,
		Mounts: source.DefaultMounts(os.Getenv, runtime.GOOS)}, err
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
	text := app.StarterConfig(o.Root, found)
	// The starter must itself be a valid config: a mistake here is a bug.
	if err := app.CheckConfigText(path, text); err != nil {
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

func listNames(found []source.Found) string {
	if len(found) == 0 {
		return " (no shell history, browser profile or git repository found under your home directory: see the commented examples in the file, or 'hoard sources')"
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.Name
	}
	return ": " + strings.Join(names, ", ")
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
	created := false
	if errors.Is(err, fs.ErrNotExist) {
		if path, err = runInit(g, initOpts{Root: o.Root}); err != nil {
			return err
		}
		old, err = os.ReadFile(path)
		created = true
	}
	if err != nil {
		return err
	}
	cfg, err := config.Parse(path, old, app.Exporters.Params)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\n(fix the config before adding to it)", err)}
	}
	var found []source.Found
	if env, err := detectEnv(); err == nil {
		found = app.Sources.Detect(env)
	}
	if created {
		for _, n := range cfg.Order {
			if cfg.Sources[n].Exporter == src.Name {
				fmt.Fprintf(g.Stderr, "The new config already has [sources.%s], found on this machine. Then: hoard run %s\n", n, n)
				return nil
			}
		}
	}
	name, stanza, detected := app.AddStanza(src, cfg, found)
	text := strings.TrimRight(string(old), "\n") + "\n\n" + stanza
	if err := app.CheckConfigText(path, text); err != nil {
		return fmt.Errorf("internal error: the stanza of %s makes the config invalid: %w", src.Name, err)
	}
	if err := atomicfile.Write(path, []byte(text), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(g.Stderr, "Added [sources.%s] to %s.\n", name, path)
	if !detected && src.Detect != nil {
		what := "its path"
		if !strings.Contains(stanza, "\npath = ") {
			what = "[sources." + name + "]"
		}
		fmt.Fprintf(g.Stderr, "None was found on this machine: edit %s in %s.\n", what, path)
	}
	if len(src.Secrets) > 0 {
		needs := "It needs"
		if !slices.ContainsFunc(src.Secrets, func(s source.Secret) bool { return !s.Optional }) {
			needs = "It can use"
		}
		fmt.Fprintf(g.Stderr, "%s a secrets file (chmod 600) with these keys:\n", needs)
		for _, s := range src.Secrets {
			opt := ""
			if s.Optional {
				opt = "optional: "
			}
			fmt.Fprintf(g.Stderr, "  %s = \"...\"   # %s%s\n", s.Key, opt, s.Help)
		}
	}
	if src.OAuth2 != nil {
		fmt.Fprintf(g.Stderr, "Then: hoard auth %s (it writes the secrets file), and hoard run %s   (docs: %s%s)\n", name, name, app.DocsURL, src.Docs())
		return nil
	}
	fmt.Fprintf(g.Stderr, "Then: hoard run %s   (docs: %s%s)\n", name, app.DocsURL, src.Docs())
	return nil
}
