// Command read decodes every record of archive snapshots with the
// archive decoder, without merging, and prints how many records and bytes
// it read: the reader's own cost, apart from the merge's.
//
//	read SNAPSHOT...
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hoard-dev/hoard/dal"
)

func main() {
	var records, bytes int64
	spec := &dal.Spec{Members: []string{"**/*.json"}}
	for _, p := range os.Args[1:] {
		for rec, err := range dal.Archive.Records(context.Background(), p, spec) {
			if err != nil {
				log.Fatal(err)
			}
			records++
			bytes += int64(len(rec.Raw))
		}
	}
	fmt.Printf("%d records, %d bytes of items\n", records, bytes)
}
