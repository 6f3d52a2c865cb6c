#!/usr/bin/env bash
# Capture benchmark: hoard capture against plain shell redirection.
#   bench/capture/run.sh [BYTES] [RUNS]     (defaults: 1 GiB, 3 runs)
# Needs: go, zstd, GNU time (/usr/bin/time). Writes under ${TMPDIR:-/tmp}.
# Reports the best wall time of RUNS and the peak RSS of each command.
set -euo pipefail
cd "$(dirname "$0")/../.."
BYTES=${1:-1073741824}
RUNS=${2:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoard-bench-capture.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/hoard" ./cmd/hoard
go build -o "$WORK/gen" ./bench/capture/gen
# The input is generated once and read with cat, so that the figures measure
# the capture and not the generator (cat's RSS is tiny, so the peak RSS that
# GNU time reports for the process tree is hoard's own).
"$WORK/gen" -bytes "$BYTES" > "$WORK/input.json"
cat "$WORK/input.json" > /dev/null   # warm the page cache
GEN="cat $WORK/input.json"

# measure NAME CMD: best wall seconds and max RSS (KiB) over RUNS runs.
measure() {
  local name=$1 cmd=$2 best="" rss=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out" && mkdir -p "$WORK/out" && sync
    /usr/bin/time -f "%e %M" -o "$WORK/time" bash -c "$cmd"
    read -r secs kib < "$WORK/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    [ "$kib" -gt "$rss" ] && rss=$kib
  done
  local size; size=$(du -sb "$WORK/out" | cut -f1)
  printf '%-28s %8.2f s %8d KiB max RSS %12d bytes on disk\n' "$name" "$best" "$rss" "$size"
  eval "T_$3=$best; R_$3=$rss"
}

echo "input: $BYTES bytes of JSON lines; best of $RUNS; $(nproc) cores; $(go version | cut -d' ' -f3)"
measure "cat > file"                 "$GEN > $WORK/out/f.json" plain
measure "cat > file; sync"           "$GEN > $WORK/out/f.json && sync $WORK/out/f.json" plainsync
measure "hoard capture (none)"       "$WORK/hoard capture '$WORK/out/{utcnow}.json' -- $GEN" hoard
measure "cat | zstd > file"          "$GEN | zstd -q > $WORK/out/f.json.zst" zstd
measure "hoard capture -c zstd"      "$WORK/hoard capture '$WORK/out/{utcnow}.json' -c zstd -- $GEN" hoardz
awk -v a="$T_hoard" -v b="$T_plain" -v c="$T_plainsync" -v d="$T_hoardz" -v e="$T_zstd" 'BEGIN{
  printf "ratio hoard/plain redirect      %.2fx (goal <= 1.05)\n", a/b
  printf "ratio hoard/plain redirect+sync %.2fx\n", a/c
  printf "ratio hoard zstd / zstd pipe    %.2fx (goal <= 1.10)\n", d/e }'
echo "hoard peak RSS: ${R_hoard} KiB uncompressed, ${R_hoardz} KiB zstd (goal <= 32768 KiB)"
