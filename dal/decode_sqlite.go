package dal

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/snapshot"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// sqliteRecords runs each of spec.Queries (in kind order) against the
// snapshot and yields one JSON object per row, members named by column.
func sqliteRecords(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, spec.Queries)
}

// queryRecords is the shared body of the SQLite decoders.
func queryRecords(ctx context.Context, path string, queries map[string]string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		if len(queries) == 0 {
			yield(Record{}, &ReadError{File: path, Err: errors.New("a SQLite snapshot needs queries: set [sources.NAME.queries] with one SQL query per kind")})
			return
		}
		db, cleanup, err := OpenSQLite(path)
		if err != nil {
			yield(Record{}, &ReadError{File: path, Err: err})
			return
		}
		defer cleanup()
		kinds := make([]string, 0, len(queries))
		for k := range queries {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, kind := range kinds {
			if !queryKind(ctx, db, path, kind, queries[kind], yield) {
				return
			}
		}
	}
}

var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// OpenSQLite opens a SQLite snapshot read-only and immutable, so that
// nothing, not even a journal or WAL file, is ever written next to it. A
// compressed snapshot is first decompressed to a temporary file, which
// cleanup removes; call cleanup when done (it also closes the database).
func OpenSQLite(path string) (db *sql.DB, cleanup func(), err error) {
	file, remove, err := plainFile(path)
	if err != nil {
		return nil, nil, err
	}
	db, err = sql.Open("sqlite", "file:"+uriEscaper.Replace(file)+"?mode=ro&immutable=1")
	if err == nil {
		db.SetMaxOpenConns(1)
		err = db.Ping()
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		remove()
		return nil, nil, err
	}
	return db, func() { db.Close(); remove() }, nil
}

// plainFile returns a path holding the uncompressed bytes of path: path
// itself, or a temporary copy that remove deletes (also of a snapshot in
// object storage, which SQLite cannot open where it is).
func plainFile(path string) (string, func(), error) {
	if snapshot.CodecOf(path) == snapshot.None && !snapshot.IsRemote(path) {
		return path, func() {}, nil
	}
	in, err := openSnapshot(path)
	if err != nil {
		return "", nil, unwrapPath(err, path)
	}
	defer in.Close()
	tmp, err := os.CreateTemp("", "hoard-sqlite-*.db")
	if err != nil {
		return "", nil, fmt.Errorf("decompressing to a temporary file: %w", err)
	}
	remove := func() { os.Remove(tmp.Name()) }
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		remove()
		return "", nil, fmt.Errorf("decompressing to a temporary file: %w", unwrapPath(err, path))
	}
	return tmp.Name(), remove, nil
}

// queryKind yields the rows of one query; it returns false when the
// consumer stopped.
func queryKind(ctx context.Context, db *sql.DB, path, kind, query string, yield func(Record, error) bool) bool {
	fail := func(err error) bool {
		return yield(Record{}, &ReadError{File: path, Where: "query " + kind, Err: err})
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fail(err)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = string(appendJSONString(nil, c))
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fail(err)
		}
		buf = rowObject(buf[:0], names, vals)
		if !yield(Record{Kind: kind, Raw: buf}, nil) {
			return false
		}
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	return true
}

// rowObject renders a row as a JSON object: integers and reals as numbers,
// text as strings, NULL as null, blobs as UTF-8 text when they are, else
// base64.
func rowObject(buf []byte, names []string, vals []any) []byte {
	buf = append(buf, '{')
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(append(buf, names[i]...), ':')
		switch v := v.(type) {
		case nil:
			buf = append(buf, "null"...)
		case int64:
			buf = strconv.AppendInt(buf, v, 10)
		case float64:
			buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		case bool:
			buf = strconv.AppendBool(buf, v)
		case string:
			buf = appendJSONString(buf, v)
		case []byte:
			if utf8.Valid(v) {
				buf = appendJSONString(buf, string(v))
			} else {
				buf = appendJSONString(buf, base64.StdEncoding.EncodeToString(v))
			}
		default:
			buf = appendJSONString(buf, fmt.Sprint(v))
		}
	}
	return append(buf, '}')
}
