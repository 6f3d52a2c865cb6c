package dal

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hoard-dev/hoard/snapshot"
)

// TestUnionProperty: for random snapshot sequences, the union holds every
// key ever seen exactly once, in its newest version, with the right first
// and last sightings, whatever was deleted or re-added in between.
func TestUnionProperty(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 99))
		dir := t.TempDir()
		nsnap := 1 + r.IntN(12)
		type want struct {
			ver         string
			first, last int
		}
		expect := map[string]*want{}
		for s := range nsnap {
			var parts []string
			for k := range 1 + r.IntN(30) {
				if r.IntN(3) == 0 {
					continue // absent from this snapshot (maybe back later)
				}
				id := fmt.Sprintf("k%d", k)
				ver := fmt.Sprintf(`{"id":%q,"v":%d}`, id, r.IntN(3))
				parts = append(parts, ver)
				w := expect[id]
				if w == nil {
					w = &want{first: s}
					expect[id] = w
				}
				w.ver, w.last = ver, s
			}
			r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
			writeSnap(t, dir, s, "json", `{"saved":[`+strings.Join(parts, ",")+`]}`)
		}
		res := mergeDir(t, dir, Spec{Source: "p", Items: []string{"saved"}, Key: []string{"id"}})
		if errs := res.Errors(); len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(res.Items) != len(expect) {
			t.Fatalf("seed %d: %d items, want %d", seed, len(res.Items), len(expect))
		}
		for _, it := range res.Items {
			w := expect[it.Key]
			if w == nil || string(it.Raw) != w.ver || !it.FirstSeen.Equal(day(w.first)) || !it.LastSeen.Equal(day(w.last)) {
				t.Fatalf("seed %d: item %s = %s first %v last %v; want %+v", seed, it.Key, it.Raw, it.FirstSeen, it.LastSeen, w)
			}
		}
	}
}

// TestUnionReappearing is the Reddit case: an item saved, unsaved, saved
// again, edited in between.
func TestUnionReappearing(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "json", `[{"id":"a","t":"2024-01-01T00:00:00Z","v":1},{"id":"b","t":"2023-12-01T00:00:00Z"}]`)
	writeSnap(t, dir, 1, "json", `[{"id":"b","t":"2023-12-01T00:00:00Z"}]`)
	writeSnap(t, dir, 2, "json", `[{"id":"a","t":"2024-01-01T00:00:00Z","v":2}]`)
	res := mergeDir(t, dir, Spec{Key: []string{"id"}, Time: "t"})
	got := describeItems(res)
	want := `b 2023-12-01T00:00:00Z [0,1] {"id":"b","t":"2023-12-01T00:00:00Z"}
a 2024-01-01T00:00:00Z [0,2] {"id":"a","t":"2024-01-01T00:00:00Z","v":2}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	latest := mergeDir(t, dir, Spec{Key: []string{"id"}, Time: "t", Merge: Latest})
	if got := describeItems(latest); got != `a 2024-01-01T00:00:00Z [0,0] {"id":"a","t":"2024-01-01T00:00:00Z","v":2}` || !latest.Items[0].FirstSeen.Equal(day(2)) {
		t.Errorf("latest: %s", got)
	}
}

func describeItems(res *Result) string {
	var lines []string
	for _, it := range res.Items {
		lines = append(lines, fmt.Sprintf("%s %s [%d,%d] %s", it.Key, it.Time.Format("2006-01-02T15:04:05Z07:00"), it.First.Snap, it.Last.Snap, it.Raw))
	}
	return strings.Join(lines, "\n")
}

// TestCorruptAmongMany: a truncated file and a garbage file in the middle
// of 100 snapshots: every other item is delivered and both errors name
// their files.
func TestCorruptAmongMany(t *testing.T) {
	dir := t.TempDir()
	var trunc, garbage string
	for s := range 100 {
		doc := fmt.Sprintf(`{"saved":[{"id":%d},{"id":"x%d"}]}`, s, s%7)
		p := writeSnap(t, dir, s, "json", doc)
		switch s {
		case 40:
			trunc = p
			os.WriteFile(p, []byte(doc[:len(doc)-10]), 0o644) // keeps item 40
		case 60:
			garbage = p
			os.WriteFile(p, []byte("\x00\xffgarbage"), 0o644)
		}
	}
	res := mergeDir(t, dir, Spec{Items: []string{"saved"}, Key: []string{"id"}})
	if len(res.Items) != 99+7 {
		t.Errorf("%d items, want 106", len(res.Items))
	}
	errs := res.Errors()
	if len(errs) != 2 || !strings.HasPrefix(errs[0].Error(), trunc+": line 1, byte ") || !strings.HasPrefix(errs[1].Error(), garbage+": ") {
		t.Errorf("errors: %v", errs)
	}
	if res.Files[40].Records != 1 || res.Files[60].Records != 0 {
		t.Errorf("records of bad files: %d, %d", res.Files[40].Records, res.Files[60].Records)
	}
}

func TestKeysAndOrder(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "jsonl", `{"u":"x","n":1,"t":1700000000}
{"u":"x","n":2,"t":1700000000000}
{"u":"\u0078","n":1,"t":"2023-11-14T22:13:20Z","edited":true}
{"n":3}
{"u":"y"}
{"w":1}
not json`)
	res := mergeDir(t, dir, Spec{Key: []string{"u", "n"}, Time: "t"})
	got := describeItems(res)
	want := `[null,3] 0001-01-01T00:00:00Z [0,0] {"n":3}
