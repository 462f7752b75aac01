#!/usr/bin/env bash
# Runs the browser test: builds the example, starts it in local mode on a
# free loopback port, and drives two headless Chromium pages through it with
# two-users.mjs. Called by "make browser" after scripts/install-chromium.sh
# and "npm ci"; never skips: a missing tool is a failure.
#
# Screenshots and the example's log are left in browser/.tmp/ (emptied at
# the start of each run).
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/lib/chromium/chromium}"
export CHROMIUM_PATH
for tool in node go; do
  command -v "$tool" >/dev/null || { echo "browser: $tool is not installed" >&2; exit 1; }
done
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "browser: no Chromium at $CHROMIUM_PATH (run scripts/install-chromium.sh)" >&2
  exit 1
fi
if [ ! -f node_modules/playwright-core/package.json ]; then
  echo "browser: playwright-core is missing (run npm ci in browser/)" >&2
  exit 1
fi

out="$PWD/.tmp"
rm -rf "$out"
mkdir -p "$out"

go build -o "$out/example" ../example

# Local mode, as on a fresh machine: none of the example's variables.
env -u LIVEBLOCKS_SECRET_KEY -u LIVEBLOCKS_BASE_URL -u SESSION_KEY \
  "$out/example" -addr 127.0.0.1:0 >"$out/stdout.log" 2>"$out/example.log" </dev/null &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap stop EXIT

# The example prints where it listens once it is ready (20 s at most).
base=""
for _ in $(seq 200); do
  base="$(sed -n 's/^liveauth example listening on //p' "$out/stdout.log")"
  [ -n "$base" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "browser: the example exited before listening:" >&2
    cat "$out/stdout.log" "$out/example.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "browser: the example did not say where it listens within 20s" >&2
  exit 1
fi
echo "browser: the example listens on $base"

status=0
timeout 150 node two-users.mjs "$base" "$out" || status=$?

# The example must stop promptly on SIGINT (graceful shutdown).
kill -INT "$pid"
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "browser: the example still runs 10s after SIGINT" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "browser: the example's log:" >&2
  cat "$out/example.log" >&2
fi
exit "$status"
