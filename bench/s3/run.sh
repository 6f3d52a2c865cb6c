#!/usr/bin/env bash
# Object-storage benchmark (figures in docs/benchmarks.md): the same source
# with root on the local disk and with root = "s3://..." on a local S3
# server (versitygw, posix backend, on the same disk and the same two cores):
#
#   bench/s3/run.sh [ROUNDS]     default 5
#
# - export: `hoard run` of a command source that prints one day of the data
#   access layer's benchmark source (a 4.4 MB JSON document; zstd), a
#   different day each run so that no run is unchanged;
# - cold read: `hoard items SOURCE --no-cache --limit 1` (no index, a new
#   process: every one of the 365 zstd snapshots listed, read and merged)
#   and building the index from nothing (`hoard items SOURCE` with an empty
#   cache).
# Local and S3 runs alternate within each round; medians and their ratios
# are printed. Files are in the page cache either way: "cold" is a new
# process with no index, not a cold disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
OUT=${BENCH_DIR:-/tmp/hoard-bench-s3}
mkdir -p "$OUT"
go build -o "$OUT/hoard" ./cmd/hoard
go build -o "$OUT/gen" ./bench/dal/gen
go build -o "$OUT/s3tool" ./bench/s3/s3tool
SYN=$OUT/synth JSON=$OUT/json
[ -d "$SYN" ] || "$OUT/gen" -out "$SYN" -s 365 -w 5000 -g 200 -zstd
[ -d "$JSON" ] || "$OUT/gen" -out "$JSON" -s 40 -w 5000 -g 200
VGW=$("$OUT/s3tool" binary)
AK=benchaccess SK=bench-secret-key-0123456789
PORT=$((20000 + RANDOM % 20000))
rm -rf "$OUT/s3data" && mkdir -p "$OUT/s3data"
"$VGW" --port 127.0.0.1:$PORT --access $AK --secret $SK posix "$OUT/s3data" > "$OUT/vgw.log" 2>&1 &
VPID=$!
trap 'kill $VPID 2>/dev/null' EXIT
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
"$OUT/s3tool" mkbucket 127.0.0.1:$PORT $AK $SK bench
"$OUT/s3tool" upload 127.0.0.1:$PORT $AK $SK bench exports/saved "$SYN"
rm -rf "$OUT/local" && mkdir -p "$OUT/local/saved" && ln "$SYN"/* "$OUT/local/saved/"
printf 'access_key_id = "%s"\nsecret_access_key = "%s"\n' $AK $SK > "$OUT/s3-secrets.toml"
chmod 600 "$OUT/s3-secrets.toml"
src='[sources.saved]
exporter = "command"
command = ["cat", "'"$OUT"'/next.json"]
extension = "json"
compression = "zstd"
items = "saved"
key = "id"
time = "created_utc"'
printf 'root = "%s"\n%s\n' "$OUT/local" "$src" > "$OUT/local.toml"
printf 'root = "s3://bench/exports"\n[s3]\nendpoint = "http://127.0.0.1:%s"\nsecrets = "%s"\n%s\n' $PORT "$OUT/s3-secrets.toml" "$src" > "$OUT/s3.toml"
cmp <("$OUT/hoard" --config "$OUT/local.toml" items saved --no-cache --format jsonl) \
    <("$OUT/hoard" --config "$OUT/s3.toml" items saved --no-cache --format jsonl) \
  && echo "the same 365 snapshots read from the local root and from the bucket: byte-identical items"
echo "data: $(ls "$SYN" | wc -l) zstd snapshots, $(du -sb "$SYN" | cut -f1) bytes; export input: $(stat -c %s "$JSON"/$(ls "$JSON" | head -1)) bytes of JSON"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3), versitygw (built by s3tool: $VGW)"

measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$OUT/out.txt" 2> "$OUT/err.txt" || { cat "$OUT/err.txt"; exit 1; }
  read -r wall rss < "$OUT/time.txt"
  echo "$name $wall $rss" >> "$OUT/times"
  printf '  %-22s %7.2f s  %5d MB\n' "$name" "$wall" $((rss / 1024))
}
rm -f "$OUT/times"
DAYS=("$JSON"/*)
n=0
for r in $(seq "$ROUNDS"); do
  echo "round $r, load $(cut -d' ' -f1 /proc/loadavg)"
  for where in local s3; do
    export XDG_STATE_HOME=$OUT/state-$where XDG_CACHE_HOME=$OUT/cache-$where
    cp "${DAYS[$((n % ${#DAYS[@]}))]}" "$OUT/next.json"; n=$((n + 1))
    measure "$where-export" "$OUT/hoard" --config "$OUT/$where.toml" run saved
    measure "$where-read-nocache" "$OUT/hoard" --config "$OUT/$where.toml" items saved --no-cache --limit 1 --format jsonl
    rm -rf "$XDG_CACHE_HOME"
    measure "$where-index-build" "$OUT/hoard" --config "$OUT/$where.toml" items saved --limit 1 --format jsonl
  done
done
python3 - "$OUT/times" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    name, wall, rss = line.split()
    t.setdefault(name, []).append((float(wall), int(rss)))
for what in ("export", "read-nocache", "index-build"):
    l, s = t["local-" + what], t["s3-" + what]
    ml, ms = statistics.median(x[0] for x in l), statistics.median(x[0] for x in s)
    print(f"{what:14} local {ml:6.2f} s ({statistics.median(x[1] for x in l)//1024} MB)   s3 {ms:6.2f} s ({statistics.median(x[1] for x in s)//1024} MB)   s3/local {ms/ml:.2f}")
PY
