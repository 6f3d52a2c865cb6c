package dal

import (
	"fmt"
	"strings"
	"testing"
)

// TestGroupErrorsSensor: a sensor database whose 2,178 readings have the
// same unreadable time format gives one line per file with the count, the
// first items in numeric order (1, 2, 3; not 1, 10, 100) and their values.
func TestGroupErrorsSensor(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	for i := 1; i <= 2178; i++ {
		rows = append(rows, fmt.Sprintf(`{"id":%d,"ts":"%02d/11/2023 10:%02d"}`, i, i%28+1, i%60))
	}
	doc := "[" + strings.Join(rows, ",") + `,{"id":9999,"ts":true}]`
	p := writeSnap(t, dir, 0, "json", doc)
	q := writeSnap(t, dir, 1, "json", `[{"id":1,"ts":"2023-11-01T10:00:00Z"},{"id":2,"ts":"soon"}]`)
	res := mergeDir(t, dir, Spec{Key: []string{"id"}, Time: "ts"})
	var msgs []string
	for _, e := range res.Errors() {
		msgs = append(msgs, e.Error())
	}
	if len(msgs) != 2178 {
		t.Fatalf("%d item errors, want 2178 (items 1 and 2 are read from the second file)", len(msgs))
	}
	got := GroupErrors(msgs)
	want := []string{
		p + `: 2176 items (items): time member "ts": not a time in any known format (set time_format); e.g. item 3 = "04/11/2023 10:03", item 4 = "05/11/2023 10:04", item 5 = "06/11/2023 10:05" and 2173 more`,
		p + `: item 2179 (items): time member "ts" = true: not a time: neither text nor a number`,
		q + `: item 2 (items): time member "ts" = "soon": not a time in any known format (set time_format)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGroupErrors(t *testing.T) {
	in := []string{
		"/x/b.txt: line 10: invalid UTF-8",
		"/x/a.json: line 1, byte 3: unexpected end of file",
		"/x/b.txt: line 2: invalid UTF-8",
		"/x/b.txt: line 2: invalid UTF-8",
		"/x/b.txt: line 100: invalid UTF-8",
		"/x/b.txt: line 7: something else",
		"a problem with no file",
		"/x/c.json: item 10 (saved): invalid JSON: x",
		"/x/c.json: item 9 (saved): invalid JSON: x",
		"/x/c.json: item 9 (other): invalid JSON: x",
	}
	want := []string{
		"/x/a.json: line 1, byte 3: unexpected end of file",
		"/x/b.txt: 3 lines: invalid UTF-8 (lines 2, 10, 100)",
		"/x/b.txt: line 7: something else",
		"/x/c.json: item 9 (other): invalid JSON: x",
		"/x/c.json: 2 items (saved): invalid JSON: x (items 9, 10)",
		"a problem with no file",
	}
	if got := GroupErrors(in); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
