#!/usr/bin/env bash
# The object-storage tests against a real S3 server: versitygw (Apache-2.0),
# built once with `go install` through the Go module proxy into
# ${HOARD_TEST_CACHE:-~/.cache/hoard-test}/versitygw-<version>/ (a few minutes
# the first time), started on 127.0.0.1 by the tests themselves, never linked
# into hoard. HOARD_S3_REQUIRED makes a server that cannot be built or started
# a failure instead of a skip. HOARD_VERSITYGW=/path/to/versitygw uses that
# binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export HOARD_S3_REQUIRED=1
go test -count=1 -run 'S3|Remote' ./internal/s3store/ ./internal/cli/ ./snapshot/ "$@"
