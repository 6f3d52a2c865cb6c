package restfmt

import (
	"fmt"
	"strings"
	"testing"
)

func TestItemsDecoder(t *testing.T) {
	snap := strings.Join([]string{
		`{"endpoint":"a","page":1,"url":"u","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"data","key":"id","dups":[1],"body":{"data":[{"id":1},{"id":1},{"id":2}]}}`,
		`not json`,
		`{"endpoint":"a","page":2,"url":"u","status":304,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"data","body":null}`,
		`{"endpoint":"b","parent":"7","page":1,"url":"u","status":404,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"","body":null}`,
		`{"endpoint":"b","parent":"8","page":1,"url":"u","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"","body":{"id":8}}`,
		`{"endpoint":"c","page":1,"url":"u","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"","body":null}`,
		`{"endpoint":"d","page":1,"url":"u","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"rows","body":{"other":1}}`,
	}, "\n") + "\n"
	var got []string
	var errs []string
	for it, err := range Items(strings.NewReader(snap)) {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		got = append(got, fmt.Sprintf("%s/%s#%d:%s", it.Endpoint, it.Parent, it.Index, it.Raw))
	}
	want := `a/#0:{"id":1} a/#2:{"id":2} b/8#0:{"id":8}`
	if strings.Join(got, " ") != want {
		t.Fatalf("items:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if len(errs) != 2 || !strings.Contains(errs[0], "line 2") || !strings.Contains(errs[1], "line 7") {
		t.Fatalf("errors: %v, want one for line 2 and one for line 7", errs)
	}
}
