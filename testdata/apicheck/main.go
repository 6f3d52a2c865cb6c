// Command apicheck reads "all my data" with hoard's public packages: every
// built-in source's snapshots under an exports root, merged, printed.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/jsonpath"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/all"
	"github.com/hoard-dev/hoard/source/firefox"
)

// greeting is an exporter written outside hoard.
type greeting struct{}

func (greeting) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "[{\"id\":1,\"text\":%q}]", env.Secrets["greeting"])
	return err
}

func main() {
	root := os.Args[1]
	ctx := context.Background()
	// Write a snapshot with the runner, as hoard does.
	res := (&export.Runner{}).Run(ctx, export.Job{
		Source: "greetings", Exporter: greeting{}, Attempts: 1, Secrets: secret.Secrets{"greeting": "hello"},
		Target: export.StoreTarget{Store: snapshot.New(root), Source: "greetings", Ext: "json", Codec: snapshot.Zstd},
	})
	if res.Err != nil {
		panic(res.Err)
	}
	// Read every built-in source's directory with its own decoder.
	var sources []*source.Source = all.Sources.All()
	for _, s := range sources {
		spec := dal.Spec{Source: s.Name, Decoder: s.Decoder}
		for it, err := range dal.Dir(ctx, filepath.Join(root, s.Name), spec) {
			if err != nil {
				continue
			}
			fmt.Println(it.Source, it.Time, it.Title)
		}
	}
	// A spec with per-kind settings, and the one path language.
	p, _ := jsonpath.Parse("data.children")
	spec := dal.Spec{Source: "greetings", Key: []string{"id"}, Kinds: map[string]dal.KindSpec{dal.DefaultKind: {Text: "text"}}}
	for it, err := range dal.Dir(ctx, filepath.Join(root, "greetings"), spec) {
		fmt.Println(it.Text, err, p, firefox.Visits != "")
	}
	_ = restfmt.Items
}
