#!/usr/bin/env bash
# The index against the merge it caches (figures in docs/benchmarks.md,
# "Index"): every row of issue 17's table in one run, the compared commands
# interleaved in each round (this machine is noisy: compare medians).
#
#   bench/dal/index.sh [ROUNDS] [OTHER_HOARD_BINARY]     default 5 rounds
#
# Data (generated under $BENCH_DIR, default /tmp/hoard-bench-dal, if
# missing): the 365 daily snapshots of bench/dal/gen (S=365 W=5000 G=200,
# 1.6 GB of JSON, 77,800 items); a configured source links the first 364,
# and the 365th is added to time a refresh. Also a bash history of 200,000
# commands (gen -bash), one snapshot.
#
# Each round runs, each in a new process, with peak RSS from /usr/bin/time
# (`apt-get install -y time`) and wall time in milliseconds:
#   build     `hoard items saved` with no index (builds it, prints all
#             items), then `hoard items saved --no-cache`
#   build-1   the same with --limit 1, then `--no-cache --limit 1`
#   refresh   the 364-file index restored, the 365th file added:
#             `hoard items saved --limit 1`, then `hoard items --dir` on
#             that file alone (--limit 1)
#   warm      `hoard items saved` (all 77,800 items printed), then
#             `hoard query --search café` (a word in most items)
#   bash      `hoard items bash` with no index, then with --no-cache
# With OTHER_HOARD_BINARY (say, a build of an older commit), each row also
# runs it, right after this tree's binary, on its own index.
# At the end: the index's size on disk after the build and after a first
# search, against the items' canonical size, and the medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
OTHER=${2:-}
OUT=${BENCH_DIR:-/tmp/hoard-bench-dal}
S=365 W=5000 G=200
JSON=$OUT/json-$S-$W-$G
mkdir -p "$OUT"
go build -o "$OUT/hoard" ./cmd/hoard
go build -o "$OUT/gen" ./bench/dal/gen
[ -d "$JSON" ] || "$OUT/gen" -out "$JSON" -s $S -w $W -g $G
[ -d "$OUT/bash/bash" ] || "$OUT/gen" -out "$OUT/bash/bash" -bash 200000
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

