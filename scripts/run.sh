#!/usr/bin/env bash
# Sets up what is missing, builds the release desktop app (and the CLI) and starts it. With no
# AWS account configured the app opens on the bundled demo account. `--debug` starts the dev
# build the tests use instead (faster to rebuild after a change, slower to run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
build=(--release)
if [ "${1:-}" = "--debug" ]; then
  build=()
  shift
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting the app on a virtual display (Xvfb). Use a desktop session to see it." >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" scripts/desktop-run.sh "${build[@]}"
fi
exec scripts/desktop-run.sh "${build[@]}"
