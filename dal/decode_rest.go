package dal

import (
	"context"
	"io"
	"iter"

	"github.com/hoard-dev/hoard/snapshot/restfmt"
)

// restRecords reads a snapshot of the rest exporter (JSON lines of response
// envelopes, see docs/rest.md) and yields each item once, its kind being
// the endpoint's name. Items an envelope marks as duplicates are skipped. A
// malformed line is an error naming its line; reading goes on.
func restStream(ctx context.Context, r io.Reader, path string, spec *Spec) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		rc := newInput(ctx, r)
		n := 0
		for it, err := range restfmt.Items(rc) {
			if n++; n%1024 == 0 && ctx.Err() != nil {
				yield(Record{}, ctx.Err())
				return
			}
			if err != nil {
				if !yield(Record{}, &ReadError{File: path, Err: err}) {
					return
				}
				continue
			}
			if !yield(Record{Kind: it.Endpoint, Raw: it.Raw}, nil) {
				return
			}
		}
	}
}
