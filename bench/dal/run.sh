#!/usr/bin/env bash
# Data access layer benchmark (figures in docs/benchmarks.md).
#
#   bench/dal/run.sh [S W G]      default: 365 5000 200 (about 1.5 GB of JSON)
#
# Generates the synthetic source under $BENCH_DIR (default /tmp/hoard-bench-dal,
# never inside the repository), then reports wall time and peak RSS
# (/usr/bin/time; `apt-get install -y time` if missing) of:
#   - the Python baseline (json.load every file, newest version per id),
#   - `hoard items --dir` (cold process, no index) on plain and zstd snapshots,
#     printing one item (the baseline's work: merge, no output) and all items,
#   - building the index, a refresh that finds one new file (a new process,
#     three rounds from a copy of the index) against a new process decoding
#     that one file, a warm query of all items, warm small queries,
# and runs the testing.B benchmarks (raw JSON scan, merge, warm query,
# refresh after one new snapshot vs decoding that snapshot, index build).
# bench/dal/index.sh compares the index with the merge in interleaved
# rounds (build, memory, refresh, size).
# COLD=1 drops the page cache before each timed run (needs root).
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${1:-365} W=${2:-5000} G=${3:-200}
OUT=${BENCH_DIR:-/tmp/hoard-bench-dal}
JSON=$OUT/json-$S-$W-$G ZST=$OUT/zst-$S-$W-$G
mkdir -p "$OUT"
go build -o "$OUT/hoard" ./cmd/hoard
go build -o "$OUT/gen" ./bench/dal/gen
[ -d "$JSON" ] || "$OUT/gen" -out "$JSON" -s "$S" -w "$W" -g "$G"
[ -d "$ZST" ] || "$OUT/gen" -out "$ZST" -s "$S" -w "$W" -g "$G" -zstd
echo "data: S=$S W=$W G=$G: $(du -sb "$JSON" | cut -f1) bytes of JSON in $S files; zstd: $(du -sb "$ZST" | cut -f1) bytes"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3), $(python3 --version)"