["y",null] 0001-01-01T00:00:00Z [0,0] {"u":"y"}
["x",1] 2023-11-14T22:13:20Z [0,0] {"u":"\u0078","n":1,"t":"2023-11-14T22:13:20Z","edited":true}
["x",2] 2023-11-14T22:13:20Z [0,0] {"u":"x","n":2,"t":1700000000000}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	errs := res.Errors()
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), `item 6 (items): item has no key: none of the members "u", "n"`) || !strings.Contains(errs[1].Error(), "line 7") {
		t.Errorf("errors: %v", errs)
	}
}

func TestWholeItemKey(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "json", `[{"a":1},{"a":2}]`)
	writeSnap(t, dir, 1, "json", `[{"a":2},{"a":3}]`)
	res := mergeDir(t, dir, Spec{})
	if len(res.Items) != 3 || string(res.Items[0].Raw) != `{"a":1}` || string(res.Items[2].Raw) != `{"a":3}` {
		t.Errorf("got %s", describeItems(res))
	}
}

func TestInvalidItemJSON(t *testing.T) {
	dir := t.TempDir()
	p := writeSnap(t, dir, 0, "json", `[{"id":1,"x":tru},{"id":2,"t":"soon"}]`)
	res := mergeDir(t, dir, Spec{Key: []string{"id"}, Time: "t"})
	errs := res.Errors()
	if len(res.Items) != 1 || len(errs) != 2 {
		t.Fatalf("items %s errors %v", describeItems(res), errs)
	}
	if !strings.HasPrefix(errs[0].Error(), p+": item 1 (items): invalid JSON") || !strings.Contains(errs[1].Error(), `item 2 (items): time member "t" = "soon": not a time in any known format (set time_format)`) {
		t.Errorf("errors %v", errs)
	}
}

func TestUnknownExtension(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "ical", "BEGIN:VCALENDAR")
	res := mergeDir(t, dir, Spec{Source: "rtm"})
	if errs := res.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Error(), `no decoder for extension "ical"`) {
		t.Errorf("errors %v", errs)
	}
	_ = filepath.Join
}

// TestKnownVersionsSkipped: items already held are matched by their bytes
// instead of being scanned; what follows them is still checked.
func TestKnownVersionsSkipped(t *testing.T) {
	dir := t.TempDir()
	item := `{"id":1,"s":"] } \" {"}`
	writeSnap(t, dir, 0, "json", `[`+item+`,{"id":2}]`)
	writeSnap(t, dir, 1, "json", `[`+item+`,{"id":2,"v":2}]`)
	p2 := writeSnap(t, dir, 2, "json", `[`+item+` x]`)
	p3 := writeSnap(t, dir, 3, "json", `[`+item)
	writeSnap(t, dir, 4, "json", `[{"id":1,"s":"] } \" {","more":1},`+item+`]`)
	spec := Spec{Key: []string{"id"}}
	l := mergeDir(t, dir, spec)
	errs := l.Errors()
	if len(errs) != 2 || !strings.HasPrefix(errs[0].Error(), p2+": line 1, byte 25: expected ',' or ']'") || !strings.HasPrefix(errs[1].Error(), p3+": ") {
		t.Errorf("errors %v", errs)
	}
	if got := describeItems(l); got != `1 0001-01-01T00:00:00Z [0,4] `+item+"\n"+`2 0001-01-01T00:00:00Z [0,1] {"id":2,"v":2}` {
		t.Errorf("items:\n%s", got)
	}
}

