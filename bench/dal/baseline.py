#!/usr/bin/env python3
"""The baseline the essay describes: json.load every snapshot in name order
and keep the newest version of each item by id (a plain union merge).

    python3 bench/dal/baseline.py DIR [--items saved] [--key id]

Prints the number of merged items. Standard library only; .zst files are
not supported (the stdlib has no zstd), so run it on the uncompressed set.
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--items", default="saved")
    ap.add_argument("--key", default="id")
    a = ap.parse_args()
    merged = {}
    for name in sorted(os.listdir(a.dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(a.dir, name), "rb") as f:
            doc = json.load(f)
        for item in doc[a.items]:
            merged[item[a.key]] = item  # later files win: newest version
    print(len(merged))


if __name__ == "__main__":
    sys.exit(main())
