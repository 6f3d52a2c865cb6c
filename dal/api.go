package dal

import (
	"context"
	"fmt"
	"iter"

	"github.com/hoard-dev/hoard/snapshot"
)

// Items merges snaps by spec and yields the errors met (in file order)
// followed by the merged items in output order. A union has to read every
// snapshot before its first item is known, so nothing is yielded until the
// merge is done. Stopping the iteration early is fine.
func Items(ctx context.Context, spec Spec, snaps []snapshot.Snapshot) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		res, err := Merge(ctx, spec, snaps, Options{})
		if err != nil {
			yield(Item{}, err)
			return
		}
		for _, e := range res.Errors() {
			if !yield(Item{}, e) {
				return
			}
		}
		for _, m := range res.Items {
			if !yield(m.Item, nil) {
				return
			}
		}
	}
}

// Dir is Items over every dated snapshot of a directory, such as one
// written by arctee or hoard. Files whose names hold no date are yielded as
// errors and skipped.
func Dir(ctx context.Context, dir string, spec Spec) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		l, err := snapshot.ListDir(dir)
		if err != nil {
			yield(Item{}, err)
			return
		}
		for _, u := range l.Undatable {
			if !yield(Item{}, fmt.Errorf("%s: skipped: %w", u.Path, u.Err)) {
				return
			}
		}
		for it, err := range Items(ctx, spec, l.Snapshots) {
			if !yield(it, err) {
				return
			}
		}
	}
}
