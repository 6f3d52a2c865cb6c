package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
)

// kindsSource writes one snapshot of n items of three kinds, "common",
// "rare" (one item in a hundred) and "rarest" (one in a thousand), a
// minute apart, and returns its target
// and a reader whose index is built.
func kindsSource(b *testing.B, n int) (app.Target, app.Reader) {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "src")
	os.MkdirAll(dir, 0o755)
	doc := map[string][]map[string]any{}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := range n {
		kind := "common"
		switch {
		case i%1000 == 500:
			kind = "rarest"
		case i%100 == 0:
			kind = "rare"
		}
		doc[kind] = append(doc[kind], map[string]any{"id": strconv.Itoa(i), "t": start + int64(i)*60,
			"title": fmt.Sprintf("item %d", i), "body": "a body of some words to make the item the size of a real one, about three hundred bytes of text in all, with a link https://example.com/" + strconv.Itoa(i)})
	}
	data, _ := json.Marshal(doc)
	if err := os.WriteFile(filepath.Join(dir, "20240601T000000Z.json"), data, 0o600); err != nil {
		b.Fatal(err)
	}
	t, err := app.DirTarget(dir, dal.Spec{Source: "src", Items: []string{"common", "rare", "rarest"}, Key: []string{"id"}, Time: "t"})
	if err != nil {
		b.Fatal(err)
	}
	rd := app.Reader{Index: filepath.Join(b.TempDir(), "index.sqlite")}
	r, err := rd.Read(context.Background(), []app.Target{t}, dal.Query{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	for range r.Items {
	}
	r.Close()
	return t, rd
}

// BenchmarkPageKinds measures what filtering kinds on top of the item
// stream costs (the index cannot filter kinds): a page of 50 items of a
// kind that is one item in a hundred (and one in a thousand), against a page of 50 items of every
// kind, first and half way through 77,800 items. The difference is what
// an index-level kind filter would save.
func BenchmarkPageKinds(b *testing.B) {
	t, rd := kindsSource(b, 77800)
	ctx := context.Background()
	half := &app.Cursor{Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(38900 * time.Minute), Source: "src", Kind: "rare", Key: "38900"}
	for _, tc := range []struct {
		name  string
		kinds []string
		at    *app.Cursor
	}{
		{"every-kind/first", nil, nil},
		{"rare-kind/first", []string{"rare"}, nil},
		{"every-kind/half-way", nil, half},
		{"rare-kind/half-way", []string{"rare"}, half},
		{"rarest-kind/first", []string{"rarest"}, nil},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				p, err := rd.Page(ctx, []app.Target{t}, app.Browse{Query: dal.Query{Reverse: true}, Kinds: tc.kinds, Size: 50, At: tc.at})
				if err != nil || len(p.Items) != 50 {
					b.Fatalf("%d items, %v", len(p.Items), err)
				}
			}
		})
	}
}
