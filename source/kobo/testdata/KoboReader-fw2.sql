-- A KoboReader.sqlite of an older firmware (2.x/3.x, 2013-2015): Bookmark
-- has no Type, Color or ContextString column and content none of the
-- later reading statistics. Written by hand for hoard's tests; see
-- README.md.
CREATE TABLE DbVersion(version INTEGER NOT NULL, PRIMARY KEY(version));
INSERT INTO DbVersion VALUES (98);
CREATE TABLE Bookmark (
  BookmarkID TEXT NOT NULL, VolumeID TEXT NOT NULL, ContentID TEXT NOT NULL,
  StartContainerPath TEXT NOT NULL, StartContainerChildIndex INTEGER NOT NULL, StartOffset INTEGER NOT NULL,
  EndContainerPath TEXT NOT NULL, EndContainerChildIndex INTEGER NOT NULL, EndOffset INTEGER NOT NULL,
  Text TEXT, Annotation TEXT, ExtraAnnotationData BLOB, DateCreated TEXT,
  ChapterProgress REAL NOT NULL DEFAULT 0, Hidden BOOL NOT NULL DEFAULT 0, Version TEXT, DateModified TEXT,
  Creator TEXT, UUID TEXT, UserID TEXT, SyncTime TEXT, Published BIT default false,
  PRIMARY KEY (BookmarkID));
CREATE TABLE content(
  ContentID TEXT NOT NULL, ContentType TEXT NOT NULL, MimeType TEXT NOT NULL, BookID TEXT, BookTitle TEXT,
  ImageId TEXT, Title TEXT COLLATE NOCASE, Attribution TEXT COLLATE NOCASE, Description TEXT, DateCreated TEXT,
  ShortCoverKey TEXT, adobe_location TEXT, Publisher TEXT, IsEncrypted BOOL, DateLastRead TEXT,
  FirstTimeReading BOOL, ChapterIDBookmarked TEXT, ParagraphBookmarked INTEGER, BookmarkWordOffset INTEGER,
  NumShortcovers INTEGER, VolumeIndex INTEGER, ___NumPages INTEGER, ReadStatus INTEGER, ___SyncTime TEXT,
  ___UserID TEXT NOT NULL, PublicationId TEXT, ___FileOffset INTEGER, ___FileSize INTEGER, ___PercentRead INTEGER,
  ___ExpirationStatus INTEGER, FavouritesIndex NOT NULL DEFAULT -1, Accessibility INTEGER DEFAULT 1,
  ContentURL TEXT, Language TEXT, BookshelfTags TEXT, IsDownloaded BIT NOT NULL DEFAULT 1,
  PRIMARY KEY (ContentID));
INSERT INTO content (ContentID, ContentType, MimeType, Title, Attribution, Publisher, DateLastRead, ReadStatus,
  ___UserID, ___PercentRead, Language, IsDownloaded) VALUES
 ('file:///mnt/onboard/Tolstoy/Анна Каренина.epub', 6, 'application/epub+zip', 'Анна Каренина', 'Лев Толстой', 'Эксмо',
  '2013-11-02T08:12:45', 1, 'adobe_user', 62, 'ru', 1),
 ('file:///mnt/sd/Austen/Pride and Prejudice.epub', 6, 'application/epub+zip', 'Pride and Prejudice', 'Jane Austen', NULL,
  '2014-06-30T19:20:21.000', 2, 'adobe_user', 100, 'en', 1),
 ('file:///mnt/onboard/Tolstoy/Анна Каренина.epub#(7)OEBPS/ch07.xhtml', 9, 'application/epub+zip', 'Часть первая, VII', NULL, NULL,
  NULL, 0, 'adobe_user', 0, NULL, 1);
INSERT INTO Bookmark (BookmarkID, VolumeID, ContentID, StartContainerPath, StartContainerChildIndex, StartOffset,
  EndContainerPath, EndContainerChildIndex, EndOffset, Text, Annotation, DateCreated, ChapterProgress, Hidden,
  Version, DateModified, UserID) VALUES
 ('2c6f1a9e-1111-4b1d-8e7a-000000000001', 'file:///mnt/onboard/Tolstoy/Анна Каренина.epub',
  'file:///mnt/onboard/Tolstoy/Анна Каренина.epub#(7)OEBPS/ch07.xhtml', '/1/4/2/2:0', 0, 0, '/1/4/2/2:64', 0, 64,
  'Все счастливые семьи похожи друг на друга, каждая несчастливая семья несчастлива по-своему.', NULL,
  '2013-11-01T21:05:10.000', 0.01, 'false', '', '2013-11-01T21:05:10.000', 'adobe_user'),
 ('2c6f1a9e-2222-4b1d-8e7a-000000000002', 'file:///mnt/sd/Austen/Pride and Prejudice.epub',
  'file:///mnt/sd/Austen/Pride and Prejudice.epub#(3)OEBPS/chapter01.xhtml', '/1/4/2/2:0', 0, 0, '/1/4/2/2:120', 0, 120,
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.',
  'Ironie dès la première phrase — à relire.', '2014-06-02T06:58:00.000', 0.02, 'false', '', '2014-06-02T06:59:12.000', 'adobe_user'),
 ('2c6f1a9e-3333-4b1d-8e7a-000000000003', 'file:///mnt/sd/Austen/Pride and Prejudice.epub',
  'file:///mnt/sd/Austen/Pride and Prejudice.epub#(20)OEBPS/chapter18.xhtml', '/1/4/2/40:0', 0, 0, '/1/4/2/40:0', 0, 0,
  NULL, NULL, '2014-06-15T22:10:03.000', 0.33, 'false', '', '2014-06-15T22:10:03.000', 'adobe_user');
