-- The database of BlueMaestro's newer Android apps (Tempo Plus, bmLogger):
-- one table of readings per download, DEVICE_DOWNLOADMS_log, readings
-- times ten. Written by hand for hoard's tests: see README.md.
CREATE TABLE settingsv2 (id INTEGER PRIMARY KEY AUTOINCREMENT, units TEXT, ssid TEXT, password TEXT, awsusername TEXT,
  awspassword TEXT, awsautologin INTEGER, locationServices INTEGER, backgroundAlerts INTEGER, settingsLock INTEGER,
  emailForExporting TEXT, phoneSetsTimestamps INTEGER, soundAlerts INTEGER, phoneLocation INTEGER, imagesFeatures INTEGER,
  trackCalibration INTEGER);
INSERT INTO settingsv2 (units, ssid, password, awsusername, awspassword) VALUES ('C', 'home', 'WIFI-PASSWORD-NEVER-READ', 'me', 'AWS-PASSWORD-NEVER-READ');
CREATE TABLE "ABCDEFGH_info"(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, userName TEXT, mac TEXT, version INTEGER,
  lastDownloadTableName TEXT, calcReferenceUnix INTEGER, downloadUnix INTEGER, lng TEXT, lat TEXT, shortDescription TEXT);
INSERT INTO "ABCDEFGH_info" (name, userName, mac, version, lastDownloadTableName, calcReferenceUnix, downloadUnix)
  VALUES ('ABCDEFGH', 'Wohnzimmer 🛋', 'D4:0A:1B:2C:3D:4E', 23, 'ABCDEFGH_1598438706988_log', 0, 1598438706988);
CREATE TABLE "ABCDEFGH_1598338820203_log"(id INTEGER PRIMARY KEY AUTOINCREMENT, unix INTEGER, tempReadings INTEGER,
  humiReadings INTEGER, pressReadings INTEGER, dewpReadings INTEGER);
CREATE TABLE "ABCDEFGH_1598338820203_meta"(id INTEGER PRIMARY KEY AUTOINCREMENT, name STRING, mac STRING, downloadUnix INTEGER,
  referenceUnix INTEGER, logCount INTEGER, interval INTEGER);
CREATE TABLE "ABCDEFGH_1598438706988_log"(id INTEGER PRIMARY KEY AUTOINCREMENT, unix INTEGER, tempReadings INTEGER,
  humiReadings INTEGER, pressReadings INTEGER, dewpReadings INTEGER);
CREATE TABLE "ABCDEFGH_1598438706988_meta"(id INTEGER PRIMARY KEY AUTOINCREMENT, name STRING, mac STRING, downloadUnix INTEGER,
  referenceUnix INTEGER, logCount INTEGER, interval INTEGER);
-- the first download: 100 readings a minute apart, the last at the download
INSERT INTO "ABCDEFGH_1598338820203_log" (unix, tempReadings, humiReadings, pressReadings, dewpReadings)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)
  SELECT 1598338820203 - (99 - i) * 60000, 213 + i % 7, 552 - i % 5, 10132 + i % 3, 119 + i % 4 FROM n;
INSERT INTO "ABCDEFGH_1598338820203_meta" (name, mac, downloadUnix, referenceUnix, logCount, interval)
  VALUES ('ABCDEFGH', 'D4:0A:1B:2C:3D:4E', 1598338820203, 0, 100, 60);
-- the second: the ring buffer still held the last 10 of them, given new
-- times 17 s off, then 190 new readings
INSERT INTO "ABCDEFGH_1598438706988_log" (unix, tempReadings, humiReadings, pressReadings, dewpReadings)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
  SELECT 1598338820203 - 600000 + 17000 + i * 60000, 220 - i % 9, 540 + i % 6, 10120 + i % 4, 121 - i % 3 FROM n;
INSERT INTO "ABCDEFGH_1598438706988_meta" (name, mac, downloadUnix, referenceUnix, logCount, interval)
  VALUES ('ABCDEFGH', 'D4:0A:1B:2C:3D:4E', 1598438706988, 0, 200, 60);
-- a second logger, below freezing, without an info table
CREATE TABLE "QRSTUVWX_1598438800000_log"(id INTEGER PRIMARY KEY AUTOINCREMENT, unix INTEGER, tempReadings INTEGER,
  humiReadings INTEGER, pressReadings INTEGER, dewpReadings INTEGER);
INSERT INTO "QRSTUVWX_1598438800000_log" (unix, tempReadings, humiReadings, pressReadings, dewpReadings)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29)
  SELECT 1598438800000 - (29 - i) * 600000, -185 + i, 903, 10001, -201 + i FROM n;
-- bmLogger's "omnibus" tables repeat the last download: not read
CREATE TABLE "omnibus_1598438706988_log"(id INTEGER PRIMARY KEY AUTOINCREMENT, unix INTEGER, tempReadings INTEGER,
  humiReadings INTEGER, pressReadings INTEGER, dewpReadings INTEGER);
INSERT INTO "omnibus_1598438706988_log" (unix, tempReadings, humiReadings, pressReadings, dewpReadings) VALUES (1598438706988, 1, 1, 1, 1);
