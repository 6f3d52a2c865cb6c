#!/usr/bin/env python3
"""Writes three Instagram "Download your information" JSON exports, one
per generation of its lists (2020: likes.json, comments.json and
saved.json at the top, arrays of [time, owner]; 2023: under
your_instagram_activity/, string_list_data and string_map_data; 2025:
arrays of label records), with messages in the Messenger format and
Meta's encoding quirk (UTF-8 read as Latin-1, \\u-escaped). Made-up
accounts and posts. Run it from this directory; its outputs are
committed."""
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
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        f.write(json.dumps(mojibake(obj), indent=2, ensure_ascii=True))

def iso(s):
    import datetime
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S+00:00')

P = lambda code: "https://www.instagram.com/p/%s/" % code

# 2020
dump('instagram-2020/likes.json', {"media_likes": [[iso(1577890000), "zoë.fotografie"], [iso(1561000000), "nordlicht_norge"]],
                                   "comment_likes": [[iso(1561000100), "nordlicht_norge"]]})
dump('instagram-2020/comments.json', {"media_comments": [[iso(1577890500), "Wunderschön! 😍", "zoë.fotografie"]]})
dump('instagram-2020/saved.json', {"saved_media": [[iso(1570000000), "kochen_mit_oma"]]})
dump('instagram-2020/profile.json', {"username": "me.myself", "name": "Me Müller"})

def thread(title, path, participants, messages):
    return {"participants": [{"name": p} for p in participants], "messages": messages, "title": title,
            "is_still_participant": True, "thread_path": path, "magic_words": []}

def m(sender, ms, content=None, **more):
    d = {"sender_name": sender, "timestamp_ms": ms}
    if content is not None:
        d["content"] = content
    d.update(more)
    d.setdefault("is_geoblocked_for_viewer", False)
    return d

# 2023
dump('instagram-2023/your_instagram_activity/likes/liked_posts.json', {"likes_media_likes": [
    {"title": "zoë.fotografie", "string_list_data": [{"href": P("B7a1Xyz"), "value": "👍", "timestamp": 1577890000}]},
    {"title": "tokyo_streets", "string_list_data": [{"href": P("Cq9Tokyo"), "value": "👍", "timestamp": 1694176000}]},
    {"title": "Café Größenwahn", "string_list_data": [{"href": P("CgCafe01"), "value": "👍", "timestamp": 1672531199}]},
]})
dump('instagram-2023/your_instagram_activity/comments/post_comments_1.json', [
    {"media_list_data": [{"uri": ""}], "string_map_data": {"Comment": {"value": "Wunderschön! 😍"}, "Media Owner": {"value": "zoë.fotografie"}, "Time": {"timestamp": 1577890500}}},
    {"media_list_data": [{"uri": ""}], "string_map_data": {"Comment": {"value": "すごい！🗼"}, "Media Owner": {"value": "tokyo_streets"}, "Time": {"timestamp": 1694176100}}},
])
dump('instagram-2023/your_instagram_activity/saved/saved_posts.json', {"saved_saved_media": [
    {"title": "kochen_mit_oma", "string_map_data": {"Saved on": {"href": P("B3Kuchen"), "timestamp": 1570000000}}},
    {"title": "tokyo_streets", "string_map_data": {"Saved on": {"href": P("Cq9Tokyo"), "timestamp": 1694176200}}},
]})
dump('instagram-2023/your_instagram_activity/messages/inbox/zoefotografie_17843211234567890/message_1.json', thread(
    "zoë.fotografie", "inbox/zoefotografie_17843211234567890", ["zoë.fotografie", "Me Müller"], [
        m("zoë.fotografie", 1694177000000, "Danke dir! Bis bald 👋", reactions=[{"reaction": "❤️", "actor": "Me Müller"}]),
        m("Me Müller", 1694176900123, None, share={"link": P("Cq9Tokyo"), "share_text": "Tokyo 🗼", "original_content_owner": "tokyo_streets"}),
        m("Me Müller", 1694176800000, "Hast du das gesehen? Schön, oder?"),
    ]))

# 2025: label records
def label_record(ts, url, owner, caption=""):
    return {"timestamp": ts, "media": [], "label_values": [
        {"label": "URL", "value": url, "href": url},
        {"label": "Caption", "value": caption},
        {"title": "Owner", "dict": [{"dict": [{"label": "URL", "value": "https://www.instagram.com/" + owner}, {"label": "Name", "value": owner.title()},
                                              {"label": "Username", "value": owner}], "title": ""}]}], "fbid": "178%013d" % ts}
dump('instagram-2025/your_instagram_activity/likes/liked_posts.json', [
    label_record(1694176000, P("Cq9Tokyo"), "tokyo_streets", "Shibuya bei Nacht 🌃"),
    label_record(1740000000, P("DFb2025x"), "zoë.fotografie", "Frühling 🌸"),
])
dump('instagram-2025/your_instagram_activity/saved/saved_posts.json', [
    label_record(1740000500, P("DFsaved1"), "kochen_mit_oma", "Apfelstrudel"),
])
dump('instagram-2025/your_instagram_activity/comments/post_comments_1.json', [
    {"media_list_data": [{"uri": ""}], "string_map_data": {"Comment": {"value": "Frühling! 🌸"}, "Media Owner": {"value": "zoë.fotografie"}, "Time": {"timestamp": 1740000100}}},
])
