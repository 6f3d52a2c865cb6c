package dal

import (
	"context"
	"database/sql"
	"iter"
	"sort"
)

// SQLChooser returns the queries (by kind) of the database it is given,
// which it may inspect first: its tables and columns tell one generation
// of an app's schema from another. Its error says what the database
// lacks, e.g. "no table Bookmark: not a KoboReader.sqlite".
type SQLChooser func(ctx context.Context, db *sql.DB) (map[string]string, error)

// SQLRecordsWith is SQLRecords with the queries chosen by choose from the
// snapshot itself, so that one decoder reads every schema generation of an
// app's database. The snapshot is opened (and, when compressed,
// decompressed) once. An error of choose is a *ReadError naming the file.
func SQLRecordsWith(ctx context.Context, path string, choose SQLChooser) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		db, cleanup, err := OpenSQLite(path)
		if err != nil {
			yield(Record{}, &ReadError{File: path, Err: err})
			return
		}
		defer cleanup()
		queries, err := choose(ctx, db)
		if err != nil {
			yield(Record{}, &ReadError{File: path, Err: err})
			return
		}
		kinds := make([]string, 0, len(queries))
		for k := range queries {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, kind := range kinds {
			if !queryKind(ctx, db, path, kind, []string{queries[kind]}, yield) {
				return
			}
		}
	}
}
