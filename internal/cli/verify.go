package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/bytesize"
	"github.com/spf13/cobra"
)

type verifyOpts struct {
	Sources []string
	JSON    bool
}

func newVerifyCmd(g *Globals) *cobra.Command {
	var o verifyOpts
	cmd := &cobra.Command{
		Use:   "verify [SOURCE...]",
		Short: "Read every snapshot back and compare it with what was written",
		Long: `Reads every snapshot of the configured sources (or those named) to its end and
checks, for each one hoard wrote, that it holds exactly the bytes it was
written with (the SHA-256 and size in the journal). Compressed files are
decoded whole, so their own checksums are verified too (zstd, xz; gzip and
bzip2 CRCs). Files the journal says were written, that 'hoard prune' did not
remove, and that are not there are reported missing. Snapshots with no journal
record (made by capture, arctee or another machine) are only checked to read.

Bit rot, truncation and changes by hand are reported by name. 'hoard doctor'
shows a quick check (missing files, changed sizes) and the last verify's
result.

Exit codes: 0 every snapshot intact, 1 something is missing or damaged,
2 configuration error.`,
		Example: `  hoard verify
  hoard verify firefox --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Sources = args
			return runVerify(cmd.Context(), g, o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON on stdout")
	return cmd
}

func runVerify(ctx context.Context, g *Globals, o verifyOpts) error {
	a, err := g.loadApp()
	if err != nil {
		return err
	}
	vs, err := a.Verify(ctx, o.Sources)
	if vs == nil && err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(vs); err != nil {
			return err
		}
	} else {
		printVerifications(g.Stdout, vs)
	}
	if err != nil { // the record for doctor could not be saved
		fmt.Fprintln(g.Stderr, "hoard: warning:", err)
	}
	bad := 0
	for _, v := range vs {
		bad += v.Problems()
	}
	if bad > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d snapshot(s) missing or damaged", bad)}
	}
	return nil
}

func printVerifications(w io.Writer, vs []app.Verification) {
	for _, v := range vs {
		state := "ok"
		if !v.OK() {
			state = "PROBLEMS"
		}
		fmt.Fprintf(w, "%s: %s\n  %d snapshot(s), %s read: %d as written (SHA-256 and size match the journal), %d without a journal record (read whole)\n",
			v.Source, state, v.Checked, bytesize.Format(v.Bytes), v.Verified, v.Unrecorded)
		for _, d := range v.Damaged {
			fmt.Fprintf(w, "  damaged: %s: %s\n", d.Path, d.Problem)
		}
		for _, m := range v.Missing {
			fmt.Fprintf(w, "  missing: %s (the journal says it was written; it is not there)\n", m)
		}
		if v.Elsewhere > 0 {
			fmt.Fprintf(w, "  %d journal record(s) name files outside %s's directory (the root moved?): not checked\n", v.Elsewhere, v.Source)
		}
	}
}
