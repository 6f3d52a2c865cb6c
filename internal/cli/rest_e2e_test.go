package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// A rest source end to end: hoard run against a fake API (with an item
// added between pages), then hoard items reads every item back exactly
// once, through the rest decoder chosen for rest sources by default; a
// second run with new items merges into one history.
func TestRestRunThenItems(t *testing.T) {
	srv := fakeapi.New(fakeapi.Link, 23, 5, "")
	defer srv.Close()
	srv.At(3, fakeapi.Fault{Kind: fakeapi.AddItem})
	e := newEnv(t)
	e.writeConfig(fmt.Sprintf(`
[sources.feed]
exporter = "rest"
base_url = %q
key = "id"
compression = "zstd"

[[sources.feed.endpoints]]
name = "things"
path = "/items"
items = "items"
key = "id"
[sources.feed.endpoints.pagination]
type = "link"
`, srv.URL))
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	ids := itemIDs(t, e)
	if len(ids) < 23 {
		t.Errorf("%d items, want all 23 (and the one added between pages, if its page came later)", len(ids))
	}
	srv.AddItems(5)
	if _, stderr, code := e.run("run"); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if ids := itemIDs(t, e); len(ids) != 29 {
		t.Errorf("%d items after the second run, want 29 (23 + 1 added between pages + 5 new)", len(ids))
	}
}

// itemIDs runs hoard items and checks that no id appears twice.
func itemIDs(t *testing.T, e *env) map[int]bool {
	t.Helper()
	out, stderr, code := e.run("items", "feed")
	if code != 0 {
		t.Fatalf("items: exit %d: %s", code, stderr)
	}
	ids := map[int]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var it struct {
			Kind string `json:"kind"`
			Raw  struct {
				ID int `json:"id"`
			} `json:"raw"`
		}
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("items line %q: %v", line, err)
		}
		if it.Kind != "things" {
			t.Errorf("kind %q, want the endpoint's name", it.Kind)
		}
		if ids[it.Raw.ID] {
			t.Errorf("item %d delivered twice", it.Raw.ID)
		}
		ids[it.Raw.ID] = true
	}
	return ids
}
