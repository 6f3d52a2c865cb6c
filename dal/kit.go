package dal

import (
	"context"
	"io"
	"iter"
)

// The decoder kit: what a built-in source's decoder (in its own package
// under source/) builds on, so that every decoder opens, reports and
// renders the same way.

// OpenRecords opens a snapshot's uncompressed bytes for a decoder. Its
// error is a *ReadError naming the file. The caller closes the reader.
func OpenRecords(path string) (io.ReadCloser, error) { return openErr(path) }

// SQLRecords runs each query (in order of kind name) against the SQLite
// snapshot at path, opened read-only and immutable, and yields one JSON
// object per row, members named by column: integers and reals as numbers,
// text as strings, NULL as null, blobs as text when they are UTF-8, else
// base64. A query that fails is an error naming the file and kind.
func SQLRecords(ctx context.Context, path string, queries map[string]string) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, queries)
}

// AppendJSONString appends s as a JSON string to dst, escaping only what
// JSON requires (no HTML escaping); invalid UTF-8 becomes U+FFFD.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }
