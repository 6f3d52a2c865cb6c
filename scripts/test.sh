#!/usr/bin/env bash
# hoard's test suite: formatting, vet, staticcheck, every package's tests, then each fuzz
# target briefly (FUZZTIME, default 3000x: 3,000 generated inputs, a few
# seconds each here; FUZZTIME=0 skips fuzzing).
#
# The default is a count, not a duration, on purpose: with a duration, Go's
# fuzzing coordinator before go1.27 can report "context deadline exceeded" as
# a failure when the time runs out while a worker is mid-call
# (https://go.dev/issue/75804). That failed CI once with no failing input.
# A count never arms that deadline. FUZZTIME=30s still works for a longer local
# run, with that risk.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
# staticcheck, pinned; go run fetches it through the module proxy once.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
go test -count=1 ./...

FUZZTIME=${FUZZTIME:-3000x}
if [ "$FUZZTIME" != "0" ]; then
  # Every `func FuzzXxx` in the tree, run briefly in its own package.
  grep -rl --include='*_test.go' '^func Fuzz' . | while read -r file; do
    pkg=./$(dirname "${file#./}")
    for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
      echo "fuzz $pkg $target ($FUZZTIME)"
      go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"
    done
  done
fi
