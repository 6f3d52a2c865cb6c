#!/usr/bin/env bash
# Alternates hoard and the Python baseline on the data bench/dal/run.sh
# generated (run that first), to compare them at the same moment on a
# machine whose speed drifts:
#
#   bench/dal/rounds.sh [ROUNDS]     default 3
#
# Each round: hoard on zstd, Python on zstd, hoard on zstd, hoard on JSON,
# Python on JSON (hoard merges and prints one item: the baseline's work).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${BENCH_DIR:-/tmp/hoard-bench-dal}
JSON=$(ls -d "$OUT"/json-* | head -1) ZST=$(ls -d "$OUT"/zst-* | head -1)
PYZ=python3
python3 -c 'import zstandard' 2>/dev/null || PYZ=/usr/bin/python3
I=(--items saved --key id --time created_utc --format jsonl --limit 1)
for r in $(seq "${1:-3}"); do
  echo "round $r, load $(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f "  hoard zstd   %e s" "$OUT/hoard" items --dir "$ZST" "${I[@]}" >/dev/null
  /usr/bin/time -f "  python zstd  %e s" $PYZ bench/dal/baseline.py "$ZST" >/dev/null
  /usr/bin/time -f "  hoard zstd   %e s" "$OUT/hoard" items --dir "$ZST" "${I[@]}" >/dev/null
  /usr/bin/time -f "  hoard json   %e s" "$OUT/hoard" items --dir "$JSON" "${I[@]}" >/dev/null
  /usr/bin/time -f "  python json  %e s" python3 bench/dal/baseline.py "$JSON" >/dev/null
done
