#!/usr/bin/env python3
"""Writes Telegram Desktop exports in the shape its JSON writer gives
them (export_output_json.cpp): one space of indentation per level,
"date" in the exporting computer's zone (here Europe/Berlin) and
"date_unixtime" since version 3.x, "from_id" as "user123" since 2.x (a
number before), text as a string or an array of strings and entities,
control characters written as \\xHH. Run it from this directory; its
outputs are committed."""
import datetime, json, os
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

def local(unix):
    return datetime.datetime.fromtimestamp(unix, BERLIN).strftime('%Y-%m-%dT%H:%M:%S')

def message(id, unix, sender, sender_id, text, gen=3, **more):
    m = {"id": id, "type": "message", "date": local(unix)}
    if gen >= 3:
        m["date_unixtime"] = str(unix)
    m["from"] = sender
    m["from_id"] = ("user%d" % sender_id) if gen >= 2 else sender_id
    m.update(more)
    m["text"] = text
    if gen >= 3:
        if isinstance(text, str):
            m["text_entities"] = [{"type": "plain", "text": text}] if text else []
        else:
            m["text_entities"] = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in text]
    return m

def service(id, unix, actor, actor_id, action, gen=3, **more):
    m = {"id": id, "type": "service", "date": local(unix)}
    if gen >= 3:
        m["date_unixtime"] = str(unix)
    m.update({"actor": actor, "actor_id": "user%d" % actor_id, "action": action})
    m.update(more)
    m["text"] = ""
    if gen >= 3:
        m["text_entities"] = []
    return m

ME, ALICE, BOB = 111222333, 123456789, 987654321

alice_new = [
    message(1, 1619863200, "Алиса", ALICE, "Привет! 👋"),
    message(2, 1619863262, "Me", ME, ["See ", {"type": "link", "text": "https://telegram.org/faq"}, " and ", {"type": "bold", "text": "read it"}, "!"]),
    message(3, 1619866800, "Алиса", ALICE, "line one\nline two\twith a tab and a vertical\x0btab"),
    message(4, 1619870400, "Me", ME, "", photo="photos/photo_1@01-05-2021_14-00-00.jpg", width=1280, height=960),
    message(5, 1622505600, "Алиса", ALICE, "summer time in Berlin ☀", edited=local(1622505660), edited_unixtime="1622505660", reply_to_message_id=3),
]
# the same chat exported in 2020, before date_unixtime (times in the
# exporting computer's zone only) and with numeric from_id
alice_old = [
    message(1, 1619863200 - 86400 * 400, "Алиса", ALICE, "Hallo aus 2020", gen=1),
    message(2, 1619863200 - 86400 * 399, "Me", ME, ["Grüße ", {"type": "mention", "text": "@alice"}], gen=1),
]
alice_old[0]["id"], alice_old[1]["id"] = 0 + 101, 102

def chat(name, typ, id, messages):
    c = {}
    if name is not None:
        c["name"] = name
    c.update({"type": typ, "id": id, "messages": messages})
    return c

group = chat("Backup nerds 💾", "private_supergroup", 1500600700, [
    service(1, 1672531200, "Bob", BOB, "create_group", title="Backup nerds 💾", members=["Bob", "Me"]),
    message(2, 1672531260, "Bob", BOB, "Welcome! Rule 1: 3-2-1."),
    message(3, 1672531320, "Me", ME, ["Rule 2: test the ", {"type": "italic", "text": "restore"}]),
    service(4, 1672617600, "Bob", BOB, "pin_message", message_id=2),
    message(5, 1704067199, "Bob", BOB, "the last second of 2023 in UTC", forwarded_from="Alice"),
])
saved = chat(None, "saved_messages", ME, [
    message(1, 1700000000, "Me", ME, "note to self: the key is in the drawer"),
])
channel = chat("hoard news", "public_channel", 1777888999, [
    {"id": 10, "type": "message", "date": local(1709280000), "date_unixtime": "1709280000", "from": "hoard news", "from_id": "channel1777888999",
     "author": "maintainer", "text": [{"type": "hashtag", "text": "#release"}, " 1.0 is out"],
     "text_entities": [{"type": "hashtag", "text": "#release"}, {"type": "plain", "text": " 1.0 is out"}]},
])
left = chat("Old flat share", "private_group", 42424242, [
    message(7, 1546300800, "Carol", 555666777, "Who took my cheese?"),
])

account = {
    "about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't sell your data.",
    "personal_information": {"user_id": ME, "first_name": "Me", "last_name": "", "phone_number": "+49 151 23456789", "username": "@me_myself", "bio": "🗄"},
    "profile_pictures": [{"date": local(1600000000), "date_unixtime": "1600000000", "photo": "profile_pictures/photo_1@13-09-2020_14-26-40.jpg"}],
    "contacts": {"about": "If you allow access, Telegram continuously synchronizes your contacts.", "list": [
        {"user_id": ALICE, "first_name": "Алиса", "last_name": "", "phone_number": "+7 900 1234567", "date": local(1500000000), "date_unixtime": "1500000000"}]},
    "frequent_contacts": {"about": "This rating shows which people you are likely to message frequently.", "list": [
        {"id": ALICE, "category": "people", "type": "user", "name": "Алиса", "rating": 0.86}]},
    "chats": {"about": "This page lists all chats from this export.", "list": [
        chat("Алиса", "personal_chat", ALICE, alice_new + [message(6, 1709290000, "Me", ME, "still here in 2024?")]),
        group, saved, channel]},
    "left_chats": {"about": "This page lists all supergroups and channels from this export that you've left.", "list": [left]},
}

def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(obj, indent=1, ensure_ascii=False)
    # Telegram Desktop's writer: control characters as \xHH
    text = text.replace('\\u000b', '\\x0B')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)

dump('ChatExport_2020-03-28/result.json', chat("Алиса", "personal_chat", ALICE, alice_old))
dump('ChatExport_2021-06-01/result.json', chat("Алиса", "personal_chat", ALICE, alice_new))
dump('DataExport_2024-03-01/result.json', account)
