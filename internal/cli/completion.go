package cli

import (
	"os"
	"strings"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/spf13/cobra"
)

// Shell completion: cobra's completion scripts (hoard completion bash|zsh|
// fish) call back into hoard for these, so they complete the sources of
// the config in use, hoard's decoders and formats.

// completeSources completes configured source names not given yet. A
// config that cannot be read completes nothing (completion never prints
// errors).
func completeSources(g *Globals) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return without(configuredSources(g), args, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeOneSource completes the one source a command takes.
func completeOneSource(g *Globals) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeSources(g)(cmd, args, toComplete)
	}
}

// configuredSources returns the source names of the config, in file
// order; nil when there is none or it is invalid.
func configuredSources(g *Globals) []string {
	path, err := g.configPath()
	if err != nil {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	cfg, err := config.Parse(path, data, app.Exporters.Params)
	if err != nil {
		return nil
	}
	return cfg.Order
}

// completeBuiltinSources completes the names of built-in sources ('hoard
// init --add').
func completeBuiltinSources(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, s := range app.Sources.All() {
		if strings.HasPrefix(s.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(s.Name, s.Title))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeDecoders completes decoder names (--decoder).
func completeDecoders(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return without(app.Sources.DecoderNames(), nil, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// fixedCompletions completes one of values (a flag's choices).
func fixedCompletions(values ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return without(values, nil, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// without returns the names that start with prefix and are not in given.
func without(names, given []string, prefix string) []cobra.Completion {
	seen := map[string]bool{}
	for _, a := range given {
		seen[a] = true
	}
	var out []cobra.Completion
	for _, n := range names {
		if !seen[n] && strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}
