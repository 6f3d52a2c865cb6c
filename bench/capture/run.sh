#!/usr/bin/env bash
# Capture benchmark: hoard capture against plain shell redirection.
#   bench/capture/run.sh [BYTES] [RUNS]     (defaults: 1 GiB, 3 runs)
# Needs: go, zstd, GNU time (/usr/bin/time). Writes under ${TMPDIR:-/tmp}.
# Reports the best wall time of RUNS and the peak RSS of each command.
#
# Two producers:
#   gen   serialises JSON records on the fly, as an exporter does (CPU work
#         per byte, small memory): the realistic case.
#   cat   copies a pre-generated file from the page cache, at memory speed:
#         shows hoard's own overhead at its worst. Its RSS is tiny, so the
#         peak RSS GNU time reports for the process tree is hoard's own.
set -euo pipefail
cd "$(dirname "$0")/../.."
BYTES=${1:-1073741824}
RUNS=${2:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoard-bench-capture.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/hoard" ./cmd/hoard
go build -o "$WORK/gen" ./bench/capture/gen
"$WORK/gen" -bytes "$BYTES" > "$WORK/input.json"
cat "$WORK/input.json" > /dev/null   # warm the page cache

# measure LABEL KEY CMD: best wall seconds and max RSS (KiB) over RUNS runs.
measure() {
  local label=$1 key=$2 cmd=$3 best="" rss=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out" && mkdir -p "$WORK/out" && sync
    /usr/bin/time -f "%e %M" -o "$WORK/time" bash -c "$cmd"
    read -r secs kib < "$WORK/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    [ "$kib" -gt "$rss" ] && rss=$kib
  done
  local size; size=$(du -sb "$WORK/out" | cut -f1)
  printf '%-34s %7.2f s %8d KiB max RSS %12d bytes on disk\n' "$label" "$best" "$rss" "$size"
  eval "T_$key=$best; R_$key=$rss"
}

echo "input: $BYTES bytes of JSON lines; best of $RUNS; $(nproc) cores; $(go version | cut -d' ' -f3); $(zstd -V | grep -o 'v[0-9.]*')"
for p in gen cat; do
  if [ $p = gen ]; then SRC="$WORK/gen -bytes $BYTES"; else SRC="cat $WORK/input.json"; fi
  measure "$p > file"                 ${p}_plain  "$SRC > $WORK/out/f.json"
  measure "$p > file && sync"         ${p}_sync   "$SRC > $WORK/out/f.json && sync $WORK/out/f.json"
  measure "hoard capture -- $p"       ${p}_hoard  "$WORK/hoard capture '$WORK/out/{utcnow}.json' -- $SRC"
  measure "$p | zstd > file"          ${p}_zstd   "$SRC | zstd -q > $WORK/out/f.json.zst"
  measure "hoard capture -c zstd -- $p" ${p}_hoardz "$WORK/hoard capture '$WORK/out/{utcnow}.json' -c zstd -- $SRC"
done
for p in gen cat; do
  eval "a=\$T_${p}_hoard b=\$T_${p}_plain c=\$T_${p}_sync d=\$T_${p}_hoardz e=\$T_${p}_zstd"
  awk -v p=$p -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" 'BEGIN{
    printf "%s: hoard / redirect %.2fx (goal <= 1.05), / redirect+sync %.2fx; hoard zstd / zstd pipe %.2fx (goal <= 1.10)\n", p, a/b, a/c, d/e }'
done
echo "hoard peak RSS (cat producer): ${R_cat_hoard} KiB uncompressed, ${R_cat_hoardz} KiB zstd (goal <= 32768 KiB)"
