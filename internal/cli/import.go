package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/spf13/cobra"
)

// importOpts are the flags of hoard import.
type importOpts struct {
	Paths       []string
	Source      string
	Stamp       string // --stamp TIME
	StampFrom   string // --stamp-from name|mtime|archive|now
	Compression string
	Root        string // --root: the exports root, with no config
	JSON        bool
	Wait        bool
}

func newImportCmd(g *Globals) *cobra.Command {
	var o importOpts
	cmd := &cobra.Command{
		Use:   "import PATH... --source NAME",
		Short: "Store files you already have (a takeout, a copied database) as snapshots of a source",
		Long: `Stores each PATH as a snapshot of source NAME, ROOT/NAME/<stamp>.<ext>: a file
as it is (compressed with --compression unless it is compressed already: a zip,
a .gz, a .tgz keeps its bytes; a SQLite database is copied consistently), a
directory as a tar archive of its files (read back in place, like any archive).
The source need not be configured yet.

The stamp is --stamp, else taken as --stamp-from says: from the date in the
file's name (takeout-20240315T101500Z-001.zip; the default), falling back to
its modification time; from its modification time (mtime); from the newest
member of an archive or file of a directory (archive); or now.

Writing is atomic and never replaces a file (a name already taken moves on to
_001); a file imported twice, with the same stamp and content, is stored once.
Each stored snapshot is recorded in the journal with the file it came from.`,
		Example: `  hoard import ~/Downloads/takeout-20240315T101500Z-001.zip --source takeout
  hoard import result.json --source telegram --stamp 2024-03-01
  hoard import /media/kobo/.kobo/KoboReader.sqlite --source kobo --stamp-from mtime
  hoard import ~/old-exports/*.json --source reddit --root ~/exports`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			return runImport(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Source, "source", "", "the source the snapshots belong to (required; need not be configured)")
	f.StringVar(&o.Stamp, "stamp", "", "the snapshot's time: 2024-03-15, 2024-03-15T10:15, RFC 3339 (no zone means UTC)")
	f.StringVar(&o.StampFrom, "stamp-from", "", "where the stamp comes from: name (default; else mtime), mtime, archive or now")
	f.StringVar(&o.Compression, "compression", "", "zstd, gzip or none, for files not compressed already (default: the source's, else zstd)")
	f.StringVar(&o.Root, "root", "", "the exports root, with no config (default: root in hoard.toml)")
	f.BoolVar(&o.JSON, "json", false, "print one JSON object per file on stdout")
	f.BoolVar(&o.Wait, "wait", false, "wait for a run of the source that holds its lock instead of giving up")
	return cmd
}

// importResult is one line of --json.
type importResult struct {
	Original  string    `json:"original"`
	Snapshot  string    `json:"snapshot,omitempty"`
	Same      string    `json:"same_as,omitempty"`
	Stamp     time.Time `json:"stamp,omitzero"`
	StampFrom string    `json:"stamp_from,omitempty"`
	Bytes     int64     `json:"bytes,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// runImport imports each path; one that fails does not stop the others,
// and makes the command exit 1.
func runImport(ctx context.Context, g *Globals, o importOpts) error {
	if o.Source == "" {
		return usageErr("--source NAME is required: the source the snapshots belong to (it need not be configured yet)")
	}
	if err := snapshot.ValidateSourceName(o.Source); err != nil {
		return usageErr("--source: %v", err)
	}
	imp := file.Import{}
	var err error
	if o.Stamp != "" && o.StampFrom != "" {
		return usageErr("give --stamp or --stamp-from, not both")
	}
	if o.Stamp != "" {
		if imp.Stamp, err = parseWhen(o.Stamp); err != nil {
			return usageErr("--stamp: %v", err)
		}
	}
	if imp.From, err = file.ParseStampFrom(o.StampFrom); err != nil {
		return usageErr("--stamp-from %v", err)
	}
	r, configured, codec, err := importRunner(g, o)
	if err != nil {
		return err
	}
	imp.Codec = codec
	if o.Compression != "" {
		if imp.Codec, err = snapshot.ParseCompression(o.Compression); err != nil {
			return usageErr("--compression: %v", err)
		}
	}
	failed := 0
	enc := json.NewEncoder(g.Stdout)
	for _, p := range o.Paths {
		imp.Path = p
		res, err := r.Import(ctx, o.Source, imp)
		out := importResult{Original: res.Original, Snapshot: res.Path, Same: res.Same, Stamp: res.Stamp, StampFrom: res.StampFrom, Bytes: res.Bytes}
		if out.Original == "" {
			out.Original = p
		}
		if err != nil {
			failed++
			out.Error = err.Error()
			out.Snapshot = ""
			if !o.JSON {
				fmt.Fprintf(g.Stderr, "hoard: %s: %v\n", p, err)
			}
		}
		switch {
		case o.JSON:
			if err := enc.Encode(out); err != nil {
				return err
			}
		case err != nil:
		case res.Same != "":
			fmt.Fprintf(g.Stdout, "%s: already stored as %s (same stamp and content)\n", p, res.Same)
		default:
			fmt.Fprintf(g.Stdout, "%s -> %s (stamp %s, from %s)\n", p, res.Path, res.Stamp.Format(time.RFC3339), stampWords(res.StampFrom))
		}
		if ctx.Err() != nil {
			break
		}
	}
	if !configured && !o.JSON && failed < len(o.Paths) {
		fmt.Fprintf(g.Stderr, "hoard: note: %s is not a configured source: read it with 'hoard items --dir %s', or add [sources.%s] to hoard.toml\n",
			o.Source, filepath.Join(r.Store.Root(), o.Source), o.Source)
	}
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d path(s) could not be imported", failed, len(o.Paths))}
	}
	return nil
}

func stampWords(from string) string {
	switch from {
	case "given":
		return "--stamp"
	case string(file.FromName):
		return "its name"
	case string(file.FromMtime):
		return "its modification time"
	case string(file.FromArchive):
		return "its newest member"
	}
	return "the time of the import"
}

// importRunner returns the runner that imports into the root (--root, or
// the config's), whether the source is configured, and its compression
// (zstd when it is not configured).
func importRunner(g *Globals, o importOpts) (*app.Runner, bool, snapshot.Codec, error) {
	layout, err := g.layout()
	if err != nil {
		return nil, false, "", err
	}
	root, configured, codec := o.Root, false, snapshot.Zstd
	if root == "" {
		a, err := g.loadApp()
		if err != nil {
			return nil, false, "", err
		}
		root = a.Config.Root
		layout = a.Layout
		if src, ok := a.Config.Sources[o.Source]; ok {
			configured, codec = true, src.Compression
		}
	} else if root, err = filepath.Abs(root); err != nil {
		return nil, false, "", usageErr("--root: %v", err)
	}
	return &app.Runner{Store: snapshot.New(root), Layout: layout, Journal: &journal.Journal{Path: layout.Journal()}, Wait: o.Wait}, configured, codec, nil
}
