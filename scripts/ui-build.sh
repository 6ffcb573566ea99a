#!/usr/bin/env bash
# Build the web front end into ui/dist (the desktop crate embeds it at compile time). Installs
# exactly what package-lock.json pins, again only when the lock file changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../ui"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
