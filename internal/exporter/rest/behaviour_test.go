package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

func TestSkipStatusAndDependentRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/lists":
			fmt.Fprint(w, `{"lists":[{"id":"a"},{"id":"gone"},{"id":"b"},{"id":"a"}]}`)
		case "/lists/gone/entries":
			http.Error(w, `{"error":"not found"}`, 404)
		default:
			fmt.Fprintf(w, `[{"list":%q,"n":1},{"list":%q,"n":2}]`, r.URL.Path, r.URL.Path)
		}
	}))
	defer srv.Close()
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{
		{Name: "lists", Path: "/lists", Items: "lists"},
		{Name: "entries", Path: "/lists/{id}/entries", SkipStatus: []int{404}, ForEach: ForEachParams{Endpoint: "lists", Field: "id"}},
	}}
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	got := byEndpoint(h.items())
	var parents []string
	for _, it := range got["entries"] {
		parents = append(parents, it.Parent)
	}
	if strings.Join(parents, ",") != "a,a,b,b" {
		t.Fatalf("entries for %v, want a,a,b,b (gone skipped, a fetched once)", parents)
	}
	snap, _ := os.ReadFile(h.snapshots()[0])
	if !strings.Contains(string(snap), `"parent":"gone","page":1,"url":"`+srv.URL+`/lists/gone/entries","status":404`) {
		t.Fatalf("the skipped 404 is not recorded:\n%s", snap)
	}

	// Without skip_status the 404 fails the run.
	p.Endpoints[1].SkipStatus = nil
	if err := newHarness(t, "").run(p); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v, want the 404", err)
	}
}

func TestQueryTokenNeverSaved(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api_key") != "k-very-secret" {
			http.Error(w, "bad key", http.StatusForbidden)
			return
		}
		if r.URL.Query().Get("page") == "" {
			// a server that puts the key back into its next link
			fmt.Fprintf(w, `{"rows":[{"id":1}],"next":"%s/x?page=2&api_key=k-very-secret&session_token=abc123xyz"}`, "http://"+r.Host)
			return
		}
		fmt.Fprint(w, `{"rows":[{"id":2}],"next":null}`)
	}))
	defer srv.Close()
	p := &Params{BaseURL: srv.URL, Auth: AuthParams{Type: "query", Param: "api_key", Secret: "key"},
		Endpoints: []EndpointParams{{Name: "x", Path: "/x", Items: "rows", Pagination: PaginationParams{Type: "next_url", NextURL: "next"}}}}
	h := newHarness(t, "key = \"k-very-secret\"\n")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if len(h.items()) != 2 {
		t.Fatalf("%d items", len(h.items()))
	}
	snap, _ := os.ReadFile(h.snapshots()[0])
	var urls []string
	for _, line := range strings.Split(strings.TrimSpace(string(snap)), "\n") {
		var env Envelope
		if err := json.Unmarshal([]byte(line), &env); err != nil {
			t.Fatal(err)
		}
		urls = append(urls, env.URL)
	}
	want := []string{srv.URL + "/x", srv.URL + "/x?page=2&api_key=REDACTED&session_token=REDACTED"}
	if strings.Join(urls, " ") != strings.Join(want, " ") {
		t.Fatalf("envelope URLs:\n got %v\nwant %v", urls, want)
	}
}

func TestDescendingStoppedEarlyKeepsBookmark(t *testing.T) {
	srv := fakeapi.New(fakeapi.Link, 30, 5, "")
	defer srv.Close()
	ep := EndpointParams{Name: "items", Path: "/items", Items: "items", Key: "id", Style: "incremental",
		Pagination:  PaginationParams{Type: "link"},
		Incremental: IncrementalParams{CursorField: "id", Order: "descending"}}
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{ep}}
	h := newHarness(t, "")
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if h.cursors()["items"] != "30" {
		t.Fatalf("bookmark %v", h.cursors())
	}
	srv.AddItems(12)
	p.Endpoints[0].MaxPages = 2 // 10 items: cannot reach the bookmark (30)
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if h.cursors()["items"] != "30" || !strings.Contains(h.stderr.String(), "bookmark not advanced") {
		t.Fatalf("bookmark %v after a run stopped early; stderr %q", h.cursors(), h.stderr.String())
	}
	p.Endpoints[0].MaxPages = 0
	if err := h.run(p); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, h.items()); len(got) != 12 || got[0] != 42 || got[11] != 31 || h.cursors()["items"] != "42" {
		t.Fatalf("catch-up run read %v, bookmark %v", got, h.cursors())
	}
}

func TestEmptyPagesInARowFail(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"items":[],"next_cursor":"c%d"}`, n.Add(1))
	}))
	defer srv.Close()
	p := &Params{BaseURL: srv.URL, Endpoints: []EndpointParams{{Name: "x", Path: "/", Items: "items",
		Pagination: PaginationParams{Type: "cursor", Cursor: "next_cursor", Param: "cursor"}}}}
	err := newHarness(t, "").run(p)
	if err == nil || !strings.Contains(err.Error(), "empty pages in a row") || n.Load() != maxEmptyPages {
		t.Fatalf("err = %v after %d requests", err, n.Load())
	}
}

func TestMaxItemsAndHasMore(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		n.Add(1)
		fmt.Fprintf(w, `{"data":[{"id":%d},{"id":%d}],"meta":{"more":%v}}`, 2*page, 2*page+1, page < 4)
	}))
	defer srv.Close()
	ep := EndpointParams{Name: "x", Path: "/", Items: "data", Pagination: PaginationParams{Type: "page", HasMore: "meta.more"}}
	h := newHarness(t, "")
	if err := h.run(&Params{BaseURL: srv.URL, Endpoints: []EndpointParams{ep}}); err != nil {
		t.Fatal(err)
	}
	if len(h.items()) != 8 || n.Load() != 4 {
		t.Fatalf("has_more: %d items in %d requests, want 8 in 4", len(h.items()), n.Load())
	}
	ep.MaxItems = 3
	n.Store(0)
	h = newHarness(t, "")
	if err := h.run(&Params{BaseURL: srv.URL, Endpoints: []EndpointParams{ep}}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("max_items 3: %d requests, want 2", n.Load())
	}
}