# measure LABEL CMD...: one timed run, output to $OUT/out.txt.
measure() {
  local label=$1; shift
  if [ "${COLD:-0}" = 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > "$OUT/out.txt"
  read -r wall rss user sys < "$OUT/time.txt"
  printf '%-52s wall %6.2f s  peak RSS %5d MB  (user %s s, sys %s s)  %s\n' \
    "$label" "$wall" $((rss / 1024)) "$user" "$sys" "$(head -c 60 "$OUT/out.txt" | head -1 | cut -c1-20)"
}

ITEMS=(--items saved --key id --time created_utc --format jsonl)
measure "python3 baseline.py (json)" python3 bench/dal/baseline.py "$JSON"
measure "hoard items --dir --limit 1 (json, merge only)" "$OUT/hoard" items --dir "$JSON" "${ITEMS[@]}" --limit 1
measure "hoard items --dir (json, all items printed)" "$OUT/hoard" items --dir "$JSON" "${ITEMS[@]}"
wc -l < "$OUT/out.txt" | xargs echo "  items printed:"
# The baseline on zstd snapshots decompresses them as a Python user would:
# with the zstandard module (python3-zstandard; pyenv's python3 may not see
# Debian's package, /usr/bin/python3 does), else through the zstd CLI.
PYZ=python3
python3 -c 'import zstandard' 2>/dev/null || { /usr/bin/python3 -c 'import zstandard' 2>/dev/null && PYZ=/usr/bin/python3; }
$PYZ -c 'import zstandard' 2>/dev/null && echo "zstd baseline: $PYZ with the zstandard module" || echo "zstd baseline: $PYZ through the zstd CLI (apt-get install -y python3-zstandard for the module)"
measure "python3 baseline.py (zstd)" $PYZ bench/dal/baseline.py "$ZST"
measure "hoard items --dir --limit 1 (zstd, merge only)" "$OUT/hoard" items --dir "$ZST" "${ITEMS[@]}" --limit 1
measure "hoard items --dir (zstd, all items printed)" "$OUT/hoard" items --dir "$ZST" "${ITEMS[@]}"

# A configured source over the same files, with a fresh cache directory.
# Its directory links all snapshots but the newest, which is added later
# to time a refresh that finds one new snapshot.
rm -rf "$OUT/root" "$OUT/one"
mkdir -p "$OUT/root/saved" "$OUT/one"
FILES=("$JSON"/*)
NEWEST=${FILES[-1]}
# Hard links, not symbolic ones: listing then costs what it costs on real
# files (a symbolic link takes a second stat call to follow).
for f in "${FILES[@]:0:${#FILES[@]}-1}"; do ln "$f" "$OUT/root/saved/"; done
ln "$NEWEST" "$OUT/one/"
cat > "$OUT/hoard.toml" <<TOML
root = "$OUT/root"
[sources.saved]
exporter = "file"
path = "/dev/null"
items = "saved"
key = "id"
time = "created_utc"
TOML
export XDG_CACHE_HOME=$OUT/cache
rm -rf "$XDG_CACHE_HOME"
H=("$OUT/hoard" --config "$OUT/hoard.toml")
measure "hoard items saved (builds the index, $((S - 1)) files)" "${H[@]}" items saved --format jsonl
rm -rf "$OUT/cache-before"
cp -a "$XDG_CACHE_HOME" "$OUT/cache-before"
ln "$NEWEST" "$OUT/root/saved/"
for round in 1 2 3; do
  rm -rf "$XDG_CACHE_HOME" && cp -a "$OUT/cache-before" "$XDG_CACHE_HOME" && sync
  measure "hoard items saved --limit 1 (refresh: one new file)" "${H[@]}" items saved --format jsonl --limit 1
  measure "hoard items --dir (that one file alone, --limit 1)" "$OUT/hoard" items --dir "$OUT/one" "${ITEMS[@]}" --limit 1
done
measure "hoard items --dir (that one file alone, all printed)" "$OUT/hoard" items --dir "$OUT/one" "${ITEMS[@]}"
measure "hoard items saved (warm index, all items)" "${H[@]}" items saved --format jsonl
measure "hoard items saved (warm index, all items)" "${H[@]}" items saved --format jsonl
measure "hoard query --reverse --limit 10 (warm)" "${H[@]}" query --reverse --limit 10 --format jsonl
measure "hoard query --search (warm)" "${H[@]}" query --search "zürich emoji" --limit 10 --format jsonl
cmp <("${H[@]}" items saved --format jsonl) <("$OUT/hoard" items --dir "$OUT/root/saved" --name saved "${ITEMS[@]}") \
  && echo "cached and uncached output: byte-identical"

echo "testing.B (HOARD_BENCH_DIR=$JSON):"
# ScanJSON's operation takes a few milliseconds: three of them measure mostly the first
# one's warm-up (pooled read buffers, page faults), so it runs for a second instead.
HOARD_BENCH_DIR=$JSON go test -run '^$' -bench 'ScanJSON' -benchtime 1s ./dal | grep Benchmark
HOARD_BENCH_DIR=$JSON go test -run '^$' -bench 'Merge$' -benchtime 3x ./dal | grep Benchmark
# Ten queries or refreshes each: with three, the first one's warm-up weighs a third.
HOARD_BENCH_DIR=$JSON go test -run '^$' -bench 'WarmQuery|WarmEach|RefreshOne|DecodeOne' -benchtime 10x ./internal/index | grep Benchmark
HOARD_BENCH_DIR=$JSON go test -run '^$' -bench 'Build$' -benchtime 3x ./internal/index | grep Benchmark
echo "the index against the merge, interleaved rounds: bench/dal/index.sh [ROUNDS] [OTHER_BINARY]"
