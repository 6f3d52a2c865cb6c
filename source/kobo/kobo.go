// Package kobo is the built-in source for a Kobo e-reader: the
// highlights, annotations and bookmarks of KoboReader.sqlite, the
// database the reader keeps in .kobo/ on its own storage, and its books
// with their reading progress.
//
// A book deleted from the reader takes its highlights with it: the
// database forgets them. Snapshots taken while the book was there keep
// them, and the union of the snapshots holds every highlight ever made.
package kobo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"strconv"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/sqlschema"
)

// Decoder reads KoboReader.sqlite. Kobo writes its times in UTC, as ISO
// text without a zone ("2017-08-12T03:49:13.000") or with one
// ("2024-03-01T18:04:11Z"); both are read as UTC.
var Decoder = &dal.Decoder{
	Name: "kobo", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"highlights":  {Key: []string{"BookmarkID"}, Time: "created", Title: "book_title", Text: "Text"},
		"annotations": {Key: []string{"BookmarkID"}, Time: "created", Title: "book_title", Text: "full_text"},
		"bookmarks":   {Key: []string{"BookmarkID"}, Time: "created", Title: "book_title", Text: "chapter_title"},
		"books":       {Key: []string{"ContentID"}, Time: "last_read", Title: "Title", Text: "Attribution"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecordsWith(ctx, path, queries)
	},
}

// Source describes a Kobo e-reader.
var Source = &source.Source{
	Name:     "kobo",
	Title:    "Kobo e-reader: highlights, annotations, bookmarks and books with reading progress (KoboReader.sqlite)",
	Category: source.Device,
	Needs:    "the e-reader, mounted over USB",
	Decoder:  Decoder,
	Exporter: source.FileKind("kobo", "sqlite"),
	Detect:   detect,
	Stanza:   stanza("Kobo e-reader (edit the mount point)", "/media/me/KOBOeReader"),
}

// Volume is the label of a Kobo's storage, and so its mount point's name.
const Volume = "KOBOeReader"

// DBPath is where a Kobo keeps its database, relative to its storage.
const DBPath = ".kobo/KoboReader.sqlite"

func stanza(comment, mount string) string {
	return fmt.Sprintf(`# %s: exported whenever it is plugged in
[sources.NAME]
exporter = "kobo"
path = %s
when_present = %s
compression = "zstd"
`, comment, strconv.Quote(filepath.Join(mount, DBPath)), strconv.Quote(mount))
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, v := range source.MountedVolumes(env, DBPath, Volume) {
		comment := "Kobo e-reader at " + v.Dir
		out = append(out, source.Found{Name: source.Number("kobo", i), Path: v.File, Comment: comment, Stanza: stanza(comment, v.Dir)})
	}
	return out
}

// nz is SQL for a Kobo time column: NULL for the empty text and the
// "0000-00-00T00:00:00.000" Kobo writes for "never".
func nz(col string) string {
	return fmt.Sprintf("CASE WHEN %[1]s = '' OR %[1]s LIKE '0000-%%' THEN NULL ELSE %[1]s END", col)
}

// nonEmpty is SQL that is true when col holds text.
func nonEmpty(col string) string { return fmt.Sprintf("COALESCE(%s, '') <> ''", col) }

// kindOf is SQL naming the kind of a Bookmark row. Firmware since 2.x
// writes Type: "highlight", "note" (a highlight with an annotation),
// "dogear" (a bookmarked page) and on stylus models "markup" (a
// handwritten note); older firmware has no Type, and a row is then an
// annotation when it has one, a highlight when it has text, else a
// bookmark.
func kindOf(s sqlschema.Schema) string {
	typed := s.Has("Bookmark", "Type")
	expr := "CASE"
	if typed {
		expr += " WHEN b.Type = 'dogear' THEN 'bookmarks' WHEN b.Type IN ('note', 'markup') THEN 'annotations'"
	}
	expr += " WHEN " + nonEmpty("b.Annotation") + " THEN 'annotations' WHEN " + nonEmpty("b.Text") + " THEN 'highlights'"
	if typed {
		expr += " WHEN b.Type = 'highlight' THEN 'highlights'"
	}
	return expr + " ELSE 'bookmarks' END"
}

// bookmarkColumns are the members of a highlight, annotation or bookmark:
// the Bookmark row's own columns (those the firmware has), then the book
// and chapter they belong to and the time they were made.
var bookmarkColumns = []sqlschema.Column{
	{Name: "BookmarkID", Expr: "b.BookmarkID"},
	{Name: "VolumeID", Expr: "b.VolumeID"},
	{Name: "ContentID", Expr: "b.ContentID"},
	{Name: "Type", Expr: "b.Type", Needs: "Bookmark.Type"},
	{Name: "Text", Expr: "b.Text"},
	{Name: "Annotation", Expr: "b.Annotation"},
	{Name: "DateCreated", Expr: "b.DateCreated"},
	{Name: "DateModified", Expr: "b.DateModified", Needs: "Bookmark.DateModified"},
	{Name: "ChapterProgress", Expr: "b.ChapterProgress", Needs: "Bookmark.ChapterProgress"},
	{Name: "StartContainerPath", Expr: "b.StartContainerPath"},
	{Name: "StartOffset", Expr: "b.StartOffset"},
	{Name: "EndContainerPath", Expr: "b.EndContainerPath"},
	{Name: "EndOffset", Expr: "b.EndOffset"},
	{Name: "Hidden", Expr: "b.Hidden", Needs: "Bookmark.Hidden"},
	{Name: "Color", Expr: "b.Color", Needs: "Bookmark.Color"},
	{Name: "ContextString", Expr: "b.ContextString", Needs: "Bookmark.ContextString"},
	{Name: "book_title", Expr: "vol.Title"},
	{Name: "book_author", Expr: "vol.Attribution"},
	{Name: "chapter_title", Expr: "ch.Title"},
}

