package app

import (
	"slices"

	"github.com/hoard-dev/hoard/internal/journal"
)

// Runs returns the runs of source name that the journal holds, newest
// first, and the journal's damaged lines (skipped, each naming its line).
func (a *App) Runs(name string) ([]journal.Entry, []error, error) {
	entries, bad, err := (&journal.Journal{Path: a.Layout.Journal()}).ReadAll()
	if err != nil {
		return nil, bad, err
	}
	var out []journal.Entry
	for _, e := range entries {
		if e.Source == name {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	return out, bad, nil
}
