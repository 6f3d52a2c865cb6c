package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/export"
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

// loadConfig reads the config. With no config file it returns an
// ExitUsage error that tells the user how to make one.
func (g *Globals) loadConfig() (*config.Config, error) {
	path, err := g.configPath()
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	cfg, err := config.Load(path, export.Params)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w: %s does not exist.\n"+
			"  Run 'hoard init' to write a starter config with the sources found on this machine,\n"+
			"  or 'hoard up' to write it and run every source at once.\n"+
			"  (Choose another file with --config or $HOARD_CONFIG.)", errNoConfig, path)}
	}
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return cfg, nil
}
