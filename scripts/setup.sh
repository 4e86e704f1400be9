#!/usr/bin/env bash
# Installs what the pack needs, skipping what is already there. Called by `npm start` (--run),
# `npm test` (--test) and `npm run bench`. System packages come from Debian's apt; where this is not
# possible (not root, not Debian) it prints exactly what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"

have() { command -v "$1" >/dev/null 2>&1; }
# Debian's Jupyter runs on /usr/bin/python3 (the python3 on PATH may be another interpreter).
pymod() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }

wanted=()
need() { # need CHECK... -- PACKAGE: add PACKAGE when the check fails
  local pkg="${*: -1}"
  "${@:1:$#-2}" || wanted+=("$pkg")
}

# To run the pack: the Jupyter bridge's embedded Jupyter and its Python.
need have jupyter-server -- jupyter-server
need pymod ipykernel -- python3-ipykernel
need pymod matplotlib -- python3-matplotlib
need pymod pandas -- python3-pandas
# To test it: a real browser for the /docs pages; bubblewrap for the terminal's multi-user mode.
if [ "$mode" = "--test" ]; then
  need have chromium -- chromium
  need have bwrap -- bubblewrap
  need have pkill -- procps
  need have setpriv -- util-linux
fi

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
