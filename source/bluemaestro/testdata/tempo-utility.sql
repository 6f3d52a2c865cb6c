-- The database of BlueMaestro's older Android app (Tempo Utility), written
-- by hand for hoard's tests: see README.md.
CREATE TABLE android_metadata (locale TEXT);
INSERT INTO android_metadata VALUES ('de_DE');
CREATE TABLE info(device_database_name TEXT PRIMARY KEY, address TEXT, name TEXT, version INTEGER,
  logging_interval INTEGER, last_pointer INTEGER, mode INTEGER, last_download TEXT, thresholds TEXT,
  calibration_temp INTEGER, calibration_dewp INTEGER, calibration_press INTEGER, calibration_humi INTEGER);
INSERT INTO info VALUES ('FF:E5:A2:C3:FD:71_No Date Set', 'FF:E5:A2:C3:FD:71', 'FFE5A2C3', 27, 120, 9, 1,
  '2018-10-28 02:10:00', '', 0, 0, 0, 0);
CREATE TABLE data(log_index INTEGER PRIMARY KEY, Time TIMESTAMP, Temperature REAL, Humidity REAL, Pressure REAL, Dewpoint REAL);
-- the phone's language wrote the months: English, then German ("Juli",
-- "Aug.", "Okt."); October 28 crosses the end of summer time in Europe;
-- one reading is the sensor's known error values.
INSERT INTO data VALUES
 (0, '2018-Jul-29 23:58', 22.1, 48.0, 1012.3, 10.6),
 (1, '2018-Juli-30 00:00', 22.0, 48.2, 1012.4, 10.6),
 (2, '2018-Aug.-01 12:00', 27.5, 41.9, 1009.8, 13.3),
 (3, '2018-Aug.-01 12:02', -144.1, 100.0, 1152.5, -144.1),
 (4, '2018-Sep-30 06:30', 15.2, 70.4, 1021.0, 9.9),
 (5, '2018-Okt.-28 00:59', 12.0, 80.0, 1015.5, 8.7),
 (6, '2018-Okt.-28 01:30', 11.9, 80.3, 1015.4, 8.6),
 (7, '2018-Okt.-28 02:01', 11.8, 80.6, 1015.4, 8.6),
 (8, '2018-Oct-28 02:10', 11.8, 80.9, 1015.3, 8.6);
