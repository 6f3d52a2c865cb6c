#!/usr/bin/env python3
"""Writes the data files of two X (Twitter) archives in the shapes the
archives have had (the files at the top of the zip and tweets unwrapped
in 2019; data/, {"tweet": ...} and tweets.js since), with made-up
tweets, likes and direct messages. Run it from this directory; its
outputs are committed."""
import json, os

def jackson(value, indent=0):
    """The archives' pretty printer: "key" : value, [ { ... } ]."""
    pad = '  ' * indent
    if isinstance(value, dict):
        if not value:
            return '{ }'
        items = ['%s  %s : %s' % (pad, json.dumps(k, ensure_ascii=False), jackson(v, indent + 1)) for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list):
        if not value:
            return '[ ]'
        if all(not isinstance(v, (dict, list)) for v in value):
            return '[ ' + ', '.join(json.dumps(v, ensure_ascii=False) for v in value) + ' ]'
        return '[ ' + ', '.join(jackson(v, indent) for v in value) + ' ]'
    return json.dumps(value, ensure_ascii=False)

def datafile(name, part, elements):
    return 'window.YTD.%s.part%d = %s' % (name, part, jackson(elements))

WEB = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'
IOS = '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>'

def tweet(id, created, text, favs, source=WEB, mentions=(), urls=(), reply=None, edit=False, lang="en"):
    t = {}
    if edit:
        t["edit_info"] = {"initial": {"editTweetIds": [id], "editableUntil": "2023-01-01T00:00:00.000Z", "editsRemaining": "5", "isEditEligible": False}}
    t.update({"retweeted": False, "source": source,
              "entities": {"hashtags": [], "symbols": [], "user_mentions": list(mentions), "urls": list(urls)},
              "display_text_range": ["0", str(len(text))], "favorite_count": str(favs), "id_str": id, "truncated": False,
              "retweet_count": "0", "id": id, "created_at": created, "favorited": False, "full_text": text, "lang": lang})
    if reply:
        t.update({"in_reply_to_status_id_str": reply[0], "in_reply_to_status_id": reply[0], "in_reply_to_user_id": reply[1],
                  "in_reply_to_user_id_str": reply[1], "in_reply_to_screen_name": reply[2]})
    return t

old_tweets = [
    tweet("1193478612345678901", "Mon Nov 11 10:22:58 +0000 2019", "Backing up my own data, finally. #selfhosting", 3),
    tweet("1087654321098765432", "Tue Jan 22 07:05:01 +0000 2019", "Frühstück in Köln ☕🥐 — schön!", 1, source=IOS, lang="de"),
    tweet("1001122334455667788", "Thu May 31 23:59:59 +0000 2018", "@alice yes, the WAL file stays next to the database",
          0, mentions=[{"name": "Alice", "screen_name": "alice", "indices": ["0", "6"], "id_str": "22334455", "id": "22334455"}],
          reply=("1001122334455660000", "22334455", "alice")),
]
new_tweets = [
    tweet("1193478612345678901", "Mon Nov 11 10:22:58 +0000 2019", "Backing up my own data, finally. #selfhosting", 17, edit=True),
    tweet("1609459200000000001", "Sun Jan 01 00:00:00 +0000 2023", "Happy new year 🎆 from a timezone that is not UTC (but Twitter writes UTC)", 42, edit=True),
    tweet("1700000000000000002", "Fri Sep 08 12:26:40 +0000 2023", "東京は今日も暑い。#夏", 5, source=IOS, edit=True, lang="ja"),
    tweet("1760000000000000003", "Wed Feb 21 10:15:30 +0000 2024", "Reading about \"archives as snapshots\" & <escaping> https://t.co/AbCdEf",
          2, urls=[{"url": "https://t.co/AbCdEf", "expanded_url": "https://example.org/archives", "display_url": "example.org/archives", "indices": ["55", "74"]}], edit=True),
]
part1 = [
    tweet("1087654321098765432", "Tue Jan 22 07:05:01 +0000 2019", "Frühstück in Köln ☕🥐 — schön!", 4, source=IOS, edit=True, lang="de"),
    tweet("1500000000000000000", "Sat Mar 05 06:00:00 +0000 2022", "A tweet in the second part of the file", 0, edit=True),
]
deleted = [{"tweet": dict(tweet("1650000000000000004", "Sun Apr 23 08:00:00 +0000 2023", "deleting this later 🙈", 0, edit=True), deleted_at="Sun Apr 23 09:30:00 +0000 2023")}]

likes_old = [
    {"like": {"tweetId": "1190000000000000001", "fullText": "The best way to predict the future is to invent it.", "expandedUrl": "https://twitter.com/i/web/status/1190000000000000001"}},
    {"like": {"tweetId": "1180000000000000002", "fullText": "Ünïcödé everywhere: ½ ∞ ≠ 🤖", "expandedUrl": "https://twitter.com/i/web/status/1180000000000000002"}},
]
likes_new = likes_old + [
    {"like": {"tweetId": "1750000000000000003", "fullText": "SQLite is not a toy database", "expandedUrl": "https://twitter.com/i/web/status/1750000000000000003"}},
    {"like": {"tweetId": "1740000000000000004", "expandedUrl": "https://twitter.com/i/web/status/1740000000000000004"}},
]

