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
	cmd.RegisterFlagCompletionFunc("add", completeBuiltinSources)
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
		return " (no shell history, browser profile or git repository found under your home directory: see the commented examples in the file, or 'hoard sources')"
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
	b.WriteString(`# Commented examples: remove the leading '# ' of a table to use it.
#
# A file on disk, snapshotted as it is (a SQLite database consistently, even
# while its program writes to it):
#
# [sources.kobo]
# exporter = "file"
# path = "/media/KOBOeReader/.kobo/KoboReader.sqlite"
# when_present = "/media/KOBOeReader"   # export whenever the e-reader is mounted
#
`)
	b.WriteString(apiExample())
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

// apiExample is the starter config's commented web API source: a
// built-in API source's own stanza when there is one, else the
// declarative rest exporter on a public API.
func apiExample() string {
	for _, src := range app.Sources.All() {
		if (src.Category == source.PublicAPI || src.Category == source.PrivateAPI) && src.Stanza != "" {
			stanza := strings.ReplaceAll(src.Stanza, "[sources.NAME]", "[sources."+src.Name+"]")
			var b strings.Builder
			fmt.Fprintf(&b, "# A web API: the built-in source %q (%s; %sdocs/sources/%s.md).\n# 'hoard init --add %s' writes it; 'hoard sources' lists the others.\n#\n", src.Name, src.Title, docsURL, src.Name, src.Name)
			for _, line := range strings.Split(strings.TrimRight(stanza, "\n"), "\n") {
				if strings.HasPrefix(line, "#") {
					b.WriteString("#" + line + "\n")
				} else {
					b.WriteString("# " + line + "\n")
				}
			}
			return b.String() + "#\n"
		}
	}
	return `# A web API, with the declarative rest exporter (` + docsURL + `docs/rest.md):
# everything a Hacker News user submitted, from the public API.
#
# [sources.hackernews]
# exporter = "rest"
# base_url = "https://hacker-news.firebaseio.com/v0"
# vars = { user = "pg" }                       # your username
# http = { requests_per_second = 10 }
# [[sources.hackernews.endpoints]]
# name = "user"
# path = "/user/{user}.json"
# [[sources.hackernews.endpoints]]
# name = "items"
# path = "/item/{id}.json"
# key = "id"
# for_each = { endpoint = "user", field = "submitted" }
#
`
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
	fresh := false
	if errors.Is(err, fs.ErrNotExist) {
		if path, err = runInit(g, initOpts{Root: o.Root}); err != nil {
			return err
		}
		old, err = os.ReadFile(path)
		fresh = true
	}
	if err != nil {
		return err
	}
	cfg, err := config.Parse(path, old, app.Exporters.Params)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\n(fix the config before adding to it)", err)}
	}
	if fresh {
		// The starter config holds what was found of src already.
		for _, n := range cfg.Order {
			if cfg.Sources[n].Exporter == src.Name {
				fmt.Fprintf(g.Stderr, "The new config has [sources.%s] already (found on this machine).\nThen: hoard run %s   (docs: %s%s)\n", n, n, docsURL, src.Docs())
				return nil
			}
		}
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
		fmt.Fprintf(g.Stderr, "None was found on this machine: edit [sources.%s] in %s.\n", name, path)
	}
	if len(src.Secrets) > 0 {
		fmt.Fprintf(g.Stderr, "It needs a secrets file (chmod 600) with these keys:\n")
		for _, s := range src.Secrets {
			fmt.Fprintf(g.Stderr, "  %s = \"...\"   # %s\n", s.Key, s.Help)
		}
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
		if s.Exporter == src.Name {
			configured["exporter:"+s.Exporter] = true
		}
	}
	if env, err := detectEnv(); err == nil {
		for _, f := range app.Sources.Detect(env) {
			key := f.Path
			if key == "" { // not a file: one instance per exporter (git)
				key = "exporter:" + src.Name
			}
			if f.Source == src && !configured[key] {
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
