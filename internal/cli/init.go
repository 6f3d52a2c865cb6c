package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/detect"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/spf13/cobra"
)

func init() { register(newInitCmd) }

type initOpts struct {
	Root  string
	Print bool
}

func newInitCmd(g *Globals) *cobra.Command {
	var o initOpts
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter config with the local sources found on this machine",
		Long: `Writes hoard.toml (see --config) with the sources that need no credentials and
exist on this machine: bash, zsh and fish history, and Firefox, Chromium and
Chrome history databases. An existing config is never overwritten.`,
		Example: `  hoard init
  hoard init --root ~/exports --print   # show the config without writing it`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := runInit(g, o)
			return err
		},
	}
	cmd.Flags().StringVar(&o.Root, "root", "~/exports", "exports root to write into the config")
	cmd.Flags().BoolVar(&o.Print, "print", false, "print the config on stdout instead of writing it")
	return cmd
}

// runInit writes the starter config and returns its path.
func runInit(g *Globals, o initOpts) (string, error) {
	path, err := g.configPath()
	if err != nil {
		return "", err
	}
	home, err := paths.Home()
	if err != nil {
		return "", err
	}
	found := detect.Local(home)
	text := starterConfig(o.Root, found)
	// The starter must itself be a valid config: a mistake here is a bug.
	if _, err := config.Parse(path, []byte(text), export.Params); err != nil {
		return "", fmt.Errorf("internal error: the starter config is invalid: %w", err)
	}
	if o.Print {
		_, err := fmt.Fprint(g.Stdout, text)
		return path, err
	}
	if _, err := os.Stat(path); err == nil {
		return "", usageErr("%s already exists; hoard never overwrites it (use --print to see a fresh starter config)", path)
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

func listNames(found []detect.Found) string {
	if len(found) == 0 {
		return " (none found: add your own, see the examples in the file)"
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.Name
	}
	return ": " + strings.Join(names, ", ")
}

// starterConfig renders the starter hoard.toml.
func starterConfig(root string, found []detect.Found) string {
	var b strings.Builder
	b.WriteString(`# hoard configuration. Reference: docs/guide.md
#
# Every run of a source writes one immutable file ROOT/<source>/<YYYYMMDDTHHMMSSZ>.<ext>[.zst].

root = ` + strconv.Quote(root) + `

# Run a command when a source fails, goes stale or recovers (details as JSON
# on its stdin), e.g. a phone notification through ntfy:
# notify = ["sh", "-c", "curl -s -d @- ntfy.sh/my-hoard-topic"]

`)
	for _, f := range found {
		fmt.Fprintf(&b, "# %s\n[sources.%s]\nexporter = \"file\"\npath = %s\nextension = %q\ncompression = \"zstd\"\ndecoder = %q\n\n",
			f.Comment, f.Name, strconv.Quote(f.Path), f.Ext, f.Kind)
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
