#!/usr/bin/env bash
# Build the desktop app: the UI first (Tauri embeds ui/dist at compile time, so it must exist
# before cargo runs), then the Tauri shell. Debug by default; `--release` for an optimised build.
# Prints the path of the built binary as its last line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
profile=debug
cargo_flags=()
if [[ "${1:-}" == "--release" ]]; then
  profile=release
  cargo_flags+=(--release)
fi

cd "$root/ui"
# Install exactly what package-lock.json pins, again only when the lock file changed.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund >&2
fi
npm run --silent build >&2

cd "$root"
cargo build -p breakeven-desktop "${cargo_flags[@]}" >&2
echo "$CARGO_TARGET_DIR/$profile/breakeven-desktop"
