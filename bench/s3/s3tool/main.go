// Command s3tool helps bench/s3/run.sh: it finds (building it once) the
// versitygw test server, creates a bucket and uploads a directory of
// snapshots, with minio-go.
//
//	s3tool binary
//	s3tool mkbucket ENDPOINT ACCESS SECRET BUCKET
//	s3tool upload ENDPOINT ACCESS SECRET BUCKET PREFIX DIR
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hoard-dev/hoard/internal/s3test"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "s3tool:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 1 && args[0] == "binary" {
		bin, err := s3test.Binary()
		if err == nil {
			fmt.Println(bin)
		}
		return err
	}
	if len(args) < 5 {
		return fmt.Errorf("usage: s3tool binary | mkbucket ENDPOINT ACCESS SECRET BUCKET | upload ENDPOINT ACCESS SECRET BUCKET PREFIX DIR")
	}
	c, err := minio.New(args[1], &minio.Options{Creds: credentials.NewStaticV4(args[2], args[3], ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch {
	case args[0] == "mkbucket":
		return c.MakeBucket(ctx, args[4], minio.MakeBucketOptions{})
	case args[0] == "upload" && len(args) == 7:
		files, err := filepath.Glob(filepath.Join(args[6], "*"))
		if err != nil {
			return err
		}
		for _, f := range files {
			if _, err := c.FPutObject(ctx, args[4], args[5]+"/"+filepath.Base(f), f, minio.PutObjectOptions{}); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown command %q", args[0])
}
