-- cookies.sqlite written by Mozilla Firefox 153.8.0esr (Debian firefox-esr 153.8.0esr-1~deb12u1)
-- PRAGMA user_version = 17; page_size = 32768
-- made by scripts/fixtures/firefox_cookies.sh; dumped with sqlite3 .schema
CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes));
