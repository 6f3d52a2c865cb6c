#!/usr/bin/env bash
# HTTP export engine benchmarks (figures in docs/benchmarks.md).
#   bench/http/run.sh            (needs: go)
# 1. requests/s at concurrency 1: httpx client vs a bare net/http loop,
#    20,000 requests of a 1 KiB JSON body, best of 3 alternating rounds.
# 2. peak memory of the rest exporter: 10k / 100k / 1M items at 100 items
#    per page (cursor pagination) streamed to a file, each in its own
#    process so that VmHWM is that run's peak; then 1M with key dedupe on.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoard-bench-http.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/httpbench" ./bench/http
"$WORK/httpbench" rps -n 20000 -rounds 3
for n in 10000 100000 1000000; do
  "$WORK/httpbench" mem -items "$n" -per-page 100 -out "$WORK/snap.jsonl"
done
"$WORK/httpbench" mem -items 1000000 -per-page 100 -key id -out "$WORK/snap.jsonl"
