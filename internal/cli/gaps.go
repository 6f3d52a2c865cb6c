package cli

import (
	"context"
	"sync"

	"github.com/hoard-dev/hoard/config"
	"github.com/hoard-dev/hoard/dal"
)

// indexGaps finds gaps between a source's snapshots the way 'hoard doctor'
// does (through the index, refreshed first): it implements
// health.GapFinder for the daemon and status. Sources that are not
// union-merged or have no time field have no gaps by definition. Checks
// run one at a time (gapMu), so the daemon's concurrent runs do not
// refresh the index together.
type indexGaps struct{}

var gapMu sync.Mutex

// Gaps implements health.GapFinder.
func (indexGaps) Gaps(ctx context.Context, root string, src *config.Source) (int, error) {
	spec := dal.WithDefaults(src.Spec())
	if spec.Merge != dal.Union || spec.Time == "" || !src.GapsWanted() {
		return 0, nil
	}
	gapMu.Lock()
	defer gapMu.Unlock()
	c, err := examine(ctx, nil, targetOf(root, src), false)
	if err != nil {
		return 0, err
	}
	return len(c.Gaps), nil
}