// bookColumns are the members of a book: the content row's columns that
// say what it is and how far it was read (those the firmware has).
var bookColumns = []sqlschema.Column{
	{Name: "ContentID", Expr: "c.ContentID"},
	{Name: "Title", Expr: "c.Title"},
	{Name: "Attribution", Expr: "c.Attribution"},
	{Name: "Publisher", Expr: "c.Publisher", Needs: "content.Publisher"},
	{Name: "ISBN", Expr: "c.ISBN", Needs: "content.ISBN"},
	{Name: "Series", Expr: "c.Series", Needs: "content.Series"},
	{Name: "SeriesNumber", Expr: "c.SeriesNumber", Needs: "content.SeriesNumber"},
	{Name: "Language", Expr: "c.Language", Needs: "content.Language"},
	{Name: "MimeType", Expr: "c.MimeType", Needs: "content.MimeType"},
	{Name: "DateAdded", Expr: "c.DateAdded", Needs: "content.DateAdded"},
	{Name: "DateLastRead", Expr: "c.DateLastRead", Needs: "content.DateLastRead"},
	{Name: "ReadStatus", Expr: "c.ReadStatus", Needs: "content.ReadStatus"},
	{Name: "___PercentRead", Expr: "c.___PercentRead", Needs: "content.___PercentRead"},
	{Name: "TimeSpentReading", Expr: "c.TimeSpentReading", Needs: "content.TimeSpentReading"},
	{Name: "TimesStartedReading", Expr: "c.TimesStartedReading", Needs: "content.TimesStartedReading"},
	{Name: "LastTimeStartedReading", Expr: "c.LastTimeStartedReading", Needs: "content.LastTimeStartedReading"},
	{Name: "LastTimeFinishedReading", Expr: "c.LastTimeFinishedReading", Needs: "content.LastTimeFinishedReading"},
	{Name: "IsDownloaded", Expr: "c.IsDownloaded", Needs: "content.IsDownloaded"},
}

// ErrNotKobo is the error of a database that is not a Kobo's.
var ErrNotKobo = errors.New("not a Kobo e-reader's KoboReader.sqlite")

// queries chooses the queries of the database's firmware generation.
func queries(ctx context.Context, db *sql.DB) (map[string]string, error) {
	s, err := sqlschema.Read(ctx, db)
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"Bookmark", "content"} {
		if !s.Has(t, "ContentID") {
			return nil, fmt.Errorf("no table %s with a ContentID column: %w", t, ErrNotKobo)
		}
	}
	created := "COALESCE(" + nz("b.DateCreated")
	if s.Has("Bookmark", "DateModified") {
		created += ", " + nz("b.DateModified") // some devices leave DateCreated empty
	}
	created += ")"
	kind := kindOf(s)
	from := `FROM Bookmark b
LEFT JOIN content vol ON vol.ContentID = b.VolumeID
LEFT JOIN content ch ON ch.ContentID = b.ContentID`
	marks := func(k, extra string) string {
		return "SELECT " + s.Select(bookmarkColumns) + extra + ",\n  " + created + " AS created\n" + from +
			"\nWHERE " + kind + " = '" + k + "'\nORDER BY created, b.BookmarkID"
	}
	q := map[string]string{
		"highlights":  marks("highlights", ""),
		"annotations": marks("annotations", ",\n  CASE WHEN "+nonEmpty("b.Text")+" THEN COALESCE(b.Annotation, '') || char(10) || char(10) || b.Text ELSE b.Annotation END AS full_text"),
		"bookmarks":   marks("bookmarks", ""),
	}
	lastRead := "NULL"
	if s.Has("content", "DateLastRead") {
		lastRead = nz("c.DateLastRead")
	}
	books := "SELECT " + s.Select(bookColumns) + ",\n  " + lastRead + " AS last_read"
	if s.Has("content", "ReadStatus") {
		books += ",\n  CASE c.ReadStatus WHEN 0 THEN 'unread' WHEN 1 THEN 'reading' WHEN 2 THEN 'finished' END AS read_status"
	}
	// ContentType 6 is a book (9 a chapter of one, 899 a part of a
	// magazine): the column is TEXT on some firmware, hence the cast.
	q["books"] = books + "\nFROM content c\nWHERE CAST(c.ContentType AS INTEGER) = 6\nORDER BY c.ContentID"
	return q, nil
}
