#!/usr/bin/env bash
# Build the desktop app: the UI first (Tauri embeds ui/dist at compile time, so it must exist
# before cargo runs), then the Tauri shell. Debug by default; `--release` for the optimised,
# stripped build that `scripts/run.sh` starts and `scripts/package.sh` packages.
# The debug build selects the whole workspace with its test targets, like `cargo test
# --workspace`, so the app, the CLI and the tests share one build of every dependency. The
# release build makes the app and the CLI in one invocation (one release build of the tree), in
# Tauri's production mode (`custom-protocol`), as Tauri's own CLI builds a release app.
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

"$root/scripts/ui-build.sh" >&2

cd "$root"
if [[ $profile == debug ]]; then
  cargo build --locked --workspace --all-targets >&2
else
  cargo build --locked "${cargo_flags[@]}" -p breakeven -p breakeven-desktop --bins \
    --features breakeven-desktop/custom-protocol >&2
fi
echo "$CARGO_TARGET_DIR/$profile/breakeven-desktop"
