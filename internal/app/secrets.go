package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source"
)

// secretKeyser is implemented by exporter parameters that know which keys
// their secrets file must hold (the rest exporter's auth table).
type secretKeyser interface{ SecretKeys() []string }

// SecretKeys returns the keys source name's secrets file must hold, with
// where to get each when hoard knows it: a built-in source's declared
// secrets, else what its exporter's settings need (a rest source's auth).
func (a *App) SecretKeys(name string) []source.Secret {
	src := a.Config.Sources[name]
	if s := Sources.Lookup(src.Exporter); s != nil && len(s.Secrets) > 0 {
		return s.Secrets
	}
	var out []source.Secret
	if sk, ok := src.Params.(secretKeyser); ok {
		for _, k := range sk.SecretKeys() {
			out = append(out, source.Secret{Key: k})
		}
	}
	return out
}

// CheckSecrets reads the secrets file of each named source, so that a
// missing, unreadable, too open or incomplete one stops a run before
// anything runs. Every mistake is reported, as a *ConfigError naming the
// file, the line of its secrets key and the keys the source needs.
func (a *App) CheckSecrets(names []string) error {
	var errs []error
	for _, name := range names {
		if err := a.checkSecrets(name); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return &ConfigError{errors.Join(errs...)}
	}
	return nil
}

func (a *App) checkSecrets(name string) error {
	src := a.Config.Sources[name]
	keys := required(a.SecretKeys(name))
	line := a.Config.Line("sources", name, "secrets")
	at := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: [sources.%s]: %s%s", a.Config.Path, line, name, fmt.Sprintf(format, args...), authHint(src, name))
	}
	if src.Secrets == "" {
		if len(keys) == 0 {
			return nil
		}
		line = src.Line
		return at("it needs a secrets file: set secrets = %q and write there (chmod 600) %s", suggestedSecretsPath(name), keyList(keys))
	}
	s, err := secret.Load(src.Secrets)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		what := "the keys your exporter reads (key = \"value\" lines)"
		if len(keys) > 0 {
			what = keyList(keys)
		}
		return at("secrets file %s does not exist: create it (chmod 600) holding %s", src.Secrets, what)
	case err != nil:
		return at("%v", err)
	}
	var missing []source.Secret
	for _, k := range keys {
		if s[k.Key] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return at("secrets file %s lacks %s", src.Secrets, keyList(missing))
	}
	return nil
}

// required returns the keys that are not optional.
func required(keys []source.Secret) []source.Secret {
	var out []source.Secret
	for _, k := range keys {
		if !k.Optional {
			out = append(out, k)
		}
	}
	return out
}

// keyList renders keys as `token = "..." (from https://...)`, joined.
func keyList(keys []source.Secret) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s = \"...\"", k.Key)
		if k.Help != "" {
			parts[i] += " (" + k.Help + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// suggestedSecretsPath is where a source's secrets file would usually go,
// written with ~ when it is under the home directory.
func suggestedSecretsPath(name string) string {
	cfg, err := paths.ConfigFile()
	if err != nil {
		return "~/.config/hoard/secrets/" + name + ".toml"
	}
	p := strings.TrimSuffix(cfg, "hoard.toml") + "secrets/" + name + ".toml"
	if home, err := os.UserHomeDir(); err == nil && strings.HasPrefix(p, home+"/") {
		p = "~" + p[len(home):]
	}
	return p
}
