package dal

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/snapshot"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// sqliteRecords runs each of spec.Queries (in kind order) against the
// snapshot and yields one JSON object per row, members named by column;
// a kind's QueryFallbacks are tried in turn when its query does not fit
// the snapshot's schema.
func sqliteRecords(ctx context.Context, path string, spec *Spec) iter.Seq2[Record, error] {
	return queryRecords(ctx, path, spec.queryVersions())
}

// queryVersions returns each kind's queries: Queries, then QueryFallbacks.
func (s *Spec) queryVersions() map[string][]string {
	if len(s.Queries) == 0 && len(s.QueryFallbacks) == 0 {
		return nil
	}
	out := map[string][]string{}
	for k, q := range s.Queries {
		out[k] = append([]string{q}, s.QueryFallbacks[k]...)
	}
	for k, qs := range s.QueryFallbacks {
		if _, ok := s.Queries[k]; !ok {
			out[k] = qs
		}
	}
	return out
}

// singleQueries turns one query per kind into the form queryRecords takes.
func singleQueries(queries map[string]string) map[string][]string {
	out := make(map[string][]string, len(queries))
	for k, q := range queries {
		out[k] = []string{q}
	}
	return out
}

// queryRecords is the shared body of the SQLite decoders.
func queryRecords(ctx context.Context, path string, queries map[string][]string) iter.Seq2[Record, error] {
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
// itself, or a temporary copy that remove deletes.
func plainFile(path string) (string, func(), error) {
	if snapshot.CodecOf(path) == snapshot.None {
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

// queryKind yields the rows of the first of a kind's queries that fits the
// snapshot's schema (each tried in turn while SQLite reports a table or
// column it does not have); it returns false when the consumer stopped.
func queryKind(ctx context.Context, db *sql.DB, path, kind string, queries []string, yield func(Record, error) bool) bool {
	fail := func(err error) bool {
		return yield(Record{}, &ReadError{File: path, Where: "query " + kind, Err: err})
	}
	var misfits []string
	var rows *sql.Rows
	for i, q := range queries {
		var err error
		rows, err = db.QueryContext(ctx, q)
		if err == nil {
			break
		}
		if !schemaMisfit(err) || len(queries) == 1 {
			return fail(err)
		}
		misfits = append(misfits, fmt.Sprintf("query %d: %v", i+1, err))
	}
	if rows == nil {
		return fail(fmt.Errorf("none of the %d queries fits this database (%s)", len(queries), strings.Join(misfits, "; ")))
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

// appendReal renders a real as JSON: the shortest digits that read back
// as the same float64, written out in full (788918400.123456, not
// 7.88918400123456e+08) unless it is tiny or huge, as JavaScript does;
// infinities, which JSON cannot hold, become null.
func appendReal(buf []byte, v float64) []byte {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return append(buf, "null"...)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	return strconv.AppendFloat(buf, v, 'f', -1, 64)
}

// schemaMisfit reports whether a query failed because the database does
// not have a table or column it names: another version of the schema.
func schemaMisfit(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "no such column")
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
			buf = appendReal(buf, v)
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