def msg(id, sender, recipient, created, text, reactions=(), urls=()):
    m = {"recipientId": recipient, "reactions": list(reactions), "urls": list(urls), "text": text, "mediaUrls": [],
         "senderId": sender, "id": id, "createdAt": created}
    if recipient is None:
        del m["recipientId"]
    return {"messageCreate": m}

dms_old = [{"dmConversation": {"conversationId": "123456789-987654321", "messages": [
    msg("1193479000000000001", "987654321", "123456789", "2019-11-11T10:30:00.123Z", "Did you see my tweet? 😀"),
    msg("1193478900000000000", "123456789", "987654321", "2019-11-11T10:25:10.500Z", "Hi Bob!"),
]}}]
dms_new = [{"dmConversation": {"conversationId": "123456789-987654321", "messages": [
    msg("1700000100000000002", "123456789", "987654321", "2023-09-08T12:30:00.000Z", "back in Tokyo 🗼",
        reactions=[{"senderId": "987654321", "reactionKey": "like", "eventId": "1700000100000000099", "createdAt": "2023-09-08T12:31:00.000Z"}]),
    msg("1193479000000000001", "987654321", "123456789", "2019-11-11T10:30:00.123Z", "Did you see my tweet? 😀"),
    msg("1193478900000000000", "123456789", "987654321", "2019-11-11T10:25:10.500Z", "Hi Bob!"),
]}}, {"dmConversation": {"conversationId": "123456789-555000555", "messages": [
    msg("1760000200000000003", "555000555", "123456789", "2024-02-21T10:20:00.000Z", "see https://t.co/XyZ",
        urls=[{"url": "https://t.co/XyZ", "expanded": "https://example.org/x", "display": "example.org/x"}]),
]}}]
groups = [{"dmConversation": {"conversationId": "1600000000000000777", "messages": [
    {"joinConversation": {"initiatingUserId": "555000555", "participantsSnapshot": ["123456789", "555000555", "987654321"], "createdAt": "2022-09-13T12:26:40.000Z"}},
    msg("1600000000000000800", "555000555", None, "2022-09-13T12:27:00.000Z", "Welcome to the group 🎉"),
    {"conversationNameUpdate": {"initiatingUserId": "555000555", "name": "Backup nerds", "createdAt": "2022-09-13T12:28:00.000Z"}},
    msg("1600000000000000900", "123456789", None, "2022-09-13T12:29:30.250Z", "Thanks!"),
]}}]

# long posts (over 280 characters, since 2023): tweets.js holds the first 280 and a t.co link,
# note-tweet.js the whole text; the note has an id of its own
long_text = ("Backups are a practice, not a product. " * 9) + "Test your restores. 🧪"
notes = [{"noteTweet": {"noteTweetId": "1761000000000000001", "updatedAt": "2024-02-22T08:00:00.000Z",
    "lifecycle": {"value": "1", "name": "Created", "originalName": "Created", "annotations": {}},
    "createdAt": "2024-02-22T08:00:00.000Z",
    "core": {"styletags": [], "urls": [], "text": long_text, "mentions": [], "cashtags": [], "hashtags": []}}}]

os.makedirs('archive-2019', exist_ok=True)
os.makedirs('archive-2024/data', exist_ok=True)
os.makedirs('archive-2024/assets/js', exist_ok=True)
files = {
    'archive-2019/tweet.js': datafile('tweet', 0, old_tweets),
    'archive-2019/like.js': datafile('like', 0, likes_old),
    'archive-2019/direct-message.js': datafile('direct_message', 0, dms_old),
    'archive-2019/account.js': datafile('account', 0, [{"account": {"email": "me@example.org", "createdVia": "web", "username": "me", "accountId": "123456789", "createdAt": "2009-03-01T12:00:00.000Z", "accountDisplayName": "Me"}}]),
    'archive-2024/data/tweets.js': datafile('tweets', 0, [{"tweet": t} for t in new_tweets]),
    'archive-2024/data/tweets-part1.js': datafile('tweets', 1, [{"tweet": t} for t in part1]),
    'archive-2024/data/deleted-tweets.js': datafile('deleted_tweets', 0, deleted),
    'archive-2024/data/like.js': datafile('like', 0, likes_new),
    'archive-2024/data/note-tweet.js': datafile('note_tweet', 0, notes),
    'archive-2024/data/direct-messages.js': datafile('direct_messages', 0, dms_new),
    'archive-2024/data/account.js': datafile('account', 0, [{"account": {"email": "me@example.org", "createdVia": "web", "username": "me", "accountId": "123456789", "createdAt": "2009-03-01T12:00:00.000Z", "accountDisplayName": "Me"}}]),
    'archive-2024/assets/js/ondemand.App.f3c1.js': '(self.webpackChunk=self.webpackChunk||[]).push([[1],{42:function(e,t,n){"use strict";n.r(t)}}]);\n',
    'archive-2024/Your archive.html': '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Your archive</title></head><body><div id="react-root"></div><script src="assets/js/ondemand.App.f3c1.js"></script></body></html>\n',
}
group = datafile('direct_messages_group', 0, groups)
# the group conversations' file cut short, as an interrupted download leaves it
files['archive-2024/data/direct-messages-group.js'] = group[:group.index('"Thanks!"')]
for path, text in files.items():
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
