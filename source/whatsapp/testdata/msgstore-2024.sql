-- A msgstore.db of 2024: messages in "message" (chat and sender by row id
-- into "chat" and "jid"), media and locations in tables of their own, and
-- "jid_map" mapping the newer @lid addresses to phone numbers. Written by
-- hand for hoard's tests: see README.md.
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL, agent INTEGER,
  device INTEGER, type INTEGER, raw_string TEXT);
CREATE UNIQUE INDEX jid_key_index ON jid (user, server, agent, device);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER, subject TEXT,
  created_timestamp INTEGER, display_message_row_id INTEGER, last_message_row_id INTEGER, last_read_message_row_id INTEGER,
  archived INTEGER, sort_timestamp INTEGER, mod_tag INTEGER, gen REAL, spam_detection INTEGER,
  unseen_message_count INTEGER, ephemeral_expiration INTEGER, group_type INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL,
  key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER, broadcast INTEGER, recipient_count INTEGER,
  participant_hash TEXT, origination_flags INTEGER, origin INTEGER, timestamp INTEGER, received_timestamp INTEGER,
  receipt_server_timestamp INTEGER, message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER,
  sort_id INTEGER NOT NULL DEFAULT 0, message_add_on_flags INTEGER, view_mode INTEGER);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, autotransfer_retry_enabled INTEGER,
  multicast_id TEXT, media_job_uuid TEXT, transferred INTEGER, transcoded INTEGER, file_path TEXT, file_size INTEGER,
  suspicious_content INTEGER, trim_from INTEGER, trim_to INTEGER, face_x INTEGER, face_y INTEGER, media_key BLOB,
  media_key_timestamp INTEGER, width INTEGER, height INTEGER, has_streaming_sidecar INTEGER, gif_attribution INTEGER,
  thumbnail_height_width_ratio REAL, direct_path TEXT, first_scan_sidecar BLOB, first_scan_length INTEGER,
  message_url TEXT, mime_type TEXT, file_length INTEGER, media_name TEXT, file_hash TEXT, media_duration INTEGER,
  page_count INTEGER, enc_file_hash TEXT, partial_media_hash TEXT, partial_media_enc_hash TEXT,
  is_animated_sticker INTEGER, original_file_hash TEXT, mute_video INTEGER, media_caption TEXT);
CREATE TABLE message_location (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, latitude REAL, longitude REAL,
  place_name TEXT, place_address TEXT, url TEXT, live_location_share_duration INTEGER,
  live_location_sequence_number INTEGER, live_location_final_latitude REAL, live_location_final_longitude REAL,
  live_location_final_timestamp INTEGER, map_download_status INTEGER);
CREATE TABLE jid_map (lid_row_id INTEGER PRIMARY KEY NOT NULL, jid_row_id INTEGER NOT NULL, sort_id INTEGER NOT NULL DEFAULT 0);
INSERT INTO jid (_id, user, server, agent, device, type, raw_string) VALUES
 (1, '491701234567', 's.whatsapp.net', 0, 0, 0, '491701234567@s.whatsapp.net'),
 (2, '491701234567-1466000000', 'g.us', 0, 0, 1, '491701234567-1466000000@g.us'),
 (3, '14155550123', 's.whatsapp.net', 0, 0, 0, '14155550123@s.whatsapp.net'),
 (4, '4915112345678', 's.whatsapp.net', 0, 0, 0, '4915112345678@s.whatsapp.net'),
 (5, 'status', 'broadcast', 0, 0, 5, 'status@broadcast'),
 (6, '81234567890123', 'lid', 0, 0, 16, '81234567890123@lid'),
 (7, '819012345678', 's.whatsapp.net', 0, 0, 0, '819012345678@s.whatsapp.net');
-- 81234567890123@lid is 819012345678's newer address
INSERT INTO jid_map (lid_row_id, jid_row_id, sort_id) VALUES (6, 7, 1);
INSERT INTO chat (_id, jid_row_id, hidden, subject, created_timestamp, archived, sort_timestamp) VALUES
 (1, 1, 0, NULL, NULL, 0, 1709290000000),
 (2, 2, 0, 'Familie 👨‍👩‍👧 2024', 1466000000000, 0, 1709290300000),
 (3, 3, 0, NULL, NULL, 1, 1590000200000),
 (4, 5, 0, NULL, NULL, 0, 1700000000000),
 (5, 6, 0, NULL, NULL, 0, 1717000000000);
INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, status, broadcast, recipient_count, origin,
  timestamp, received_timestamp, message_type, text_data, starred, sort_id) VALUES
 -- migrated from the old table: same chat, direction and id
 (2, 1, 0, '3EB0C4A1F2D5E6B7A8C9', 0, 0, 0, 0, 0, 1466100000123, 1466100000900, 0, 'Hallo! Bist du schon in Berlin?', 0, 2),
 (3, 2, 0, '3EB0112233445566AABB', 4, 0, 0, 0, 0, 1590000100000, 1590000100400, 0, 'Wer kommt Sonntag? 🍰', 0, 3),
 (4, 3, 1, '3EB0998877665544CCDD', 0, 13, 0, 0, 0, 1590000200000, 0, 0, 'See you in SF — 日本語もOK', 0, 4),
 -- new since
 (5, 1, 1, '3EB0A1A2A3A4A5A6A7A8', 0, 13, 0, 0, 0, 1709290000000, 0, 0, 'Frohe Ostern 🐣', 1, 5),
 (6, 2, 0, '3EB0B1B2B3B4B5B6B7B8', 4, 0, 0, 0, 0, 1709290100000, 1709290100700, 1, 'Oma mit Torte 🎂', 0, 6),
 (7, 2, 1, '3EB0C1C2C3C4C5C6C7C8', 0, 13, 0, 0, 0, 1709290200000, 0, 5, NULL, 0, 7),
 (8, 2, 0, '3EB0D1D2D3D4D5D6D7D8', 1, 0, 0, 0, 0, 1709290300250, 1709290301000, 9, 'Rezept.pdf', 0, 8),
 (9, 4, 0, '3EB0E1E2E3E4E5E6E7E8', 1, 0, 0, 0, 0, 1700000000000, 1700000000300, 1, NULL, 0, 9),
 (10, 5, 0, '3EB0F1F2F3F4F5F6F7F8', 0, 0, 0, 0, 0, 1717000000001, 1717000000200, 0, 'こんにちは！元気？', 0, 10),
 (11, 2, 0, '3EB0AABBCCDDEEFF0011', 4, 0, 0, 0, 0, 1717100000000, 1717100000100, 15, NULL, 0, 11);
INSERT INTO message_media (message_row_id, chat_row_id, transferred, file_path, file_size, media_key, mime_type, media_name, media_caption) VALUES
 (6, 2, 1, 'Media/WhatsApp Images/IMG-20240301-WA0004.jpg', 204811, X'6d656469612d6b65792d6e657665722d72656164', 'image/jpeg', NULL, NULL),
 (8, 2, 1, 'Media/WhatsApp Documents/Rezept.pdf', 88213, X'6d656469612d6b65792d6e657665722d72656164', 'application/pdf', 'Rezept.pdf', NULL),
 (9, 4, 0, NULL, 99120, X'6d656469612d6b65792d6e657665722d72656164', 'image/jpeg', NULL, NULL);
INSERT INTO message_location (message_row_id, chat_row_id, latitude, longitude, place_name, place_address) VALUES
 (7, 2, 48.1351253, 11.5819805, 'Viktualienmarkt', 'München');
