#!/usr/bin/env bash
# One huge value (figures in docs/benchmarks.md): a zstd snapshot whose
# first item holds a single string of 50, 100 and 200 MB, read with
# `hoard items --dir --limit 1` in a new process each time; wall seconds and
# peak RSS (/usr/bin/time). The time should grow linearly with the value.
#
#   bench/dal/huge.sh [ROUNDS] [OTHER_HOARD_BINARY]
#
# With OTHER_HOARD_BINARY (a build of an older commit), each round runs it
# right after this tree's build, for an interleaved A/B comparison.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${BENCH_DIR:-/tmp/hoard-bench-huge}
ROUNDS=${1:-3}
OTHER=${2:-}
mkdir -p "$OUT"
go build -o "$OUT/hoard" ./cmd/hoard
for mb in 50 100 200; do
  f=$OUT/$mb/20240101T000000Z.json.zst
  [ -f "$f" ] && continue
  mkdir -p "$OUT/$mb"
  # [{"id":1,"text":"abcdefgh abcdefgh ..."},{"id":2}], MB megabytes of text.
  { printf '[{"id":1,"text":"'
    head -c $((mb << 20)) < <(yes 'abcdefgh' | tr '\n' ' ')
    printf '"},{"id":2}]'; } | zstd -q -o "$f"
done
run() { # BINARY MB: "seconds peak-KiB"
  { /usr/bin/time -f '%e %M' "$1" items --dir "$OUT/$2" --key id --limit 1 > /dev/null; } 2>&1 | tail -n 1
}
echo "round size binary seconds peak_rss_kib"
for r in $(seq "$ROUNDS"); do
  for mb in 50 100 200; do
    echo "$r ${mb}MB this $(run "$OUT/hoard" "$mb")"
    [ -z "$OTHER" ] || echo "$r ${mb}MB other $(run "$OTHER" "$mb")"
  done
done
