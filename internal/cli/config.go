package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/paths"
)

// configPath returns --config, else $HOARD_CONFIG, else the XDG default.
func (g *Globals) configPath() (string, error) {
	if g.ConfigPath != "" {
		return paths.Expand(g.ConfigPath)
	}
	return paths.ConfigFile()
}

// errNoConfig is returned when there is no config file yet; its message
// says what to do next.
var errNoConfig = errors.New("no config")

// layout returns where hoard keeps its state and cache.
func (g *Globals) layout() (paths.Layout, error) {
	l, err := paths.DefaultLayout()
	if err != nil {
		return l, &ExitError{Code: ExitUsage, Err: err}
	}
	return l, nil
}

// loadApp reads the config. With no config file it returns an ExitUsage
// error that tells the user how to make one; every configuration mistake
// is an ExitUsage error too.
func (g *Globals) loadApp() (*app.App, error) {
	path, err := g.configPath()
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	layout, err := g.layout()
	if err != nil {
		return nil, err
	}
	a, err := app.Load(path, layout)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w: %s does not exist.\n"+
			"  Run 'hoard init' to write a starter config with the sources found on this machine,\n"+
			"  or 'hoard up' to write it and run every source at once.\n"+
			"  (Choose another file with --config or $HOARD_CONFIG.)", errNoConfig, path)}
	}
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return a, nil
}
