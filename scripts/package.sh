#!/usr/bin/env bash
# Package the desktop app as a Debian package (.deb) with Tauri's bundler: the app as
# /usr/bin/breakeven-desktop with its desktop entry and icons, and the `breakeven` CLI as
# /usr/bin/breakeven. The bundler packages binaries that are already built; it compiles nothing.
#
# Usage: scripts/package.sh [--debug]
#   (default)  builds the release app and CLI if needed (the same build as `scripts/run.sh`)
#              and packages them.
#   --debug    packages the dev binaries that the tests build (no release build at all).
# Prints the path of the .deb as its last line. Install it with `sudo apt install ./FILE.deb`
# (or `sudo dpkg -i FILE.deb`), remove it with `sudo apt remove breakeven`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"

profile=release
build_flags=(--release)
bundle_flags=()
case "${1:-}" in
  --debug) profile=debug; build_flags=(); bundle_flags=(--debug) ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--debug]" >&2; exit 2 ;;
esac

# Builds what is missing or stale (a no-op after `scripts/run.sh` or the tests).
app="$("$root/scripts/desktop-build.sh" "${build_flags[@]}" | tail -n 1)"
cli="$CARGO_TARGET_DIR/$profile/breakeven"
[[ -x "$app" && -x "$cli" ]] || { echo "error: $app or $cli was not built" >&2; exit 1; }

tauri="$root/ui/node_modules/.bin/tauri"
[[ -x "$tauri" ]] || (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)

# The CLI's path depends on the target dir and profile, so it is added to the configuration here.
extra=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/breakeven":"%s"}}}}}' "$cli")
out="$CARGO_TARGET_DIR/$profile/bundle/deb"
rm -f "$out"/*.deb
# --no-binary-patching: the bundler would otherwise rewrite the built binary in place (a marker
# for Tauri's updater, which the app does not use), touching the binary the tests run.
(cd "$root/src-tauri" && "$tauri" bundle "${bundle_flags[@]}" --bundles deb --no-binary-patching --ci \
  --config "$extra") >&2
deb="$(ls "$out"/*.deb)"
echo "$deb"