// TestDecoderPanicIsAnError: a decoder that panics on one file (a bug on
// input nobody foresaw) costs that file's remaining items, reported as an
// error naming the file; the other files are merged.
func TestDecoderPanicIsAnError(t *testing.T) {
	json := JSON
	panics := &Decoder{Name: "panics-on-b", Records: func(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
		return func(yield func(Record, error) bool) {
			for r, err := range json.Records(ctx, path, spec) {
				if err == nil && strings.Contains(string(r.Raw), `"boom"`) {
					panic("decoder bug")
				}
				if !yield(r, err) {
					return
				}
			}
		}
	}}
	dir := t.TempDir()
	writeSnap(t, dir, 0, "json", `[{"id":"a"}]`)
	bad := writeSnap(t, dir, 1, "json", `[{"id":"b"},{"id":"boom"},{"id":"c"}]`)
	writeSnap(t, dir, 2, "json", `[{"id":"d"}]`)
	for range 3 { // with one worker or two, whichever gets the bad file
		res := mergeDir(t, dir, Spec{Source: "p", Key: []string{"id"}, Decoder: panics})
		var keys []string
		for _, it := range res.Items {
			keys = append(keys, it.Key)
		}
		if got := strings.Join(keys, ","); got != "a,b,d" {
			t.Errorf("items %s, want a,b,d", got)
		}
		errs := res.Errors()
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), bad+": internal error while reading this file") || !strings.Contains(errs[0].Error(), "decoder bug") {
			t.Errorf("errors %v, want one naming %s and the panic", errs, bad)
		}
	}
}

// TestRangesProperty: each snapshot's time ranges are those of all its
// records, also when most records repeat a version already merged (whose
// time is parsed once) and when versions change from file to file.
func TestRangesProperty(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 7))
		dir := t.TempDir()
		vers := map[int]string{} // each item's version, changed now and then
		for s := range 2 + r.IntN(10) {
			var parts []string
			for k := range 40 {
				if r.IntN(5) == 0 {
					continue
				}
				if _, ok := vers[k]; !ok || r.IntN(5) == 0 {
					var tm string
					switch r.IntN(6) {
					case 0: // no time
					case 1:
						tm = `,"t":"soon"`
					default:
						tm = fmt.Sprintf(`,"t":%d`, 1700000000+r.IntN(5)*60)
					}
					vers[k] = fmt.Sprintf(`{"id":%d%s,"v":%d}`, k, tm, r.IntN(2))
				}
				parts = append(parts, vers[k])
			}
			writeSnap(t, dir, s, "json", `[`+strings.Join(parts, ",")+`]`)
		}
		spec := Spec{Key: []string{"id"}, Time: "t"}
		res := mergeDir(t, dir, spec)
		for _, f := range res.Files {
			want := map[string]TimeRange{}
			recs, _ := records(t, "json", f.Snapshot.Path, spec)
			for _, rec := range recs {
				_, raw, _ := strings.Cut(rec, " ")
				tm, ok, _ := newTimeReader(spec.ForKind(DefaultKind).timeSettings()).read(lookup([]byte(raw), Path{"t"}))
				if !ok {
					continue
				}
				w, seen := want[DefaultKind]
				if !seen || tm.Before(w.Min) {
					w.Min = tm
				}
				if !seen || tm.After(w.Max) {
					w.Max = tm
				}
				want[DefaultKind] = w
			}
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(f.Ranges, want) {
				t.Fatalf("seed %d, %s: ranges %v, want %v", seed, f.Snapshot.Path, f.Ranges, want)
			}
		}
	}
}

// Options.Progress is told of every snapshot read, once.
func TestMergeProgress(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		writeSnap(t, dir, i, "json", fmt.Sprintf(`[{"id":%d}]`, i))
	}
	l, err := snapshot.ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []int
	_, err = Merge(context.Background(), Spec{Key: []string{"id"}}, l.Snapshots, Options{Progress: func(n int) {
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
	}})
	slices.Sort(got)
	if err != nil || !reflect.DeepEqual(got, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("progress %v, %v", got, err)
	}
}
