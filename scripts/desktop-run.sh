#!/usr/bin/env bash
# Build the desktop app (debug, or release with `--release`) and start it. Without a display (a
# headless machine or CI) it runs under a virtual X server so it can still be driven or
# screenshotted.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$("$root/scripts/desktop-build.sh" "$@" | tail -n 1)"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "no display found: starting Breakeven under Xvfb (invisible; stop it with Ctrl+C)" >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$app"
fi
exec "$app"
