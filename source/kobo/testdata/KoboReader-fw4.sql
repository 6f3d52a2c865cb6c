-- A KoboReader.sqlite of a recent Kobo firmware (4.x, 2023-2025), written
-- by hand for hoard's tests; see README.md for what it is built from.
CREATE TABLE DbVersion(version INTEGER NOT NULL, PRIMARY KEY(version));
INSERT INTO DbVersion VALUES (174);
CREATE TABLE Bookmark (
  BookmarkID TEXT NOT NULL, VolumeID TEXT NOT NULL, ContentID TEXT NOT NULL,
  StartContainerPath TEXT NOT NULL, StartContainerChildIndex INTEGER NOT NULL, StartOffset INTEGER NOT NULL,
  EndContainerPath TEXT NOT NULL, EndContainerChildIndex INTEGER NOT NULL, EndOffset INTEGER NOT NULL,
  Text TEXT, Annotation TEXT, ExtraAnnotationData BLOB, DateCreated TEXT,
  ChapterProgress REAL NOT NULL DEFAULT 0, Hidden BOOL NOT NULL DEFAULT 0, Version TEXT, DateModified TEXT,
  Creator TEXT, UUID TEXT, UserID TEXT, SyncTime TEXT, Published BIT default false, ContextString TEXT,
  Type TEXT, Color INTEGER DEFAULT 0,
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
  FeedbackType INTEGER DEFAULT 0, AverageRating INTEGER DEFAULT 0, Depth INTEGER, PageProgressDirection TEXT,
  InWishlist BOOL NOT NULL DEFAULT FALSE, ISBN TEXT, WishlistedDate TEXT DEFAULT "0000-00-00T00:00:00.000",
  FeedbackTypeSynced INTEGER DEFAULT 0, IsSocialEnabled BOOL NOT NULL DEFAULT TRUE, EpubType INT NOT NULL DEFAULT -1,
  Monetization INTEGER DEFAULT 2, ExternalId TEXT, Series TEXT, SeriesNumber TEXT, Subtitle TEXT,
  WordCount INTEGER DEFAULT -1, Fallback TEXT, RestOfBookEstimate INTEGER, CurrentChapterEstimate INTEGER,
  CurrentChapterProgress FLOAT, PocketStatus INTEGER DEFAULT 0, UnsyncedPocketChanges TEXT, ImageUrl TEXT,
  DateAdded TEXT, WorkId TEXT, Properties TEXT, RenditionSpread TEXT, RatingCount INTEGER DEFAULT 0,
  ReviewsSyncDate TEXT, MediaOverlay TEXT, MediaOverlayType TEXT, RedirectPreviewUrl TEXT, PreviewFileSize INTEGER,
  EntitlementId TEXT, CrossRevisionId TEXT, DownloadUrl TEXT, ReadStateSynced BIT NOT NULL DEFAULT false,
  TimesStartedReading INTEGER, TimeSpentReading INTEGER, LastTimeStartedReading TEXT, LastTimeFinishedReading TEXT,
  ApplicableSubscriptions TEXT, ExternalIds TEXT, PurchaseRevisionId TEXT, SeriesID TEXT, SeriesNumberFloat REAL,
  AdobeLoanExpiration TEXT, HideFromHomePage bit, IsInternetArchive BOOL NOT NULL DEFAULT FALSE,
  titleKana TEXT, subtitleKana TEXT, seriesKana TEXT, attributionKana TEXT, publisherKana TEXT,
  IsPurchaseable BOOL DEFAULT TRUE, IsSupported BOOL DEFAULT TRUE, AnnotationsSyncToken TEXT,
  DateModified TEXT DEFAULT "0000-00-00T00:00:00.000", StorePages INTEGER DEFAULT 0, StoreWordCount INTEGER DEFAULT 0,
  StoreTimeToReadLowerEstimate INTEGER DEFAULT 0, StoreTimeToReadUpperEstimate INTEGER DEFAULT 0,
  Duration INTEGER DEFAULT 0, IsAbridged BOOL DEFAULT NULL, SyncConflictType INTEGER DEFAULT 0,
  PRIMARY KEY (ContentID));
CREATE TABLE WordList(Text TEXT, VolumeId TEXT, DictSuffix TEXT, DateCreated TEXT, PRIMARY KEY(Text));
-- The device's account, tokens included: hoard never reads this table.
CREATE TABLE user(UserID TEXT NOT NULL, UserKey TEXT NOT NULL, UserDisplayName TEXT, UserEmail TEXT,
  ___DeviceID TEXT, RefreshToken TEXT, AuthToken TEXT, AuthType TEXT, PRIMARY KEY (UserID));
