-- A msgstore.db of 2020: "messages" still holds the messages, and the
-- "jid" and "chat" tables have appeared beside it (group names are in
-- chat.subject). Written by hand for hoard's tests: see README.md.
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER,
  key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT,
  media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT, media_hash TEXT,
  media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT,
  received_timestamp INTEGER, send_timestamp INTEGER, starred INTEGER, quoted_row_id INTEGER, forwarded INTEGER);
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL, agent INTEGER,
  device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER, subject TEXT,
  created_timestamp INTEGER, display_message_row_id INTEGER, last_message_row_id INTEGER, archived INTEGER,
  sort_timestamp INTEGER);
INSERT INTO jid (_id, user, server, agent, device, type, raw_string) VALUES
 (1, '491701234567', 's.whatsapp.net', 0, 0, 0, '491701234567@s.whatsapp.net'),
 (2, '491701234567-1466000000', 'g.us', 0, 0, 1, '491701234567-1466000000@g.us'),
 (3, '14155550123', 's.whatsapp.net', 0, 0, 0, '14155550123@s.whatsapp.net');
INSERT INTO chat (_id, jid_row_id, hidden, subject, created_timestamp, archived, sort_timestamp) VALUES
 (1, 1, 0, NULL, NULL, 0, 1590000000000),
 (2, 2, 0, 'Familie 👨‍👩‍👧', 1466000000000, 0, 1590000100000),
 (3, 3, 0, NULL, NULL, 1, 1590000200000);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_wa_type, latitude, longitude)
VALUES (1, '-1', 0, '-1', -1, 0, NULL, 0, '0', 0, 0);
INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_mime_type,
  media_wa_type, media_size, media_caption, latitude, longitude, remote_resource, received_timestamp, starred, forwarded) VALUES
 ('491701234567@s.whatsapp.net', 0, '3EB0C4A1F2D5E6B7A8C9', 0, 0, 'Hallo! Bist du schon in Berlin?', 1466100000123,
  NULL, '0', 0, NULL, 0, 0, NULL, 1466100000900, 0, 0),
 ('491701234567-1466000000@g.us', 0, '3EB0112233445566AABB', 0, 0, 'Wer kommt Sonntag? 🍰', 1590000100000,
  NULL, '0', 0, NULL, 0, 0, '4915112345678@s.whatsapp.net', 1590000100400, 0, 0),
 ('14155550123@s.whatsapp.net', 1, '3EB0998877665544CCDD', 13, 0, 'See you in SF — 日本語もOK', 1590000200000,
  NULL, '0', 0, NULL, 0, 0, NULL, 0, 0, 0);
