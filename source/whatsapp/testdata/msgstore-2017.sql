-- A msgstore.db of WhatsApp for Android as of 2017 (the "messages" and
-- "chat_list" generation), written by hand for hoard's tests: see README.md.
CREATE TABLE android_metadata (locale TEXT);
INSERT INTO android_metadata VALUES ('de_DE');
CREATE TABLE props (_id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, value TEXT);
INSERT INTO props (key, value) VALUES ('fts_ready', '5'), ('call_log_ready', '1');
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER,
  key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT,
  media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT, media_hash TEXT,
  media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT,
  received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER, receipt_device_timestamp INTEGER,
  read_device_timestamp INTEGER, played_device_timestamp INTEGER, raw_data BLOB, recipient_count INTEGER,
  participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER, mentioned_jids TEXT, multicast_id TEXT,
  edit_version INTEGER, media_enc_hash TEXT, payment_transaction_id TEXT, forwarded INTEGER, preview_type INTEGER,
  send_count INTEGER);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, message_table_id INTEGER,
  subject TEXT, creation INTEGER, last_read_message_table_id INTEGER, last_read_receipt_sent_message_table_id INTEGER,
  archived INTEGER, sort_timestamp INTEGER, mod_tag INTEGER, gen REAL, my_messages INTEGER, plaintext_disabled BOOLEAN,
  last_message_table_id INTEGER, unseen_message_count INTEGER, unseen_missed_calls_count INTEGER, unseen_row_count INTEGER);
-- WhatsApp's own first row: a placeholder, not a message.
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_wa_type, latitude, longitude)
VALUES (1, '-1', 0, '-1', -1, 0, NULL, 0, '0', 0, 0);
INSERT INTO chat_list (key_remote_jid, subject, creation, archived, sort_timestamp) VALUES
 ('491701234567@s.whatsapp.net', NULL, NULL, 0, 1498900000000),
 ('491701234567-1466000000@g.us', 'Familie 👨‍👩‍👧', 1466000000000, 0, 1511000000000),
 ('status@broadcast', NULL, NULL, 0, 1500000000000);
INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, needs_push, data, timestamp, media_mime_type,
  media_wa_type, media_size, media_name, media_caption, latitude, longitude, remote_resource, received_timestamp,
  starred, forwarded) VALUES
 ('491701234567@s.whatsapp.net', 0, '3EB0C4A1F2D5E6B7A8C9', 0, 0, 'Hallo! Bist du schon in Berlin?', 1466100000123,
  NULL, '0', 0, NULL, NULL, 0, 0, NULL, 1466100000900, 0, 0),
 ('491701234567@s.whatsapp.net', 1, '9F1E2D3C4B5A69788776', 13, 0, 'Ja, seit gestern 😊' || char(10) || 'Treffen um 8?', 1466100061500,
  NULL, '0', 0, NULL, NULL, 0, 0, NULL, 0, 1, 0),
 ('491701234567-1466000000@g.us', 0, '2A3B4C5D6E7F8091A2B3', 0, 0, NULL, 1466000000000,
  NULL, '0', 0, NULL, NULL, 0, 0, '491701234567@s.whatsapp.net', 1466000000000, 0, 0),
 ('491701234567-1466000000@g.us', 0, 'B1C2D3E4F5A6B7C8D9E0', 0, 0, NULL, 1498900000000,
  'image/jpeg', '1', 183422, NULL, 'Urlaub am Meer 🏖', 0, 0, '4915112345678@s.whatsapp.net', 1498900001000, 0, 0),
 ('491701234567-1466000000@g.us', 1, 'C0FFEE0011223344AABB', 13, 0, NULL, 1511000000000,
  NULL, '5', 0, NULL, NULL, 52.5200066, 13.404954, NULL, 0, 0, 0),
 ('491701234567-1466000000@g.us', 0, 'DD11EE22FF3300441122', 0, 0, 'Schön! Ünïcödé: Grüße aus Köln', 1511000100000,
  NULL, '0', 0, NULL, NULL, 0, 0, '4915112345678@s.whatsapp.net', 1511000101000, 0, 1),
 ('status@broadcast', 0, 'A0A0A0A0B1B1B1B1C2C2', 0, 0, NULL, 1500000000000,
  'video/mp4', '3', 2048000, NULL, 'Sommer ☀️', 0, 0, '491701234567@s.whatsapp.net', 1500000000500, 0, 0);
