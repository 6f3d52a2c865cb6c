#!/usr/bin/env bash
# End-to-end refresh after one new snapshot, in milliseconds (figures in
# docs/benchmarks.md). Uses what bench/dal/run.sh left in $BENCH_DIR (run it
# first): the index of all snapshots but the newest, and that newest file
# alone in a directory.
#
#   bench/dal/refresh.sh [ROUNDS] [OTHER_HOARD_BINARY]
#
# Each round restores the index as it was before the newest snapshot, then
# times, each in a new process:
#   - `hoard items saved --limit 1`: finds the new snapshot, refreshes the
#     index, prints one item;
#   - `hoard items --dir` on the newest snapshot alone (--limit 1): the time
#     to decode that one file, which the refresh is compared with;
#   - with OTHER_HOARD_BINARY (say, a build of an older commit), the same
#     refresh with it, alternated with this tree's, for an A/B comparison;
#   - a warm `hoard items saved --limit 1` (nothing to refresh).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${BENCH_DIR:-/tmp/hoard-bench-dal}
ROUNDS=${1:-8}
OTHER=${2:-}
[ -d "$OUT/cache-before" ] && [ -d "$OUT/one" ] || { echo "run bench/dal/run.sh first" >&2; exit 2; }
go build -o "$OUT/hoard" ./cmd/hoard
export XDG_CACHE_HOME=$OUT/cache
H=(--config "$OUT/hoard.toml" items saved --format jsonl --limit 1)
ONE=(items --dir "$OUT/one" --items saved --key id --time created_utc --format jsonl --limit 1)

# ms CMD...: wall milliseconds of one run, output discarded.
ms() {
  local start
  start=$(date +%s%N)
  "$@" > /dev/null
  echo $((($(date +%s%N) - start) / 1000000))
}

# refresh BINARY: restore the index, then time a refresh with BINARY.
refresh() {
  rm -rf "$XDG_CACHE_HOME" && cp -a "$OUT/cache-before" "$XDG_CACHE_HOME" && sync
  ms "$1" "${H[@]}"
}

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  ours=$(refresh "$OUT/hoard")
  line="round $r: refresh $ours ms"
  [ -n "$OTHER" ] && line="$line (other binary: $(refresh "$OTHER") ms)"
  one=$(ms "$OUT/hoard" "${ONE[@]}")
  warm=$(ms "$OUT/hoard" "${H[@]}")
  echo "$line, one file alone $one ms, ratio $(awk "BEGIN { printf \"%.2f\", $ours / $one }"), warm --limit 1 $warm ms"
done
