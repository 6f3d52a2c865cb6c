package dal

import (
	"sort"
	"time"
)

// Gap is a stretch of time that no snapshot covers: the oldest item of
// one snapshot is newer than the newest item of the snapshot before it, so
// items from in between were probably lost because exports ran too rarely.
type Gap struct {
	Kind     string
	From, To time.Time // newest item before, oldest item after
	Before   string    // path of the earlier snapshot
	After    string    // path of the later snapshot
}

// Gaps finds the gaps between consecutive snapshots, per kind, from the
// time ranges of a merge made with Options.Ranges. It only makes sense for
// union-merged sources with a time field.
func Gaps(files []FileStat) []Gap {
	kinds := map[string]bool{}
	for _, f := range files {
		for k := range f.Ranges {
			kinds[k] = true
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	var gaps []Gap
	for _, k := range names {
		var prev *FileStat
		for i := range files {
			r, ok := files[i].Ranges[k]
			if !ok {
				continue
			}
			if prev != nil && r.Min.After(prev.Ranges[k].Max) {
				gaps = append(gaps, Gap{Kind: k, From: prev.Ranges[k].Max, To: r.Min, Before: prev.Snapshot.Path, After: files[i].Snapshot.Path})
			}
			prev = &files[i]
		}
	}
	return gaps
}
