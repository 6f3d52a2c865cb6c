package whatsapp

import (
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
)

// BenchmarkDecode reads a msgstore.db of 200,000 messages in 400 chats,
// one in ten with media (the current schema, with jid_map).
func BenchmarkDecode(b *testing.B) {
	db := dectest.SQLiteScript(b, "testdata/msgstore-2024.sql",
		`INSERT INTO jid (user, server, agent, device, type, raw_string)
		 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)
		 SELECT '4915200' || i, 's.whatsapp.net', 0, 0, 0, '4915200' || i || '@s.whatsapp.net' FROM n`,
		`INSERT INTO chat (jid_row_id, hidden, archived) SELECT _id, 0, 0 FROM jid WHERE user LIKE '4915200%'`,
		`INSERT INTO message (chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp, received_timestamp, message_type, text_data, starred, sort_id)
		 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199999)
		 SELECT 6 + i % 400, i % 2, printf('3EB0%016X', i), 0, 0, 1500000000000 + i * 60000, 0, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
		        'message ' || i || ' ünïcödé 😀', 0, 100 + i FROM n`,
		`INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type)
		 SELECT _id, chat_row_id, 'Media/IMG-' || _id || '.jpg', 100000, 'image/jpeg' FROM message WHERE message_type = 1 AND _id > 11`)
	p := dectest.WriteSnap(b, b.TempDir(), 0, "sqlite", db)
	dectest.Bench(b, Decoder, p, 200010)
}
