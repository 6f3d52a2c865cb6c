package app

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hoard-dev/hoard/source"
)

// AuthTarget is what `hoard auth NAME` needs of a configured source: its
// OAuth2 flow (endpoints moved where the config says) and its secrets
// file.
type AuthTarget struct {
	Name    string         // the configured source
	Source  *source.Source // its built-in source
	Flow    *source.OAuth2
	Secrets string // the secrets file's path
}

// AuthTarget returns how to authorise source name. A source that is not
// configured is a *UsageError; one whose exporter has no OAuth2 flow, or
// with no secrets file to write, is a *ConfigError naming the line.
func (a *App) AuthTarget(name string) (*AuthTarget, error) {
	if _, err := a.Names([]string{name}); err != nil {
		return nil, err
	}
	src := a.Config.Sources[name]
	at := fmt.Sprintf("%s:%d", a.Config.Path, src.Line)
	s := Sources.Lookup(src.Exporter)
	if s == nil || s.OAuth2 == nil {
		return nil, &ConfigError{fmt.Errorf("%s: [sources.%s] uses exporter %q, which hoard auth cannot authorise (it runs OAuth2 for: %s)",
			at, name, src.Exporter, strings.Join(OAuth2Sources(), ", "))}
	}
	if src.Secrets == "" {
		return nil, &ConfigError{fmt.Errorf("%s: [sources.%s] has no secrets file for hoard auth to write: add secrets = \"~/.config/hoard/secrets/%s.toml\"", at, name, name)}
	}
	return &AuthTarget{Name: name, Source: s, Flow: s.ResolveOAuth2(src.Params), Secrets: src.Secrets}, nil
}

// OAuth2Sources names the built-in sources hoard auth authorises.
func OAuth2Sources() []string {
	var out []string
	for _, s := range Sources.All() {
		if s.OAuth2 != nil {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out
}
