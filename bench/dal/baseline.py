#!/usr/bin/env python3
"""The baseline the essay describes: json.load every snapshot in name order
and keep the newest version of each item by id (a plain union merge).

    python3 bench/dal/baseline.py DIR [--items saved] [--key id]

Prints the number of merged items. Reads .json and .json.zst files: .zst
with the zstandard module if it is installed (Debian: python3-zstandard),
else through the zstd command line tool.
"""
import argparse
import json
import os
import subprocess
import sys

try:
    import zstandard
except ImportError:
    zstandard = None


def load(path):
    if not path.endswith(".zst"):
        with open(path, "rb") as f:
            return json.load(f)
    if zstandard is not None:
        with open(path, "rb") as f:
            dctx = zstandard.ZstdDecompressor()
            return json.load(dctx.stream_reader(f, read_across_frames=True))
    out = subprocess.run(["zstd", "-dcq", "--", path], stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--items", default="saved")
    ap.add_argument("--key", default="id")
    a = ap.parse_args()
    merged = {}
    for name in sorted(os.listdir(a.dir)):
        if not name.endswith((".json", ".json.zst")):
            continue
        doc = load(os.path.join(a.dir, name))
        for item in doc[a.items]:
            merged[item[a.key]] = item  # later files win: newest version
    print(len(merged))


if __name__ == "__main__":
    sys.exit(main())
