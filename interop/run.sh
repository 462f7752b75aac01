#!/usr/bin/env bash
# Runs the interop suite inside a throwaway Liveblocks dev server on a random
# loopback port. Called by "make interop" after "npm ci"; never skips: a
# missing tool is a failure.
#
# "run.sh" starts the dev server, which runs "run.sh inside" with
# LIVEBLOCKS_BASE_URL and LIVEBLOCKS_SECRET_KEY set.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = inside ]; then
  # The end-to-end scenarios, then the REST client's own dev-server tests.
  status=0
  go test -tags interop -count=1 -timeout 5m -v ${INTEROP_FLAGS:-} . || status=1
  go test -tags devserver -count=1 -timeout 2m -run '^TestDevServer' ../liveblocks || status=1
  exit $status
fi

for tool in node go; do
  command -v "$tool" >/dev/null || { echo "interop: $tool is not installed" >&2; exit 1; }
done
export PATH="$PWD/node_modules/.bin:$PATH"
if ! bun --version >/dev/null 2>&1; then
  echo "interop: bun is missing from node_modules (run npm ci in interop/)" >&2
  exit 1
fi

# The dev server keeps its throwaway database under TMPDIR.
export TMPDIR="$PWD/.tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

# The dev server draws a terminal UI; give it no terminal to read.
liveblocks dev --host 127.0.0.1 -P -c "./run.sh inside" </dev/null
