// Package clock holds the one context-aware sleep that retry loops share.
package clock

import (
	"context"
	"time"
)

// Sleep waits for d or until ctx is done, and returns ctx's error in that
// case. A non-positive d returns at once (with ctx's error, if any).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
