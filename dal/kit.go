package dal

import (
	"bufio"
	"context"
	"io"
	"iter"
)

// The decoder kit: what a built-in source's decoder (in its own package
// under source/) builds on, so that every decoder opens, reports and
// renders the same way.

// OpenRecords opens a snapshot's uncompressed bytes for a decoder. Reads
// end with ctx's error once ctx is done (checked every few MiB), so that no
// single value keeps a read going after SIGINT or SIGTERM. Its error is a
// *ReadError naming the file. The caller closes the reader.
func OpenRecords(ctx context.Context, path string) (io.ReadCloser, error) {
	rc, err := openErr(path)
	if err != nil {
		return nil, err
	}
	return newInput(ctx, rc), nil
}

// WithContext returns r whose reads end with ctx's error once ctx is
// done (checked every few MiB): what a decoder's Stream reads through.
func WithContext(ctx context.Context, r io.Reader) io.Reader { return newInput(ctx, r) }

// ReadLine reads one line from br without its newline, gathering a line
// longer than br's buffer in *long. A line longer than limit bytes is
// read to its end and dropped: ReadLine then returns no bytes and big is
// true (report it with LineTooLarge).
func ReadLine(br *bufio.Reader, long *[]byte, limit int64) (b []byte, big bool, err error) {
	return readLine(br, long, limit)
}

// LineTooLarge is the error of line n of path, longer than limit bytes.
func LineTooLarge(path string, n int, limit int64) error { return lineTooLarge(path, n, limit) }

// SQLRecords runs each query (in order of kind name) against the SQLite
// snapshot at path, opened read-only and immutable, and yields one JSON
// object per row, members named by column: integers and reals as numbers,
// text as strings, NULL as null, blobs as text when they are UTF-8, else
// base64. A query that fails is an error naming the file and kind.
func SQLRecords(ctx context.Context, path string, queries map[string]string) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, singleQueries(queries))
}

// SQLRecordsVersions is SQLRecords for a database whose schema changed
// between versions of its program: each kind has several queries, tried
// in order, and the first whose tables and columns exist in the snapshot
// is used. When none fits, the error lists why each failed.
func SQLRecordsVersions(ctx context.Context, path string, queries map[string][]string) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, queries)
}

// AppendJSONString appends s as a JSON string to dst, escaping only what
// JSON requires (no HTML escaping); invalid UTF-8 becomes U+FFFD.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }
