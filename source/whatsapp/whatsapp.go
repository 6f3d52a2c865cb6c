// Package whatsapp is the built-in source for WhatsApp on Android: the
// messages of msgstore.db, the database the app keeps (and backs up,
// encrypted, as msgstore.db.crypt14 or .crypt15), once decrypted with
// existing tools.
//
// The database's schema has changed with the app. Until 2019 messages were
// rows of "messages", keyed by the chat's address (key_remote_jid), with
// group names in "chat_list"; then "jid" and "chat" tables appeared beside
// it; since 2021 messages are rows of "message", pointing to "chat" and
// "jid" by row id, with media, locations and quotes in tables of their
// own; since 2024 "jid_map" maps the new "@lid" addresses to phone
// numbers. The decoder reads the tables the database has and yields the
// same members for each generation.
package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/sqlschema"
)

// Decoder yields one "messages" record per message.
var Decoder = &dal.Decoder{
	Name: "whatsapp", Version: 1,
	Kinds: map[string]dal.KindSpec{
		// A WhatsApp message is identified by its chat, its direction and
		// its id, as in the app's own protocol.
		"messages": {Key: []string{"chat", "from_me", "key_id"}, Time: "time", Title: "chat_name", Text: "text"},
	},
	Records: func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return dal.SQLRecordsWith(ctx, path, queries)
	},
}

// Source describes WhatsApp.
var Source = &source.Source{
	Name:     "whatsapp",
	Title:    "WhatsApp (Android): messages of every chat, with sender, from a decrypted msgstore.db",
	Category: source.PhoneApp,
	Needs:    "msgstore.db, decrypted from the app's backup or copied off a rooted phone",
	Decoder:  Decoder,
	Exporter: source.FileKind("whatsapp", "sqlite"),
	Detect:   detect,
	Stanza:   source.FileStanza("whatsapp", "WhatsApp messages: a decrypted msgstore.db (see docs/sources/whatsapp.md)", "~/whatsapp/msgstore.db"),
}

// detect finds a decrypted msgstore.db where people put one.
func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, p := range source.Glob(env.Home, "Downloads/msgstore.db", "whatsapp/msgstore.db", "WhatsApp/msgstore.db") {
		out = append(out, source.Found{Name: source.Number("whatsapp", i), Path: p, Comment: "WhatsApp messages (decrypted msgstore.db)"})
	}
	return out
}

// ErrNotWhatsApp is the error of a database that is not WhatsApp's.
var ErrNotWhatsApp = errors.New("not a WhatsApp msgstore.db")

func queries(ctx context.Context, db *sql.DB) (map[string]string, error) {
	s, err := sqlschema.Read(ctx, db)
	if err != nil {
		return nil, err
	}
	switch {
	case s.Has("message", "chat_row_id", "from_me", "key_id", "timestamp") && s.Has("chat", "jid_row_id") && s.Has("jid", "raw_string"):
		return map[string]string{"messages": current(s)}, nil
	case s.Has("messages", "key_remote_jid", "key_from_me", "key_id", "timestamp"):
		return map[string]string{"messages": legacy(s)}, nil
	}
	return nil, fmt.Errorf("no table message (2021 on) or messages (before) with the columns of WhatsApp's: %w", ErrNotWhatsApp)
}

// legacy reads the "messages" table of 2012 to 2021, with the group name
// from "chat" (2019 on) or "chat_list" (before).
func legacy(s sqlschema.Schema) string {
	subject, join := "NULL", ""
	switch {
	case s.Has("chat", "jid_row_id", "subject") && s.Has("jid", "raw_string"):
		join = "LEFT JOIN jid cj ON cj.raw_string = m.key_remote_jid LEFT JOIN chat c ON c.jid_row_id = cj._id"
		subject = "c.subject"
	case s.Has("chat_list", "key_remote_jid", "subject"):
		join = "LEFT JOIN chat_list c ON c.key_remote_jid = m.key_remote_jid"
		subject = "c.subject"
	}
	cols := []sqlschema.Column{
		{Name: "_id", Expr: "m._id"},
		{Name: "chat", Expr: "m.key_remote_jid"},
		{Name: "chat_subject", Expr: subject},
		{Name: "chat_name", Expr: "COALESCE(NULLIF(" + subject + ", ''), m.key_remote_jid)"},
		{Name: "from_me", Expr: "m.key_from_me"},
		{Name: "key_id", Expr: "m.key_id"},
		{Name: "sender", Expr: "NULLIF(m.remote_resource, '')", Needs: "messages.remote_resource"},
		{Name: "timestamp", Expr: "m.timestamp"},
		{Name: "time", Expr: sqlschema.MilliRFC3339("m.timestamp")},
		{Name: "received_timestamp", Expr: "m.received_timestamp", Needs: "messages.received_timestamp"},
		{Name: "status", Expr: "m.status", Needs: "messages.status"},
		{Name: "type", Expr: "CAST(m.media_wa_type AS INTEGER)", Needs: "messages.media_wa_type"},
		{Name: "text", Expr: "COALESCE(NULLIF(m.data, ''), NULLIF(m.media_caption, ''))", Needs: "messages.media_caption"},
		{Name: "text", Expr: "NULLIF(m.data, '')", Needs: "messages.data"},
		{Name: "media_mime_type", Expr: "m.media_mime_type", Needs: "messages.media_mime_type"},
		{Name: "media_name", Expr: "m.media_name", Needs: "messages.media_name"},
		{Name: "media_size", Expr: "m.media_size", Needs: "messages.media_size"},
		{Name: "media_caption", Expr: "m.media_caption", Needs: "messages.media_caption"},
		{Name: "latitude", Expr: "CASE WHEN m.latitude <> 0 OR m.longitude <> 0 THEN m.latitude END", Needs: "messages.latitude"},
		{Name: "longitude", Expr: "CASE WHEN m.latitude <> 0 OR m.longitude <> 0 THEN m.longitude END", Needs: "messages.longitude"},
		{Name: "starred", Expr: "m.starred", Needs: "messages.starred"},
		{Name: "forwarded", Expr: "m.forwarded", Needs: "messages.forwarded"},
	}
	return "SELECT " + s.Select(cols) + ",\n  'messages' AS \"table\"\nFROM messages m\n" + join +
		"\nWHERE m.key_remote_jid <> '-1'\nORDER BY m.timestamp, m._id"
}

