package dal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hoard-dev/hoard/dal"
)

// Two daily exports of an API that only shows the newest two saves: the
// union keeps the one that scrolled out, in its newest version.
func ExampleDir() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "20240101T000000Z.json"), []byte(`{"saved":[{"id":"b","t":"2024-01-01T10:00:00Z","title":"B"},{"id":"a","t":"2023-12-31T09:00:00Z","title":"A"}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "20240102T000000Z.json"), []byte(`{"saved":[{"id":"c","t":"2024-01-02T08:00:00Z","title":"C"},{"id":"b","t":"2024-01-01T10:00:00Z","title":"B, edited"}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "20240103T000000Z.json"), []byte(`{"saved":[{"id":"c"`), 0o644) // truncated

	spec := dal.Spec{Source: "reddit", Items: []string{"saved"}, Key: []string{"id"}, Time: "t"}
	for it, err := range dal.Dir(context.Background(), dir, spec) {
		if err != nil {
			fmt.Println("error:", filepath.Base(err.Error()[len(dir)+1:])[:21], "...")
			continue
		}
		fmt.Println(it.Key, it.Time.Format("2006-01-02"), it.Title, "| seen", it.FirstSeen.Format("01-02"), "to", it.LastSeen.Format("01-02"))
	}
	// Output:
	// error: 20240103T000000Z.json ...
	// a 2023-12-31 A | seen 01-01 to 01-01
	// b 2024-01-01 B, edited | seen 01-01 to 01-02
	// c 2024-01-02 C | seen 01-02 to 01-02
}
