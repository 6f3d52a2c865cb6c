#!/usr/bin/env bash
# Archive reader benchmark (figures in docs/benchmarks.md).
#
#   bench/archive/run.sh [SIZE] [RUNS]     default: 1073741824 (1 GiB of JSON), best of 2
#
# Generates, under $BENCH_DIR (default /tmp/hoard-bench-archive, never inside
# the repository), a zip of 64 deflated JSON members (bench/archive/gen), the
# same members as 64 plain JSON snapshots, and the same as one .tar.zst; then
# reports wall time and peak RSS (/usr/bin/time) of:
#   - unzip -p ARCHIVE | wc -c, the bar (inflating alone);
#   - bench/archive/read: every record of the zip through dal.Archive, no merge
#     (the reader's own cost and memory);
#   - zstd -dc | wc -c and read on the .tar.zst;
#   - hoard items --dir on the zip and on the plain snapshots (a union merge
#     of 2.2 million distinct items, all printed): the merged result's cost,
#     the same whichever way the items are stored.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=${1:-1073741824} RUNS=${2:-2}
OUT=${BENCH_DIR:-/tmp/hoard-bench-archive}
ZIPDIR=$OUT/zip PLAIN=$OUT/plain TARDIR=$OUT/tar
mkdir -p "$OUT" "$ZIPDIR" "$TARDIR"
go build -o "$OUT/hoard" ./cmd/hoard
go build -o "$OUT/gen" ./bench/archive/gen
go build -o "$OUT/read" ./bench/archive/read
ZIP=$ZIPDIR/20240101T000000Z.zip TAR=$TARDIR/20240101T000000Z.tar.zst
[ -f "$ZIP" ] || "$OUT/gen" -out "$ZIP" -size "$SIZE"
if [ ! -d "$PLAIN" ]; then
  tmp=$OUT/unpacked; rm -rf "$tmp"; mkdir -p "$tmp" "$PLAIN"
  (cd "$tmp" && unzip -q "$ZIP")
  i=0
  for f in "$tmp"/Takeout/My\ Activity/*/MyActivity.json; do
    mv "$f" "$PLAIN/$(printf '20240101T00%02d00Z.json' "$i")"; i=$((i + 1))
  done
  rm -rf "$tmp"
fi
[ -f "$TAR" ] || tar -C "$PLAIN" -cf - . | zstd -q -T0 -3 > "$TAR"
echo "data: $(du -sb "$PLAIN" | cut -f1) bytes of JSON; zip $(stat -c %s "$ZIP") bytes; tar.zst $(stat -c %s "$TAR") bytes"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3), $(unzip -v | head -1 | cut -d' ' -f1-2)"

best() { # best of RUNS: LABEL COMMAND...
  local label=$1; shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %M" -o "$OUT/time" sh -c "$*" > /dev/null
    cat "$OUT/time"
  done | sort -n | head -1 | awk -v l="$label" '{printf "%-44s %7.2f s wall %7.2f s user %9.1f MiB peak RSS\n", l, $1, $2, $3/1024}'
}
best "unzip -p ARCHIVE | wc -c" "unzip -p '$ZIP' | wc -c"
best "read (dal.Archive, zip)" "'$OUT/read' '$ZIP'"
best "zstd -dc TAR | wc -c" "zstd -dc '$TAR' | wc -c"
best "read (dal.Archive, tar.zst)" "'$OUT/read' '$TAR'"
best "hoard items --dir (zip, union, all printed)" "'$OUT/hoard' items --dir '$ZIPDIR' --key id --time time --members '**/*.json' --format jsonl"
best "hoard items --dir (64 plain JSON files)" "'$OUT/hoard' items --dir '$PLAIN' --key id --time time --format jsonl"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
