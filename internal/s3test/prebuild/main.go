// Command prebuild builds the versitygw binary the object-storage tests
// run (see package s3test) into the test cache, and prints its path.
// .ci/run runs it before the suite, as an install step; a developer need
// not: the first test that needs the server builds it.
package main

import (
	"fmt"
	"os"

	"github.com/hoard-dev/hoard/internal/s3test"
)

func main() {
	bin, err := s3test.Binary()
	if err != nil {
		fmt.Fprintln(os.Stderr, "prebuild:", err)
		os.Exit(1)
	}
	fmt.Println(bin)
}
