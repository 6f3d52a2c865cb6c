package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

func init() { register(newUpCmd) }

func newUpCmd(g *Globals) *cobra.Command {
	var root string
	cmd := &cobra.Command{
		Use:   "up",
		Short: "The main job: make a config if there is none, export every source, show status",
		Long: `On first use, writes a starter config with the local sources found on this
machine (saying where), then exports every configured source and prints the
status table.`,
		Example: `  hoard up
  hoard up --config ./hoard.toml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUp(cmd.Context(), g, root)
		},
	}
	cmd.Flags().StringVar(&root, "root", "~/exports", "exports root for a newly written config")
	return cmd
}

func runUp(ctx context.Context, g *Globals, root string) error {
	path, err := g.configPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(g.Stderr, "No config yet: writing a starter config.\n")
		if _, err := runInit(g, initOpts{Root: root}); err != nil {
			return err
		}
	}
	runErr := runRun(ctx, g, runOpts{})
	var ee *ExitError
	if runErr != nil && !(errors.As(runErr, &ee) && (ee.Code == ExitFailure || ee.Code == ExitLocked)) {
		return runErr // configuration errors: the status table would not help
	}
	fmt.Fprintln(g.Stdout)
	if err := runStatus(g, statusOpts{}); err != nil {
		return err
	}
	return runErr
}
