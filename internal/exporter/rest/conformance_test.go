package rest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	"github.com/hoard-dev/hoard/secret"
)

func TestConformance(t *testing.T) {
	srv := fakeapi.New(fakeapi.Cursor, nItems, pageSize, "live")
	defer srv.Close()
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"items":[{"id":1}],"next_cursor":"c%s"}`, r.URL.Query().Get("cursor"))
	}))
	defer endless.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			p := styleParams(srv, fakeapi.Cursor)
			p.Auth = AuthParams{Type: "bearer"}
			ex, err := newExporter(p)
			if err != nil {
				t.Fatal(err)
			}
			return ex, secret.Secrets{"token": "live"}
		},
		Check: func(t *testing.T, out []byte) {
			n := 0
			for _, err := range Items(bytes.NewReader(out)) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != nItems {
				t.Fatalf("%d items, want %d", n, nItems)
			}
		},
		Slow: func(t *testing.T) export.Exporter {
			ex, err := newExporter(&Params{BaseURL: endless.URL, Endpoints: []EndpointParams{{Name: "x", Path: "/", Items: "items",
				Pagination: PaginationParams{Type: "cursor", Cursor: "next_cursor", Param: "cursor"}}}})
			if err != nil {
				t.Fatal(err)
			}
			return ex
		},
	})
}
