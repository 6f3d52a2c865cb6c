-- browser.db shaped after Fennec's (PRAGMA user_version 39),
-- made with 3.40.1 2022-12-28 by scripts/fixtures/fennec.sh, NOT by Fennec; sqlite3 .schema
CREATE TABLE history (_id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, url TEXT NOT NULL, visits INTEGER NOT NULL DEFAULT 0,
  visits_local INTEGER NOT NULL DEFAULT 0, visits_remote INTEGER NOT NULL DEFAULT 0, favicon_id INTEGER, date INTEGER,
  date_local INTEGER NOT NULL DEFAULT 0, date_remote INTEGER NOT NULL DEFAULT 0, created INTEGER, modified INTEGER,
  guid TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sqlite_sequence(name,seq);
CREATE TABLE visits (_id INTEGER PRIMARY KEY AUTOINCREMENT, history_guid TEXT NOT NULL, visit_type TINYINT NOT NULL DEFAULT 1,
  date INTEGER NOT NULL, is_local TINYINT NOT NULL DEFAULT 1,
  FOREIGN KEY (history_guid) REFERENCES history(guid) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE UNIQUE INDEX history_guid_index ON history(guid);
CREATE INDEX history_url_index ON history(url);
CREATE UNIQUE INDEX visits_history_guid_and_date_visited_index ON visits(history_guid, date);
CREATE TABLE bookmarks (_id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, url TEXT, type INTEGER NOT NULL DEFAULT 1,
  parent INTEGER, position INTEGER NOT NULL, keyword TEXT, description TEXT, tags TEXT, favicon_id INTEGER, created INTEGER,
  modified INTEGER, guid TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, localVersion INTEGER NOT NULL DEFAULT 1,
  syncVersion INTEGER NOT NULL DEFAULT 0);
