#!/usr/bin/env bash
# Installs Debian's chromium for the browser test, unless it is there
# already. Idempotent; fails loudly when it cannot install (no apt-get, not
# root and no sudo, or the package cannot be had).
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/lib/chromium/chromium}"

works() {
  [ -x "$CHROMIUM_PATH" ] && "$CHROMIUM_PATH" --version >/dev/null 2>&1
}

if works; then
  echo "install-chromium: $("$CHROMIUM_PATH" --version) is installed"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install-chromium: no chromium at $CHROMIUM_PATH and no apt-get to install it" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-chromium: installing chromium needs root (or sudo)" >&2
    exit 1
  fi
  sudo="sudo"
fi

echo "install-chromium: installing Debian's chromium (a minute or so)"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends chromium fonts-liberation

if ! works; then
  echo "install-chromium: chromium was installed but $CHROMIUM_PATH does not run" >&2
  exit 1
fi
echo "install-chromium: $("$CHROMIUM_PATH" --version) installed"
