// Command hoard exports, stores and reads back personal data. See
// docs/guide.md. All logic lives in packages; this file only starts it.
package main

import (
	"os"

	"github.com/hoard-dev/hoard/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
