#!/usr/bin/env bash
# Prune benchmark (figures in docs/benchmarks.md):
#
#   bench/prune/run.sh [ROUNDS]     default 3 (about 15 minutes here)
#
# Two sources, generated under $BENCH_DIR (default /tmp/hoard-bench-prune,
# never inside the repository):
#   - the data access layer's benchmark source (bench/dal/gen: 365 daily
#     zstd snapshots of the newest 5000 items, 200 new a day, 1% edited),
#   - 90 daily copies of a ~20 MB Firefox places.sqlite (bench/prune/browsergen,
#     zstd), about a sixth of the days without browsing.
# Each round times, with /usr/bin/time (wall, peak RSS), `hoard prune --dir`
# (a dry run: it decides and checks; --apply only adds the moves) and, for
# scale, one merge of the same snapshots (`hoard items --dir --limit 1`),
# the sources interleaved, so a noisy machine slows both alike; the medians
# and their ratio are printed. Then prune --apply runs on a hard-linked copy
# of each source and the items read before and after are compared.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
OUT=${BENCH_DIR:-/tmp/hoard-bench-prune}
mkdir -p "$OUT"
go build -o "$OUT/hoard" ./cmd/hoard
go build -o "$OUT/gen" ./bench/dal/gen
go build -o "$OUT/browsergen" ./bench/prune/browsergen
SYN=$OUT/synth FF=$OUT/firefox
[ -d "$SYN" ] || "$OUT/gen" -out "$SYN" -s 365 -w 5000 -g 200 -zstd
[ -d "$FF" ] || "$OUT/browsergen" -out "$FF" -days 90 -mb 20 -zstd
echo "synth: $(ls "$SYN" | wc -l) files, $(du -sb "$SYN" | cut -f1) bytes; firefox: $(ls "$FF" | wc -l) files, $(du -sb "$FF" | cut -f1) bytes (the first copy decompresses to $(zstd -dc "$FF"/$(ls "$FF" | head -1) | wc -c) bytes)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
export XDG_STATE_HOME=$OUT/state XDG_CACHE_HOME=$OUT/cache
SYNF=(--items saved --key id --time created_utc)
FFF=(--decoder firefox)

# measure NAME CMD...: one timed run; appends "NAME wall rss" to $OUT/times.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$OUT/out.txt"
  read -r wall rss < "$OUT/time.txt"
  echo "$name $wall $rss" >> "$OUT/times"
  printf '  %-28s %7.2f s  %5d MB\n' "$name" "$wall" $((rss / 1024))
}
rm -f "$OUT/times"
for r in $(seq "$ROUNDS"); do
  echo "round $r, load $(cut -d' ' -f1 /proc/loadavg)"
  measure ff-prune "$OUT/hoard" prune --dir "$FF" "${FFF[@]}" --json
  cp "$OUT/out.txt" "$OUT/ff-prune.json"
  measure syn-read "$OUT/hoard" items --dir "$SYN" "${SYNF[@]}" --limit 1
  measure ff-read "$OUT/hoard" items --dir "$FF" "${FFF[@]}" --limit 1
  measure syn-prune "$OUT/hoard" prune --dir "$SYN" "${SYNF[@]}" --json
  cp "$OUT/out.txt" "$OUT/syn-prune.json"
done
python3 - "$OUT" <<'PY'
import json, statistics, sys
out = sys.argv[1]
t = {}
for line in open(out + "/times"):
    name, wall, rss = line.split()
    t.setdefault(name, []).append((float(wall), int(rss)))
def med(name, i): return statistics.median(x[i] for x in t[name])
for src in ("syn", "ff"):
    r = json.load(open(f"{out}/{src}-prune.json"))[0]
    print(f"{src}: {r['snapshots']} snapshots, {len(r['removed'])} can go, {r['bytes_freed']} bytes freed "
          f"({r['items_compared']} items, {r['versions_compared']} versions compared); kept: {r['kept']}")
    print(f"  prune: median {med(src+'-prune', 0):.2f} s, peak RSS {med(src+'-prune', 1)//1024} MB; "
          f"one merge: {med(src+'-read', 0):.2f} s, {med(src+'-read', 1)//1024} MB; "
          f"ratio of medians {med(src+'-prune', 0)/med(src+'-read', 0):.2f}")
PY

# --apply on hard-linked copies (deleting a link leaves the original):
# what hoard items prints is the same before and after.
for src in synth firefox; do
  rm -rf "$OUT/apply-$src" && mkdir "$OUT/apply-$src" && ln "$OUT/$src"/* "$OUT/apply-$src/"
  if [ $src = synth ]; then F=("${SYNF[@]}"); else F=("${FFF[@]}"); fi
  before=$("$OUT/hoard" items --dir "$OUT/apply-$src" --name $src "${F[@]}" | sha256sum)
  "$OUT/hoard" prune --dir "$OUT/apply-$src" "${F[@]}" --apply --delete > "$OUT/apply.txt"
  head -1 "$OUT/apply.txt"
  after=$("$OUT/hoard" items --dir "$OUT/apply-$src" --name $src "${F[@]}" | sha256sum)
  [ "$before" = "$after" ] && echo "$src: items after prune --apply: identical ($(ls "$OUT/apply-$src" | wc -l) files left)" || { echo "$src: ITEMS DIFFER after prune"; exit 1; }
done
