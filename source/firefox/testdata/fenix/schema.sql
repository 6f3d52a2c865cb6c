-- places.sqlite shaped after Firefox for Android's (application-services places, user_version 17),
-- made with 3.40.1 2022-12-28 by scripts/fixtures/fenix.sh, NOT by Fenix; sqlite3 .schema
CREATE TABLE moz_origins (id INTEGER PRIMARY KEY, prefix TEXT NOT NULL, host TEXT NOT NULL, rev_host TEXT NOT NULL, frecency INTEGER NOT NULL, UNIQUE (prefix, host));
CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, title LONGVARCHAR,
  visit_count_local INTEGER NOT NULL DEFAULT 0, visit_count_remote INTEGER NOT NULL DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL,
  typed INTEGER DEFAULT 0 NOT NULL, frecency INTEGER DEFAULT -1 NOT NULL, last_visit_date_local INTEGER NOT NULL DEFAULT 0,
  last_visit_date_remote INTEGER NOT NULL DEFAULT 0, guid TEXT NOT NULL UNIQUE, foreign_count INTEGER DEFAULT 0 NOT NULL,
  url_hash INTEGER DEFAULT 0 NOT NULL, description TEXT, preview_image_url TEXT, origin_id INTEGER,
  sync_status TINYINT NOT NULL DEFAULT 1, sync_change_counter INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY(origin_id) REFERENCES moz_origins(id) ON DELETE CASCADE);
CREATE TABLE moz_places_tombstones (guid TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, is_local INTEGER NOT NULL, from_visit INTEGER, place_id INTEGER NOT NULL,
  visit_date INTEGER NOT NULL, visit_type INTEGER NOT NULL,
  FOREIGN KEY(place_id) REFERENCES moz_places(id) ON DELETE CASCADE, FOREIGN KEY(from_visit) REFERENCES moz_historyvisits(id));
CREATE INDEX dateindex ON moz_historyvisits(visit_date);
CREATE TABLE moz_historyvisit_tombstones (place_id INTEGER NOT NULL, visit_date INTEGER NOT NULL, PRIMARY KEY(place_id, visit_date));
CREATE TABLE moz_meta (key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID;
