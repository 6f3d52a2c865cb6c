#!/usr/bin/env bash
# Web app benchmark (figures in docs/benchmarks.md).
#
#   bench/web/run.sh [ROUNDS]      default 20 requests of each page
#
# Serves the data access layer's benchmark source (bench/dal/gen, S=365
# W=5000 G=200: 77,800 items in 365 daily snapshots, 1.5 GB of JSON) with
# `hoard serve`, its index built first, and reports for each page the server
# time (the Server-Timing header: from the request's arrival to the page
# rendered) and the client's total (curl, loopback), min / median / max over
# ROUNDS requests; then the server's peak RSS (VmHWM, and sampled: its own
# memory apart from the index pages SQLite maps). The same requests are
# then made against a source ten times smaller (S=365 W=500 G=20: 7,780
# items), to show whether memory grows with the items. Finally the
# testing.B benchmark of the pages (BenchmarkPages, in-process) runs on the
# big source.
#
# Data lives under $BENCH_DIR (default /tmp/hoard-bench-web), never in the
# repository; generated sources are kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-20}
OUT=${BENCH_DIR:-/tmp/hoard-bench-web}
mkdir -p "$OUT"
go build -o "$OUT/hoard" ./cmd/hoard
go build -o "$OUT/gen" ./bench/dal/gen
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"

# stats: min / median / max of the numbers on stdin (milliseconds).
stats() {
  sort -n | awk '{ a[NR] = $1 } END { printf "min %7.2f  median %7.2f  max %7.2f ms", a[1], a[int((NR + 1) / 2)], a[NR] }'
}

# measure LABEL PATH: N requests; server time from Server-Timing, total from curl.
measure() {
  local label=$1 path=$2 i
  : > "$OUT/server.txt"
  : > "$OUT/total.txt"
  for i in $(seq "$N"); do
    curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{time_total}\n' "$BASE$path" | awk '{ printf "%.3f\n", $1 * 1000 }' >> "$OUT/total.txt"
    grep -i '^server-timing:' "$OUT/headers" | sed 's/.*dur=\([0-9.]*\).*/\1/' >> "$OUT/server.txt" || true
  done
  if [ -s "$OUT/server.txt" ]; then
    printf '  %-34s server %s   total %s\n' "$label" "$(stats < "$OUT/server.txt")" "$(stats < "$OUT/total.txt")"
  else
    printf '  %-34s server %-43s   total %s\n' "$label" "(streamed: no header)" "$(stats < "$OUT/total.txt")"
  fi
}

# run S W G: serve that source and measure every page.
run() {
  local s=$1 w=$2 g=$3
  local data=$OUT/json-$s-$w-$g home=$OUT/home-$s-$w-$g
  [ -d "$data" ] || "$OUT/gen" -out "$data" -s "$s" -w "$w" -g "$g"
  rm -rf "$home"
  mkdir -p "$home/root"
  ln -s "$data" "$home/root/saved"
  cat > "$home/hoard.toml" <<TOML
root = "$home/root"
[sources.saved]
exporter = "file"
path = "/dev/null"
items = "saved"
key = "id"
time = "created_utc"
TOML
  export XDG_CACHE_HOME=$home/cache XDG_STATE_HOME=$home/state
  local H=("$OUT/hoard" --config "$home/hoard.toml")
  local items
  items=$("${H[@]}" items saved --format jsonl | wc -l)
  echo "source S=$s W=$w G=$g: $items items, $(du -sbL "$data" | cut -f1) bytes of JSON; index $(du -sb "$home/cache" | cut -f1) bytes"
  local port=$((20000 + RANDOM % 20000))
  "${H[@]}" serve --listen "127.0.0.1:$port" 2> "$home/serve.log" &
  local pid=$!
  trap "kill $pid 2>/dev/null" EXIT # also when a step fails
  BASE=http://127.0.0.1:$port
  for _ in $(seq 100); do curl -s -o /dev/null "$BASE/assets/style.css" && break; sleep 0.05; done
  # Sample the server's memory every 20 ms: the peak of its own memory
  # (RssAnon) and of the index pages SQLite maps (RssFile) apart.
  ( peak_a=0 peak_f=0
    while [ -e /proc/$pid/status ]; do
      read -r a f < <(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { print a + 0, f + 0 }' /proc/$pid/status 2>/dev/null || echo "0 0")
      [ "$a" -gt "$peak_a" ] && peak_a=$a
      [ "$f" -gt "$peak_f" ] && peak_f=$f
      echo "$peak_a $peak_f" > "$home/peak.txt"
      sleep 0.02
    done ) &
  local sampler=$!
  # The first dashboard waits for the profile of the source (items per
  # day: a full read), which the server starts computing when it starts.
  local t0
  t0=$(date +%s%N)
  curl -s -o /dev/null "$BASE/"
  echo "  first dashboard after start (profile being computed): $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  # A page deep in the source: the Next link of a page half way through.
  local deep
  curl -s -o "$OUT/page.html" "$BASE/sources/saved?to=2024-07-01"
  deep=$(grep -o 'rel="next" href="[^"]*"' "$OUT/page.html" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
  local item
  curl -s -o "$OUT/page.html" "$BASE/sources/saved"
  item=$(grep -m1 -o 'class="desc" href="[^"]*"' "$OUT/page.html" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
  local hits
  hits=$(curl -s "$BASE/api/items?q=6543*" | wc -l)
  measure "dashboard" "/"
  measure "source page: first 50 items" "/sources/saved"
  measure "source page: 50 items, half way" "$deep"
  measure "timeline: a day (213 items)" "/timeline?day=2024-06-15"
  measure "search: $hits hits ('6543*')" "/search?q=6543*"
  measure "item page" "$item"
  measure "API: 50 items, newest first" "/api/items?source=saved&limit=50&reverse=true"
  measure "API: search, $hits hits" "/api/items?q=6543*"
  measure "map (no source has places)" "/map"
  # VmHWM counts the pages of the index that SQLite maps into memory
  # (mmap_size; page cache, shared and dropped first) with the heap:
  # RssAnon is the process's own memory.
  echo "  peak RSS of hoard serve: $(awk '/^VmHWM/ { printf "%d MB", $2 / 1024 }' /proc/$pid/status) (VmHWM); sampled peaks: $(awk '{ printf "%d MB of its own (RssAnon), %d MB of mapped index pages (RssFile)", $1 / 1024, $2 / 1024 }' "$home/peak.txt")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  trap - EXIT
}

echo "77,800 items:"
run 365 5000 200
echo "7,780 items (ten times fewer):"
run 365 500 20

echo "testing.B (in-process, HOARD_BENCH_DIR=$OUT/json-365-5000-200):"
HOARD_BENCH_DIR=$OUT/json-365-5000-200 go test -run '^$' -bench 'Pages' -benchtime 20x ./internal/web | grep Benchmark
