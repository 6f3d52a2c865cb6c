package dal

import (
	"testing"

	"github.com/hoard-dev/hoard/snapshot"
)

// A member name that appears twice is read as its last value, as
// encoding/json and most parsers do: {"id":1,"id":2} is item 2, for the
// key, the time and the envelope's fields alike.
func TestDuplicateMemberLastWins(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "json", `[{"id":1,"id":2,"t":"2020-01-01T00:00:00Z","title":"old","t":"2024-05-01T00:00:00Z","title":"new","d":{"x":1},"d":{"x":9}}, {"id":3,"t":"2024-06-01T00:00:00Z"}]`)
	writeSnap(t, dir, 1, "json", `[{"id":2,"t":"2024-05-01T00:00:00Z","title":"new","d":{"x":9}}]`)
	for _, c := range []struct {
		key  []string
		want string
	}{{[]string{"id"}, "2"}, {[]string{"d.x"}, "9"}, {[]string{"id", "d.x"}, "[2,9]"}} {
		res := mergeDir(t, dir, Spec{Key: c.key, Time: "t"})
		var it *Merged
		for i := range res.Items {
			if res.Items[i].Key == c.want {
				it = &res.Items[i]
			}
		}
		if it == nil {
			t.Errorf("key %v: no item %s among %d", c.key, c.want, len(res.Items))
			continue
		}
		res.FillText(&it.Item)
		if it.Time.Year() != 2024 || it.Title != "new" || it.First.Snap != 0 || it.Last.Snap != 1 {
			t.Errorf("key %v: time %v, title %q, seen %d..%d; want 2024, new, 0..1", c.key, it.Time, it.Title, it.First.Snap, it.Last.Snap)
		}
	}
}

// The known-version fast path (which reads keys in the read buffer, first
// of repeated names) agrees with scanning every record (last of them).
func TestDuplicateMemberKnownVersions(t *testing.T) {
	dir := t.TempDir()
	docs := []string{
		`[{"id":1,"id":2,"a":"x"},{"id":3,"b":{"id":9}},{"id":4,"x":1,"id":5}]`,
		`[{"id":1,"id":2,"a":"x"},{"id":3,"b":{"id":9}},{"id":4,"x":1,"id":5},{"id":2,"a":"y"}]`,
		`[{"id":5,"x":2},{"id":1,"id":2,"a":"x"}]`,
	}
	for i, d := range docs {
		writeSnap(t, dir, i, "json", d)
	}
	var outs []string
	for _, scanAll := range []bool{false, true} {
		ls, err := snapshot.ListDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		l := ls.Snapshots
		spec := Spec{Key: []string{"id"}, Merge: Union}
		m := newMerger(&spec, l, Options{})
		m.scanAll = scanAll
		m.run(t.Context())
		items, invalid := m.finish(1)
		outs = append(outs, describeItems(&Result{Spec: spec, Items: items, Files: m.files, Invalid: invalid, env: m.env}))
	}
	if outs[0] != outs[1] {
		t.Errorf("known-version path:\n%s\nscanning all:\n%s", outs[0], outs[1])
	}
}
