"""Read your hoard from Python, through the web app's HTTP API.

Start the web app (``hoard serve``, or ``hoard up``), then::

    from hoard_client import Hoard

    h = Hoard()                                  # http://127.0.0.1:8383
    for item in h.items("firefox", q="sqlite", limit=10, reverse=True):
        print(item["time"], item.get("title"), item["raw"]["url"])

    for s in h.sources():
        print(s["source"], s["state"], s["doctor"]["items"])

Each item is the dict of one line of ``hoard items --format jsonl``:
source, kind, key, time (absent when the item has none), title, url, text
(absent when empty), first_seen, last_seen, and raw, the item as its newest
snapshot holds it. ``parse_time`` turns the times into datetimes.

Only the standard library is used (Python 3.8 or newer). A server started
with --token-file wants its token: ``Hoard(token_file="~/.config/hoard/web-token")``.
A stream that breaks off (the server failed mid-way) raises an error rather
than ending quietly.
"""

import datetime
import json
import os
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["Hoard", "HoardError", "parse_time"]


class HoardError(Exception):
    """The server refused a request; the message is the server's."""


def parse_time(text):
    """Parse one of hoard's RFC 3339 UTC times ("2024-05-01T12:00:00.5Z")."""
    if text is None:
        return None
    base, _, frac = text.rstrip("Z").partition(".")
    t = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    if frac:
        t = t.replace(microsecond=int(frac[:6].ljust(6, "0")))
    return t.replace(tzinfo=datetime.timezone.utc)


class Hoard:
    """A client of one hoard web app."""

    def __init__(self, url="http://127.0.0.1:8383", token=None, token_file=None, timeout=60):
        self.url = url.rstrip("/")
        if token is None and token_file is not None:
            with open(os.path.expanduser(token_file)) as f:
                token = f.readline().strip()
        self.token = token
        self.timeout = timeout

    def _open(self, path, params=None):
        query = urllib.parse.urlencode(params or {}, doseq=True)
        req = urllib.request.Request(self.url + path + ("?" + query if query else ""))
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            try:
                message = json.load(e).get("error", e.reason)
            except ValueError:
                message = e.reason
            raise HoardError("%s %s: %s" % (e.code, path, message)) from None

    def sources(self):
        """Every source: its status (as `hoard status --json`) and, for a
        configured one, the doctor's report under "doctor"."""
        with self._open("/api/sources") as resp:
            return json.load(resp)

    def items(self, source=None, kind=None, q=None, after=None, before=None,
              within=None, limit=None, reverse=False):
        """Yield items in hoard's order (by time; newest first with reverse).

        source and kind are a name or a list of names (all when None); q
        holds words that must all appear; after and before are datetimes
        or text such as "2024-05-01" (no zone: UTC); within is a duration
        such as "2w"; limit caps the number of items.
        """
        params = {}
        for name, value in (("source", source), ("kind", kind)):
            if value is not None:
                params[name] = [value] if isinstance(value, str) else list(value)
        for name, value in (("after", after), ("before", before)):
            if isinstance(value, datetime.datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                value = value.isoformat() + "Z"
            if value is not None:
                params[name] = value
        for name, value in (("q", q), ("within", within), ("limit", limit)):
            if value is not None:
                params[name] = value
        if reverse:
            params["reverse"] = "true"
        with self._open("/api/items", params) as resp:
            for line in resp:
                yield json.loads(line)


def _main(argv):
    import argparse

    p = argparse.ArgumentParser(description="Print items from a hoard web app, one JSON line each.")
    p.add_argument("--url", default=os.environ.get("HOARD_URL", "http://127.0.0.1:8383"))
    p.add_argument("--token-file")
    p.add_argument("--kind")
    p.add_argument("--q")
    p.add_argument("--limit", type=int)
    p.add_argument("--reverse", action="store_true")
    p.add_argument("source", nargs="*")
    a = p.parse_args(argv)
    h = Hoard(a.url, token_file=a.token_file)
    for item in h.items(a.source or None, kind=a.kind, q=a.q, limit=a.limit, reverse=a.reverse):
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    import sys

    _main(sys.argv[1:])
