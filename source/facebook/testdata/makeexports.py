#!/usr/bin/env python3
"""Writes two Facebook "Download Your Information" JSON exports in the
shapes they have had (2020: messages/, posts/, comments/,
likes_and_reactions/; 2024: under your_facebook_activity/, comments_v2,
a top-level array of reactions, threads in several files), with
Facebook's own encoding quirk: every string is UTF-8 read as Latin-1 and
written with \\u escapes ("Sch\\u00c3\\u00b6n"). Made-up people and
messages. Run it from this directory; its outputs are committed."""
import json, os

def mojibake(v):
    if isinstance(v, str):
        return v.encode('utf-8').decode('latin-1')
    if isinstance(v, list):
        return [mojibake(x) for x in v]
    if isinstance(v, dict):
        return {k: mojibake(x) for k, x in v.items()}
    return v

def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(json.dumps(mojibake(obj), indent=2, ensure_ascii=True))

def thread(title, path, participants, messages, kind="Regular"):
    return {"participants": [{"name": p} for p in participants], "messages": messages, "title": title,
            "is_still_participant": True, "thread_type": kind, "thread_path": path,
            "magic_words": [], "image": {"uri": "messages/photos/thread_image.jpg", "creation_timestamp": 1500000000},
            "joinable_mode": {"mode": 1, "link": ""}}

def m(sender, ms, content=None, **more):
    d = {"sender_name": sender, "timestamp_ms": ms}
    if content is not None:
        d["content"] = content
    d.update(more)
    d.setdefault("type", "Generic")
    d.setdefault("is_geoblocked_for_viewer", False)
    return d

ALICE, ME, BOB = "Alice Müller", "Me Myself", "Bob Ødegård"

# 2020
alice_2020 = [  # newest first, as Facebook writes them
    m(ALICE, 1577836800000, "Frohes neues Jahr! 🎆", reactions=[{"reaction": "❤", "actor": ME}]),
    m(ME, 1577833200500, "Bis gleich – ich bringe Käse 🧀 mit"),
    m(ALICE, 1577833140123, None, photos=[{"uri": "messages/inbox/alicemueller_ab12cd34ef/photos/10157_n.jpg", "creation_timestamp": 1577833139}]),
    m(ME, 1546300800000, "Schön, dass du da warst!"),
]
group_2020 = [
    m(BOB, 1590000000000, "Rule 1: 3-2-1 😎", reactions=[{"reaction": "👍", "actor": ALICE}, {"reaction": "😆", "actor": ME}]),
    m(ME, 1589999999999, None, share={"link": "https://www.backblaze.com/blog/the-3-2-1-backup-strategy/"}, type="Share"),
    m(ALICE, 1589990000000, "Alice Müller hat die Gruppe erstellt.", type="Generic"),
]
posts_2020 = [
    {"timestamp": 1577890000, "data": [{"post": "Neujahrsvorsatz: endlich Backups machen. 💾"}], "title": "Me Myself hat seinen Status aktualisiert."},
    {"timestamp": 1560000000, "attachments": [{"data": [{"media": {"uri": "posts/media/TimelinePhotos_abc/64278_n.jpg", "creation_timestamp": 1560000000,
        "media_metadata": {"photo_metadata": {"exif_data": [{"upload_ip": "192.0.2.10", "taken_timestamp": 1559999000}]}}, "title": "Timeline Photos", "description": "Fjord 🌊"}}]}],
     "data": [{"post": "Fjord 🌊"}], "title": "Me Myself hat ein neues Foto hinzugefügt."},
    {"timestamp": 1325790129, "attachments": [{"data": [{"external_context": {"url": "https://www.sqlite.org/whentouse.html"}}]}],
     "data": [{"post": "Lesenswert"}, {"update_timestamp": 1325790129}]},
    {"timestamp": 1338000000, "data": [], "title": "Me Myself hat mit Alice Müller Freundschaft geschlossen."},
]
comments_2020 = {"comments": [
    {"timestamp": 1580000000, "data": [{"comment": {"timestamp": 1580000000, "comment": "Großartig! 👏", "author": ME}}], "title": "Me Myself hat den Beitrag von Alice Müller kommentiert."},
    {"timestamp": 1457387286, "attachments": [{"data": [{"media": {"uri": "posts/media/stickers_used/851575_n.png"}}]}],
     "data": [{"comment": {"timestamp": 1457387286, "comment": "", "author": ME}}], "title": "Me Myself hat auf den Kommentar von Bob Ødegård geantwortet."},
]}
reactions_2020 = {"reactions": [
    {"timestamp": 1580000100, "data": [{"reaction": {"reaction": "LIKE", "actor": ME}}], "title": "Me Myself gefällt der Beitrag von Alice Müller."},
    {"timestamp": 1580000100, "data": [{"reaction": {"reaction": "HAHA", "actor": ME}}], "title": "Me Myself hat mit Haha auf den Kommentar von Bob Ødegård reagiert."},
    {"timestamp": 1257938031, "data": [{"reaction": {"reaction": "LIKE", "actor": ME}}], "title": "Me Myself gefällt der Link von Bob Ødegård."},
]}
dump('facebook-2020/messages/inbox/alicemueller_ab12cd34ef/message_1.json', thread(ALICE, "inbox/alicemueller_ab12cd34ef", [ALICE, ME], alice_2020))
dump('facebook-2020/messages/inbox/backupnerds_zz99yy88xx/message_1.json', thread("Backup nerds 💾", "inbox/backupnerds_zz99yy88xx", [ALICE, BOB, ME], group_2020, "RegularGroup"))
dump('facebook-2020/posts/your_posts_1.json', posts_2020)
dump('facebook-2020/comments/comments.json', comments_2020)
dump('facebook-2020/likes_and_reactions/posts_and_comments.json', reactions_2020)
dump('facebook-2020/profile_information/profile_information.json', {"profile": {"name": {"full_name": ME}, "emails": {"emails": ["me@example.org"]}}})

