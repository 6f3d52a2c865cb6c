package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
)

// browseFixture writes snapshots of a source with two kinds, many items
// sharing a time, and items without one, and returns its target.
func browseFixture(t *testing.T, seed uint64, items int) app.Target {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	dir := filepath.Join(t.TempDir(), "src")
	os.MkdirAll(dir, 0o755)
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	for s := 0; s < 3; s++ {
		doc := map[string][]map[string]any{"a": {}, "b": {}}
		for i := 0; i < items; i++ {
			if r.IntN(3) == 0 {
				continue // not in this snapshot
			}
			it := map[string]any{"id": fmt.Sprintf("i%03d", i), "title": fmt.Sprintf("item %d", i)}
			if i%4 == 0 {
				it["title"] = fmt.Sprintf("apple %d", i)
			}
			if i%7 != 3 { // every seventh item has no time
				it["t"] = base + int64(i%9)*3600 // nine distinct times: many ties
			}
			kind := "a"
			if i%3 == 0 {
				kind = "b"
			}
			doc[kind] = append(doc[kind], it)
		}
		b, _ := json.Marshal(doc)
		name := time.Date(2024, 3, 2+s, 0, 0, 0, 0, time.UTC).Format("20060102T150405Z") + ".json"
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tg, err := app.DirTarget(dir, dal.Spec{Source: "src", Items: []string{"a", "b"}, Key: []string{"id"}, Time: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func ids(items []dal.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Kind+"/"+it.Key)
	}
	return out
}

// TestPagesWalkTheWholeList: walking every page forward with Next, then
// back with Prev, gives exactly the full read (kinds filtered), in order,
// whatever the order, bounds, search and page size, cached or not; ties of
// time and items without a time included.
func TestPagesWalkTheWholeList(t *testing.T) {
	ctx := context.Background()
	tg := browseFixture(t, 7, 60)
	after := time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC)
	before := time.Date(2024, 3, 1, 6, 0, 0, 0, time.UTC)
	for _, rd := range []app.Reader{{Index: filepath.Join(t.TempDir(), "index.sqlite")}, {}} {
		for _, tc := range []struct {
			name  string
			q     dal.Query
			kinds []string
		}{
			{"all", dal.Query{}, nil},
			{"reverse", dal.Query{Reverse: true}, nil},
			{"kind b", dal.Query{}, []string{"b"}},
			{"kind a reverse", dal.Query{Reverse: true}, []string{"a"}},
			{"bounds", dal.Query{After: after, Before: before}, nil},
			{"bounds reverse kind", dal.Query{After: after, Before: before, Reverse: true}, []string{"a"}},
			{"search", dal.Query{Search: "apple"}, nil},
			{"search reverse", dal.Query{Search: "apple", Reverse: true}, nil},
		} {
			for _, size := range []int{1, 3, 7, 100} {
				t.Run(fmt.Sprintf("cached=%v/%s/%d", rd.Index != "", tc.name, size), func(t *testing.T) {
					r, err := rd.Read(ctx, []app.Target{tg}, tc.q)
					if err != nil {
						t.Fatal(err)
					}
					var want []dal.Item
					for it, err := range app.FilterKinds(r.Items, tc.kinds) {
						if err != nil {
							t.Fatal(err)
						}
						want = append(want, it)
					}
					r.Close()
					if len(want) == 0 {
						t.Fatal("the fixture selects nothing")
					}
					b := app.Browse{Query: tc.q, Kinds: tc.kinds, Size: size}
					var got []dal.Item
					var pages []*app.Page
					for n := 0; ; n++ {
						p, err := rd.Page(ctx, []app.Target{tg}, b)
						if err != nil {
							t.Fatal(err)
						}
						if len(p.Items) > size || len(p.Items) == 0 {
							t.Fatalf("page %d: %d items", n, len(p.Items))
						}
						if (n == 0) != (p.Prev == nil) {
							t.Fatalf("page %d: prev %v", n, p.Prev)
						}
						got = append(got, p.Items...)
						pages = append(pages, p)
						if p.Next == nil {
							break
						}
						if n > len(want) {
							t.Fatal("paging does not end")
						}
						b.At = p.Next
					}
					if !slices.Equal(ids(got), ids(want)) {
						t.Fatalf("forward pages:\n got %v\nwant %v", ids(got), ids(want))
					}
					// Back from the last page: each Prev gives the page
					// before, the same as on the way forward (the first
					// one may be a full first page).
					for n := len(pages) - 1; n > 0; n-- {
						b.At = pages[n].Prev
						p, err := rd.Page(ctx, []app.Target{tg}, b)
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(ids(p.Items), ids(pages[n-1].Items)) {
							t.Fatalf("prev of page %d:\n got %v\nwant %v", n, ids(p.Items), ids(pages[n-1].Items))
						}
					}
				})
			}
		}
	}
}

// TestPageCursorRoundTrip: a cursor survives its text form, and garbage
// is an error, not a panic.
func TestPageCursorRoundTrip(t *testing.T) {
	c := app.Cursor{Time: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), Source: "s", Kind: "k", Key: `["a","b"]`, Back: true}
	got, err := app.ParseCursor(c.Encode())
	if err != nil || !got.Time.Equal(c.Time) || got.Key != c.Key || !got.Back || got.Source != "s" || got.Kind != "k" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{"!!", "e30x", "bnVsbA", "W10"} {
		if _, err := app.ParseCursor(bad); err == nil && bad != "bnVsbA" {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestFind: an item is found by kind and key, with or without its time;
// a wrong time still finds it; a missing one is ErrNotFound.
func TestFind(t *testing.T) {
	ctx := context.Background()
	tg := browseFixture(t, 3, 40)
	rd := app.Reader{Index: filepath.Join(t.TempDir(), "index.sqlite")}
	r, err := rd.Read(ctx, []app.Target{tg}, dal.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var all []dal.Item
	for it, err := range r.Items {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, it)
	}
	r.Close()
	for _, want := range []dal.Item{all[0], all[len(all)/2], all[len(all)-1]} {
		for _, at := range []time.Time{want.Time, {}, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)} {
			got, err := rd.Find(ctx, tg, want.Kind, want.Key, at)
			if err != nil || string(got.Raw) != string(want.Raw) || !got.LastSeen.Equal(want.LastSeen) {
				t.Errorf("find %s/%s at %v: %v %s", want.Kind, want.Key, at, err, got.Raw)
			}
		}
	}
	if _, err := rd.Find(ctx, tg, "a", "nope", time.Time{}); err != app.ErrNotFound {
		t.Errorf("missing item: %v", err)
	}
}

// TestProfile counts by kind and by day in a location, and agrees with a
// full read.
func TestProfile(t *testing.T) {
	ctx := context.Background()
	tg := browseFixture(t, 5, 50)
	loc := time.FixedZone("UTC-3", -3*3600)
	rd := app.Reader{}
	p, err := rd.Profile(ctx, tg, loc)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := rd.Read(ctx, []app.Target{tg}, dal.Query{})
	defer r.Close()
	kinds, days, untimed, n := map[string]int{}, map[app.Day]int{}, 0, 0
	for it := range r.Items {
		n++
		kinds[it.Kind]++
		if it.Time.IsZero() {
			untimed++
			continue
		}
		days[app.DayOf(it.Time, loc)]++
	}
	if p.Items != n || p.Untimed != untimed || fmt.Sprint(p.Kinds) != fmt.Sprint(kinds) || fmt.Sprint(p.Days) != fmt.Sprint(days) {
		t.Errorf("profile %+v, want items %d untimed %d kinds %v days %v", p, n, untimed, kinds, days)
	}
	// 2024-03-01 00:00 UTC is the evening before in UTC-3.
	if p.Days[app.Day{Year: 2024, Month: 2, Day: 29}] == 0 || len(p.Days) != 2 {
		t.Errorf("days in UTC-3: %v", p.Days)
	}
}

// TestSessionReadsAsReader: every read of a session gives what a read of
// the reader gives, cached and not, for queries of every sort.
func TestSessionReadsAsReader(t *testing.T) {
	ctx := context.Background()
	tg := browseFixture(t, 11, 50)
	queries := []dal.Query{{}, {Reverse: true}, {Limit: 3}, {Search: "apple", Reverse: true}, {After: time.Date(2024, 3, 1, 3, 0, 0, 0, time.UTC)}}
	for _, rd := range []app.Reader{{Index: filepath.Join(t.TempDir(), "index.sqlite")}, {}} {
		s, err := rd.Open(ctx, []app.Target{tg})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			var want, got []string
			for _, read := range []func() (*app.Reading, error){
				func() (*app.Reading, error) { return rd.Read(ctx, []app.Target{tg}, q) },
				func() (*app.Reading, error) { return s.Read(ctx, q) },
			} {
				r, err := read()
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for it, err := range r.Items {
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, string(it.AppendJSON(nil)))
				}
				r.Close()
				want, got = got, out
			}
			if len(got) == 0 || !slices.Equal(got, want) {
				t.Errorf("cached=%v %+v: session %d items, reader %d", rd.Index != "", q, len(got), len(want))
			}
		}
		s.Close()
	}
}