INSERT INTO user VALUES ('c0ffee00-1111-2222-3333-444455556666', 'k-not-read', 'Reader', 'reader@example.org',
  'dev-0001', 'REFRESH-TOKEN-NEVER-READ', 'AUTH-TOKEN-NEVER-READ', 'kobo');

-- Books (ContentType 6): a store kepub finished last year, a sideloaded
-- Japanese epub being read, an unread sideloaded kepub, a Pocket article.
INSERT INTO content (ContentID, ContentType, MimeType, BookID, BookTitle, Title, Attribution, Publisher, ISBN,
  DateLastRead, ReadStatus, ___UserID, ___PercentRead, Language, Series, SeriesNumber, DateAdded,
  TimesStartedReading, TimeSpentReading, LastTimeStartedReading, LastTimeFinishedReading, IsDownloaded) VALUES
 ('9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', '6', 'application/x-kobo-epub+zip', NULL, NULL,
  'The Left Hand of Darkness', 'Ursula K. Le Guin', 'Ace', '9780441478125',
  '2024-03-01T18:04:11Z', 2, 'c0ffee00-1111-2222-3333-444455556666', 100, 'en', 'Hainish Cycle', '4', '2023-12-24T09:15:02Z',
  3, 41230, '2024-02-28T20:11:40Z', '2024-03-01T18:04:11Z', 1),
 ('file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub', '6', 'application/epub+zip', NULL, NULL,
  'ノルウェイの森', '村上 春樹', '講談社', '',
  '2025-01-05T22:41:07.000', 1, 'adobe_user', 37, 'ja', NULL, NULL, '2024-12-30T11:00:00Z',
  1, 9120, '2025-01-05T21:10:00.000', NULL, 1),
 ('file:///mnt/onboard/Huxley/Schöne neue Welt.kepub.epub', '6', 'application/x-kobo-epub+zip', NULL, NULL,
  'Schöne neue Welt', 'Aldous Huxley', 'Fischer', '9783596905089',
  '', 0, 'adobe_user', 0, 'de', NULL, NULL, '2025-02-14T08:30:00Z',
  0, 0, NULL, NULL, 1),
 ('https://example.org/articles/why-sqlite', '6', 'application/x-kobo-html+pocket', NULL, NULL,
  'Why SQLite succeeded 🚀', 'example.org', NULL, NULL,
  '2025-02-20T07:45:00Z', 1, 'c0ffee00-1111-2222-3333-444455556666', 55, 'en', NULL, NULL, '2025-02-19T22:00:00Z',
  1, 600, '2025-02-20T07:35:00Z', NULL, 1);
-- Chapters (ContentType 9) of the store book and of the Japanese book.
INSERT INTO content (ContentID, ContentType, MimeType, BookID, BookTitle, Title, Attribution, ___UserID, VolumeIndex) VALUES
 ('9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b!OEBPS!Text/chapter01.xhtml', '9', 'application/x-kobo-epub+zip',
  '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', 'The Left Hand of Darkness', 'A Parade in Erhenrang', NULL, 'c0ffee00-1111-2222-3333-444455556666', 1),
 ('9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b!OEBPS!Text/chapter05.xhtml', '9', 'application/x-kobo-epub+zip',
  '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', 'The Left Hand of Darkness', 'The Domestication of Hunch', NULL, 'c0ffee00-1111-2222-3333-444455556666', 5),
 ('file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub#(2)OEBPS/text/part0002.xhtml', '9', 'application/epub+zip',
  'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub', 'ノルウェイの森', '第一章', NULL, 'adobe_user', 2);