# 2024: the account was renamed (Me Myself → Me Müller), which changes
# titles; threads moved and their folders got other ids
ME2 = "Me Müller"
alice_2024_1 = [
    m(ALICE, 1709290000000, "Noch da? 😄"),
    m(ME2, 1704067200000, "Frohes neues 2024! ✨", reactions=[{"reaction": "😍", "actor": ALICE}]),
]
alice_2024_2 = [
    m(ALICE, 1577836800000, "Frohes neues Jahr! 🎆", reactions=[{"reaction": "❤", "actor": ME2}]),
    m(ME2, 1577833200500, "Bis gleich – ich bringe Käse 🧀 mit"),
    m(ALICE, 1577833140123, None, photos=[{"uri": "your_facebook_activity/messages/inbox/alicemueller_10153948362940284/photos/10157_n.jpg", "creation_timestamp": 1577833139}]),
    m(ME2, 1546300800000, "Schön, dass du da warst!"),
]
posts_2024 = [
    {"timestamp": 1700000000, "data": [{"post": "Meine Daten gehören mir. 🔐"}], "title": "Me Müller hat seinen Status aktualisiert."},
    {"timestamp": 1577890000, "data": [{"post": "Neujahrsvorsatz: endlich Backups machen. 💾"}], "title": "Me Müller hat seinen Status aktualisiert."},
]
comments_2024 = {"comments_v2": [
    {"timestamp": 1700000500, "data": [{"comment": {"timestamp": 1700000500, "comment": "Danke für den Tipp 🙏", "author": ME2}}], "title": "Me Müller hat den Beitrag von Bob Ødegård kommentiert."},
    {"timestamp": 1580000000, "data": [{"comment": {"timestamp": 1580000000, "comment": "Großartig! 👏", "author": ME2}}], "title": "Me Müller hat den Beitrag von Alice Müller kommentiert."},
]}
reactions_2024 = [
    {"timestamp": 1700000600, "data": [{"reaction": {"reaction": "LOVE", "actor": ME2}}], "title": "Me Müller gefällt der Beitrag von Bob Ødegård."},
]
dump('facebook-2024/your_facebook_activity/messages/inbox/alicemueller_10153948362940284/message_1.json', thread(ALICE, "your_facebook_activity/messages/inbox/alicemueller_10153948362940284", [ALICE, ME2], alice_2024_1))
dump('facebook-2024/your_facebook_activity/messages/inbox/alicemueller_10153948362940284/message_2.json', thread(ALICE, "your_facebook_activity/messages/inbox/alicemueller_10153948362940284", [ALICE, ME2], alice_2024_2))
dump('facebook-2024/your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json', posts_2024)
dump('facebook-2024/your_facebook_activity/comments_and_reactions/comments.json', comments_2024)
dump('facebook-2024/your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json', reactions_2024)
# a second reactions file cut short, as an interrupted download leaves it
text = json.dumps(mojibake([{"timestamp": 1700000700, "data": [{"reaction": {"reaction": "WOW", "actor": ME2}}], "title": "Me Müller hat mit Wow reagiert."},
                            {"timestamp": 1700000800, "data": [{"reaction": {"reaction": "SAD", "actor": ME2}}], "title": "Me Müller hat mit Traurig reagiert."}]), indent=2, ensure_ascii=True)
os.makedirs('facebook-2024/your_facebook_activity/comments_and_reactions', exist_ok=True)
with open('facebook-2024/your_facebook_activity/comments_and_reactions/likes_and_reactions_2.json', 'w') as f:
    f.write(text[:text.index('SAD')])
dump('facebook-2024/personal_information/profile_information/profile_information.json', {"profile_v2": {"name": {"full_name": ME2}}})