// current reads the "message" table of 2021 on.
func current(s sqlschema.Schema) string {
	// An address seen through jid_map is the phone number it maps to, so
	// that a chat keeps its key when WhatsApp moves it to an @lid address.
	addr := func(alias, rowid string) (expr, join string) {
		if s.Has("jid_map", "lid_row_id", "jid_row_id") {
			return fmt.Sprintf("COALESCE(%[1]sm.raw_string, %[1]s.raw_string)", alias),
				fmt.Sprintf("LEFT JOIN jid %[1]s ON %[1]s._id = %[2]s LEFT JOIN jid_map %[1]sx ON %[1]sx.lid_row_id = %[1]s._id LEFT JOIN jid %[1]sm ON %[1]sm._id = %[1]sx.jid_row_id", alias, rowid)
		}
		return alias + ".raw_string", fmt.Sprintf("LEFT JOIN jid %[1]s ON %[1]s._id = %[2]s", alias, rowid)
	}
	chat, chatJoin := addr("cj", "c.jid_row_id")
	sender, senderJoin := addr("sj", "m.sender_jid_row_id")
	joins := "LEFT JOIN chat c ON c._id = m.chat_row_id\n" + chatJoin + "\n" + senderJoin
	cols := []sqlschema.Column{
		{Name: "_id", Expr: "m._id"},
		{Name: "chat", Expr: chat},
		{Name: "chat_subject", Expr: "c.subject", Needs: "chat.subject"},
		{Name: "chat_name", Expr: "COALESCE(NULLIF(c.subject, ''), " + chat + ")", Needs: "chat.subject"},
		{Name: "chat_name", Expr: chat},
		{Name: "from_me", Expr: "m.from_me"},
		{Name: "key_id", Expr: "m.key_id"},
		{Name: "sender", Expr: sender},
		{Name: "timestamp", Expr: "m.timestamp"},
		{Name: "time", Expr: sqlschema.MilliRFC3339("m.timestamp")},
		{Name: "received_timestamp", Expr: "m.received_timestamp", Needs: "message.received_timestamp"},
		{Name: "status", Expr: "m.status", Needs: "message.status"},
		{Name: "type", Expr: "m.message_type", Needs: "message.message_type"},
		{Name: "text", Expr: "NULLIF(m.text_data, '')", Needs: "message.text_data"},
	}
	if s.Has("message_media", "message_row_id") {
		joins += "\nLEFT JOIN message_media mm ON mm.message_row_id = m._id"
		cols = append(cols,
			sqlschema.Column{Name: "media_mime_type", Expr: "mm.mime_type", Needs: "message_media.mime_type"},
			sqlschema.Column{Name: "media_name", Expr: "mm.media_name", Needs: "message_media.media_name"},
			sqlschema.Column{Name: "media_size", Expr: "mm.file_size", Needs: "message_media.file_size"},
			sqlschema.Column{Name: "media_path", Expr: "mm.file_path", Needs: "message_media.file_path"},
			sqlschema.Column{Name: "media_caption", Expr: "mm.media_caption", Needs: "message_media.media_caption"})
	}
	if s.Has("message_location", "message_row_id", "latitude", "longitude") {
		joins += "\nLEFT JOIN message_location ml ON ml.message_row_id = m._id"
		cols = append(cols, sqlschema.Column{Name: "latitude", Expr: "ml.latitude"}, sqlschema.Column{Name: "longitude", Expr: "ml.longitude"},
			sqlschema.Column{Name: "place_name", Expr: "ml.place_name", Needs: "message_location.place_name"})
	}
	cols = append(cols, sqlschema.Column{Name: "starred", Expr: "m.starred", Needs: "message.starred"})
	return "SELECT " + s.Select(cols) + ",\n  'message' AS \"table\"\nFROM message m\n" + joins +
		"\nORDER BY m.timestamp, m._id"
}
