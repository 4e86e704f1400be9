#!/usr/bin/env bash
# Installs what the pack needs, skipping what is already there. Called by `npm start` (--run),
# `npm test` (--test) and `npm run bench`. System packages come from Debian's apt; where this is not
# possible (not root, not Debian) it prints exactly what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"

have() { command -v "$1" >/dev/null 2>&1; }

# command-that-must-exist:debian-package, per purpose.
run_needs=()
test_needs=("chromium:chromium")

wanted=()
add_missing() {
  local item cmd pkg
  for item in "$@"; do
    cmd="${item%%:*}"; pkg="${item#*:}"
    have "$cmd" || wanted+=("$pkg")
  done
}
add_missing "${run_needs[@]+"${run_needs[@]}"}"
[ "$mode" = "--test" ] && add_missing "${test_needs[@]}"

if [ "${#wanted[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && have apt-get; then
    echo "setup: installing ${wanted[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
  elif have sudo && have apt-get && sudo -n true 2>/dev/null; then
    echo "setup: installing ${wanted[*]} (sudo apt-get)"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
  else
    echo "setup: missing system packages. Install them, then run this again:" >&2
    echo "  apt-get install -y ${wanted[*]}" >&2
    exit 1
  fi
fi

# npm dependencies: install when absent or when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