# The configured sources: saved links all snapshots but the newest, which
# is alone in one/ (and linked in for each refresh).
X=$OUT/index-bench
rm -rf "$X" && mkdir -p "$X/root/saved" "$X/one"
FILES=("$JSON"/*)
NEWEST=${FILES[-1]}
for f in "${FILES[@]:0:${#FILES[@]}-1}"; do ln "$f" "$X/root/saved/"; done
ln "$NEWEST" "$X/one/"
ln -s "$OUT/bash/bash" "$X/root/bash"
cat > "$X/hoard.toml" <<TOML
root = "$X/root"
[sources.saved]
exporter = "file"
path = "/dev/null"
items = "saved"
key = "id"
time = "created_utc"
[sources.bash]
exporter = "file"
path = "/dev/null"
TOML
BINS=("$OUT/hoard")
[ -n "$OTHER" ] && BINS+=("$OTHER")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
echo "binaries: ${BINS[*]}"

R=$X/results.txt
: > "$R"
# run NAME CACHE CMD...: one run in a new process; appends "NAME ms KB
# cpu-ms" (wall, peak RSS, user + system CPU) to $R. CACHE is the
# XDG_CACHE_HOME it runs with.
run() {
  local name=$1 cache=$2 start end; shift 2
  start=$(date +%s%N)
  XDG_CACHE_HOME=$cache /usr/bin/time -f "%M %U %S" -o "$X/rss.txt" "$@" > "$X/out.txt"
  end=$(date +%s%N)
  read -r kb user sys < <(tail -1 "$X/rss.txt")
  echo "$name $(((end - start) / 1000000)) $kb $(awk "BEGIN { print ($user + $sys) * 1000 }")" | tee -a "$R"
}
# tag BIN: a short name for a binary in the results.
tag() { if [ "$1" = "$OUT/hoard" ]; then echo new; else echo other; fi; }

# The index of the 364 snapshots, per binary, to restore before each
# refresh.
for b in "${BINS[@]}"; do
  t=$(tag "$b")
  rm -rf "$X/cache-$t-before" && XDG_CACHE_HOME=$X/cache-$t-before "$b" --config "$X/hoard.toml" items saved --limit 1 > /dev/null
done

ONE=(items --dir "$X/one" --items saved --key id --time created_utc --format jsonl --limit 1)
for r in $(seq "$ROUNDS"); do
  echo "round $r, load $(cut -d' ' -f1 /proc/loadavg)"
  rm -f "$X/root/saved/$(basename "$NEWEST")"
  # The uncached command runs right after this tree's, the other binary's
  # after both: each ratio compares neighbours.
  for b in "${BINS[@]}"; do
    t=$(tag "$b")
    rm -rf "$X/cache-$t"
    run "$t-build" "$X/cache-$t" "$b" --config "$X/hoard.toml" items saved --format jsonl
    [ "$t" = new ] && run "nocache" "$X/cache-none" "$OUT/hoard" --config "$X/hoard.toml" items saved --format jsonl --no-cache
  done
  for b in "${BINS[@]}"; do
    t=$(tag "$b")
    rm -rf "$X/cache-$t"
    run "$t-build-1" "$X/cache-$t" "$b" --config "$X/hoard.toml" items saved --format jsonl --limit 1
    [ "$t" = new ] && run "nocache-1" "$X/cache-none" "$OUT/hoard" --config "$X/hoard.toml" items saved --format jsonl --no-cache --limit 1
  done
  ln "$NEWEST" "$X/root/saved/"
  for b in "${BINS[@]}"; do
    t=$(tag "$b")
    rm -rf "$X/cache-$t" && cp -a "$X/cache-$t-before" "$X/cache-$t" && sync
    run "$t-refresh" "$X/cache-$t" "$b" --config "$X/hoard.toml" items saved --format jsonl --limit 1
    [ "$t" = new ] && run "one-file" "$X/cache-none" "$OUT/hoard" "${ONE[@]}"
  done
  for b in "${BINS[@]}"; do
    t=$(tag "$b")
    run "$t-warm" "$X/cache-$t" "$b" --config "$X/hoard.toml" items saved --format jsonl
    # The first search writes the search index (this tree's binary); the
    # second is the warm one.
    XDG_CACHE_HOME=$X/cache-$t "$b" --config "$X/hoard.toml" query --search café --format jsonl > /dev/null
    run "$t-search" "$X/cache-$t" "$b" --config "$X/hoard.toml" query --search café --format jsonl
    echo "  hits: $(wc -l < "$X/out.txt")"
  done
  for b in "${BINS[@]}"; do
    t=$(tag "$b")
    rm -rf "$X/cache-$t-bash"
    run "$t-bash" "$X/cache-$t-bash" "$b" --config "$X/hoard.toml" items bash --format jsonl
    [ "$t" = new ] && run "nocache-bash" "$X/cache-none" "$OUT/hoard" --config "$X/hoard.toml" items bash --format jsonl --no-cache
  done
done

# Sizes: the index of all 365 snapshots after a build, then after a first
# search (which writes the search index); the items' raw JSON as hoard
# prints it, and as compact JSON re-encoded (Python's json.dumps, no
# spaces, UTF-8): the "canonical items".
echo "sizes:"
for b in "${BINS[@]}"; do
  t=$(tag "$b")
  rm -rf "$X/cache-$t"
  XDG_CACHE_HOME=$X/cache-$t "$b" --config "$X/hoard.toml" items saved --limit 1 > /dev/null
  built=$(stat -c %s "$X/cache-$t/hoard/index.sqlite")
  XDG_CACHE_HOME=$X/cache-$t "$b" --config "$X/hoard.toml" query saved --search café --limit 1 > /dev/null
  searched=$(stat -c %s "$X/cache-$t/hoard/index.sqlite")
  echo "  $t: index $built bytes after the build, $searched after a first search"
done
XDG_CACHE_HOME=$X/cache-new "$OUT/hoard" --config "$X/hoard.toml" items saved --format jsonl > "$X/all.jsonl"
XDG_CACHE_HOME=$X/cache-none "$OUT/hoard" --config "$X/hoard.toml" items saved --format jsonl --no-cache | cmp - "$X/all.jsonl" \
  && echo "  cached and uncached output: byte-identical"
python3 - "$X/all.jsonl" <<'PY'
import json, sys
raw = canon = n = 0
for line in open(sys.argv[1], "rb"):
    i = line.index(b'"raw":')
    raw += len(line) - i - len('"raw":') - 2  # the raw JSON, then "}\n"
    canon += len(json.dumps(json.loads(line)["raw"], separators=(",", ":"), ensure_ascii=False).encode())
    n += 1
print(f"  {n} items: raw JSON {raw} bytes, canonical (compact, re-encoded) {canon} bytes")
PY

echo "medians over $ROUNDS rounds (wall ms, peak RSS KB, CPU ms):"
awk '
  { ms[$1] = ms[$1] " " $2; kb[$1] = kb[$1] " " $3; cpu[$1] = cpu[$1] " " $4 }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (k in ms) { m[k] = median(ms[k]); r[k] = median(kb[k]); c[k] = median(cpu[k]); printf "  %-16s %7.0f ms  %7.0f KB  %7.0f CPU ms   (ms:%s)\n", k, m[k], r[k], c[k], ms[k] }
    for (t in m) if (t ~ /^(new|other)-build$/) printf "  %s build / --no-cache: %.2fx time, %.2fx peak RSS, %.2fx CPU\n", t, m[t] / m["nocache"], r[t] / r["nocache"], c[t] / c["nocache"]
    for (t in m) if (t ~ /^(new|other)-build-1$/) printf "  %s build --limit 1 / --no-cache --limit 1: peak RSS %.2fx (%d KB against %d)\n", t, r[t] / r["nocache-1"], r[t], r["nocache-1"]
    for (t in m) if (t ~ /^(new|other)-refresh$/) printf "  %s refresh / one file alone: %.2fx time, %.2fx CPU\n", t, m[t] / m["one-file"], c[t] / c["one-file"]
    for (t in m) if (t ~ /^(new|other)-bash$/) printf "  %s bash build / --no-cache: %.2fx time, %.2fx peak RSS\n", t, m[t] / m["nocache-bash"], r[t] / r["nocache-bash"]
  }' "$R" | sort