-- Highlights, annotations ("note"), a bookmarked page ("dogear"), a
-- handwritten "markup", one with DateCreated empty (DateModified set),
-- one whose book is no longer on the device, one in a Pocket article.
INSERT INTO Bookmark (BookmarkID, VolumeID, ContentID, StartContainerPath, StartContainerChildIndex, StartOffset,
  EndContainerPath, EndContainerChildIndex, EndOffset, Text, Annotation, DateCreated, ChapterProgress, Hidden,
  Version, DateModified, Creator, UUID, UserID, SyncTime, Published, ContextString, Type, Color) VALUES
 ('5b1c3e2a-0001-4d8e-9a51-7f2b8c9d0e11', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b!OEBPS!Text/chapter01.xhtml',
  'span#kobo\.12\.1', 0, 0, 'span#kobo\.12\.3', 0, 41,
  'I''ll make my report as if I told a story, for I was taught as a child on my homeworld that Truth is a matter of the imagination.',
  NULL, '2024-02-10T21:33:05.000', 0.0125, 0, '', '2024-02-10T21:33:05.000', NULL, NULL, 'c0ffee00-1111-2222-3333-444455556666',
  '2024-02-10T21:40:00Z', 'false', NULL, 'highlight', 0),
 ('5b1c3e2a-0002-4d8e-9a51-7f2b8c9d0e11', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b!OEBPS!Text/chapter05.xhtml',
  'span#kobo\.88\.2', 0, 17, 'span#kobo\.88\.4', 0, 9,
  '“To learn which questions are unanswerable, and not to answer them: this skill is most needful in times of stress and darkness.”',
  'The Foretellers — cf. Orgota 🌑' || char(10) || 'Nusuth.', '2024-02-12T07:02:59Z', 0.4375, 0, '', '2024-02-12T07:03:40Z',
  NULL, NULL, 'c0ffee00-1111-2222-3333-444455556666', '2024-02-12T07:10:00Z', 'false', NULL, 'note', 0),
 ('5b1c3e2a-0003-4d8e-9a51-7f2b8c9d0e11', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b!OEBPS!Text/chapter05.xhtml',
  'span#kobo\.120\.1', 0, 0, 'span#kobo\.120\.1', 0, 0, NULL, NULL, '2024-02-15T20:00:00.000', 0.71, 0, '',
  '2024-02-15T20:00:00.000', NULL, NULL, 'c0ffee00-1111-2222-3333-444455556666', NULL, 'false',
  'He was stubborn, and his stubbornness', 'dogear', 0),
 ('a7d2e9f0-0004-4c3b-8e21-93f0c1d2e3f4', 'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub',
  'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub#(2)OEBPS/text/part0002.xhtml',
  '/1/4/2/6:0', 0, 0, '/1/4/2/6:38', 0, 38, '死は生の対極としてではなく、その一部として存在している。',
  NULL, '2025-01-03T13:14:15.000', 0.2, 0, '', '2025-01-03T13:14:15.000', NULL, NULL, 'adobe_user', NULL, 'false', NULL, 'highlight', 2),
 ('a7d2e9f0-0005-4c3b-8e21-93f0c1d2e3f4', 'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub',
  'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub#(2)OEBPS/text/part0002.xhtml',
  '/1/4/2/12:0', 0, 0, '/1/4/2/12:20', 0, 20, '僕は三十七歳で、' || char(10) || 'そのときボーイング747のシートに座っていた。',
  '', '', 0.25, 0, '', '2025-01-04T09:00:01Z', NULL, NULL, 'adobe_user', NULL, 'false', NULL, 'highlight', 1),
 ('a7d2e9f0-0006-4c3b-8e21-93f0c1d2e3f4', 'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub',
  'file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub#(2)OEBPS/text/part0002.xhtml',
  '/1/4/2/14:0', 0, 0, '/1/4/2/14:0', 0, 0, NULL, NULL, '2025-01-05T22:30:45.000', 0.3, 0, '',
  '2025-01-05T22:30:45.000', NULL, NULL, 'adobe_user', NULL, 'false', NULL, 'markup', 0),
 ('0d0d0d0d-0007-4000-8000-000000000007', 'file:///mnt/onboard/Deleted Book.epub',
  'file:///mnt/onboard/Deleted Book.epub#(4)OEBPS/ch04.xhtml',
  '/1/4/2/2:0', 0, 0, '/1/4/2/2:12', 0, 12, 'A highlight whose book was deleted.',
  NULL, '2023-06-01T10:00:00.000', 0.5, 0, '', '2023-06-01T10:00:00.000', NULL, NULL, 'adobe_user', NULL, 'false', NULL, 'highlight', 0),
 ('e1e2e3e4-0008-4f00-a000-000000000008', 'https://example.org/articles/why-sqlite', 'https://example.org/articles/why-sqlite',
  'p#p14', 0, 0, 'p#p14', 0, 33, 'Most people never read the manual.',
  NULL, '2025-02-20T07:41:12.000', 0.55, 0, '', '2025-02-20T07:41:12.000', NULL, NULL, 'c0ffee00-1111-2222-3333-444455556666', NULL, 'false', NULL, 'highlight', 3);
INSERT INTO WordList VALUES ('kemmer', '9f8e2c1a-4b7d-4e0f-a1c3-5d6e7f809a1b', '', '2024-02-11T22:00:00.000');
