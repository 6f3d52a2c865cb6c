package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/source"
	"github.com/spf13/cobra"
)

func newSourcesCmd(g *Globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "List the built-in sources hoard knows, with what each needs",
		Long: `Lists every built-in source: its name (use it as exporter = "NAME", or with
'hoard init --add NAME'), where its data comes from (local, public API,
private API, scraping, takeout, phone app, device), what you need to have
(a file, a token, a cookie, a mounted device), and its documentation page.

A built-in source's name is also its decoder's: 'hoard items --dir DIR
--decoder NAME' reads files it made, or files you already have.`,
		Example: `  hoard sources
  hoard sources --json | jq -r '.[] | select(.category == "local") | .name'
  hoard init --add firefox`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runListSources(g, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON on stdout")
	return cmd
}

// sourceInfo is the --json form of a built-in source.
type sourceInfo struct {
	Name     string              `json:"name"`
	Title    string              `json:"title"`
	Category source.Category     `json:"category"`
	Needs    string              `json:"needs"`
	Docs     string              `json:"docs"`
	Aliases  []string            `json:"aliases,omitempty"`
	Secrets  []source.Secret     `json:"secrets,omitempty"`
	Kinds    map[string]kindInfo `json:"kinds"`
}

type kindInfo struct {
	Key        []string `json:"key"`
	Time       string   `json:"time,omitempty"`
	TimeFormat string   `json:"time_format,omitempty"`
	TimeUnit   string   `json:"time_unit,omitempty"`
	TimeEpoch  string   `json:"time_epoch,omitempty"`
	TimeZone   string   `json:"time_zone,omitempty"`
	Title      string   `json:"title,omitempty"`
	URL        string   `json:"url,omitempty"`
	Text       string   `json:"text,omitempty"`
	Items      string   `json:"items,omitempty"`
	Members    []string `json:"members,omitempty"`
	Decoder    string   `json:"decoder,omitempty"`
}

func newKindInfo(ks dal.KindSpec) kindInfo {
	k := kindInfo{Key: ks.Key, Time: ks.Time, TimeFormat: ks.TimeFormat, TimeUnit: ks.TimeUnit, TimeEpoch: ks.TimeEpoch,
		TimeZone: ks.TimeZone, Title: ks.Title, URL: ks.URL, Text: ks.Text, Items: ks.Items, Members: ks.Members}
	if ks.Decoder != nil {
		k.Decoder = ks.Decoder.Name
	}
	return k
}

func runListSources(g *Globals, asJSON bool) error {
	var infos []sourceInfo
	for _, s := range app.Sources.All() {
		info := sourceInfo{Name: s.Name, Title: s.Title, Category: s.Category, Needs: s.Needs,
			Docs: app.DocsURL + s.Docs(), Aliases: s.Aliases, Secrets: s.Secrets, Kinds: map[string]kindInfo{}}
		for k, ks := range s.Decoder.Kinds {
			info.Kinds[k] = newKindInfo(ks)
		}
		infos = append(infos, info)
	}
	if asJSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCATEGORY\tKINDS\tNEEDS\tWHAT")
	for _, in := range infos {
		kinds := make([]string, 0, len(in.Kinds))
		for k := range in.Kinds {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", in.Name, in.Category, strings.Join(kinds, ","), in.Needs, in.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(g.Stdout, "\nAdd one to your config with 'hoard init --add NAME'; each has a page under %sdocs/sources/.\n", app.DocsURL)
	return nil
}
