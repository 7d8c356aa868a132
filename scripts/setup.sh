#!/usr/bin/env bash
# mqbench's install command: everything the tests and the main job need, idempotently.
#  - npm packages (from package-lock.json)
#  - Debian's chromium, for the report test in a headless browser (needs root and apt-get; else prints what to do)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm packages"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

echo "== chromium (report test)"
if [ -n "${MQBENCH_CHROMIUM:-}" ] && [ -x "${MQBENCH_CHROMIUM}" ]; then
  echo "using MQBENCH_CHROMIUM=${MQBENCH_CHROMIUM}"
elif command -v chromium >/dev/null 2>&1; then
  echo "found $(command -v chromium)"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  echo "installed $(command -v chromium)"
else
  echo "chromium is missing: install Debian's chromium (apt-get install chromium) or set MQBENCH_CHROMIUM to a Chromium binary" >&2
  exit 1
fi
echo "== setup done"
