// Package paths finds hoard's files the XDG way: config in
// $XDG_CONFIG_HOME/hoard, state (journal, locks, incremental cursors) in
// $XDG_STATE_HOME/hoard, cache (the index) in $XDG_CACHE_HOME/hoard.
package paths

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// Home returns the user's home directory or an error saying so.
func Home() (string, error) {
	h, err := os.UserHomeDir()
	if err != nil || h == "" {
		return "", errors.New("cannot find the home directory: set $HOME")
	}
	return h, nil
}

func xdg(env, fallback string) (string, error) {
	if d := os.Getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "hoard"), nil
	}
	h, err := Home()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, fallback, "hoard"), nil
}

// ConfigFile returns the config path: $HOARD_CONFIG, else
// $XDG_CONFIG_HOME/hoard/hoard.toml (default ~/.config/hoard/hoard.toml).
func ConfigFile() (string, error) {
	if p := os.Getenv("HOARD_CONFIG"); p != "" {
		return Expand(p)
	}
	d, err := xdg("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "hoard.toml"), nil
}

// StateDir returns $XDG_STATE_HOME/hoard (default ~/.local/state/hoard).
func StateDir() (string, error) { return xdg("XDG_STATE_HOME", ".local/state") }

// CacheDir returns $XDG_CACHE_HOME/hoard (default ~/.cache/hoard).
func CacheDir() (string, error) { return xdg("XDG_CACHE_HOME", ".cache") }

// Expand replaces a leading "~/" with the home directory and makes the
// path absolute.
func Expand(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		h, err := Home()
		if err != nil {
			return "", err
		}
		p = filepath.Join(h, strings.TrimPrefix(p, "~"))
	}
	return filepath.Abs(p)
}

// ExpandFrom is Expand for a path written in a file: a relative path is
// relative to dir (the file's directory), not to the current directory.
func ExpandFrom(dir, p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") || filepath.IsAbs(p) {
		return Expand(p)
	}
	return filepath.Join(dir, p), nil
}
