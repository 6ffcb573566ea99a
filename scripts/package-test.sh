#!/usr/bin/env bash
# Package test: builds the .deb of the dev binaries (`scripts/package.sh --debug`), unpacks it
# into a scratch root (`dpkg-deb -x`, no root needed, nothing installed on the machine), checks
# its control file, desktop entry and icon, runs the packaged CLI, starts the packaged app under
# Xvfb on a temporary database and waits for its window, then removes the scratch root.
# Prints one `ok - …` / `not ok - …` line per check and the time taken; exits 1 on failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
started=$(date +%s)

if [[ -z "${PACKAGE_TEST_IN_XVFB:-}" ]]; then
  PACKAGE_TEST_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi

scratch="$(mktemp -d)"
app_pid=""
cleanup() {
  [[ -n "$app_pid" ]] && kill -TERM "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

status=0
report() { # report OK NAME
  if [[ "$1" == 1 ]]; then echo "ok - $2"; else echo "not ok - $2"; status=1; fi
}
ok() { if "$@" >/dev/null 2>&1; then echo 1; else echo 0; fi; }

if ! deb="$("$root/scripts/package.sh" --debug 2>"$scratch/package.log" | tail -n 1)" || [[ ! -f "$deb" ]]; then
  tail -n 40 "$scratch/package.log"
  report 0 "scripts/package.sh --debug built a .deb"
  exit 1
fi
report 1 "scripts/package.sh --debug built $(basename "$deb") ($(du -m "$deb" | cut -f1) MB)"

pkgroot="$scratch/root"
report "$(ok dpkg-deb -x "$deb" "$pkgroot")" "dpkg-deb -x unpacks it"

field() { dpkg-deb -f "$deb" "$1" 2>/dev/null; }
report "$([[ "$(field Package)" == breakeven ]] && echo 1 || echo 0)" "control: Package is breakeven"
report "$([[ "$(field Architecture)" == "$(dpkg --print-architecture)" ]] && echo 1 || echo 0)" \
  "control: Architecture is $(dpkg --print-architecture)"
report "$([[ "$(field Depends)" == *libwebkit2gtk-4.1-0* ]] && echo 1 || echo 0)" \
  "control: Depends names the WebKitGTK runtime ($(field Depends))"
report "$([[ -n "$(field Description)" ]] && echo 1 || echo 0)" "control: has a Description"

entry="$pkgroot/usr/share/applications/Breakeven.desktop"
report "$([[ -f "$entry" ]] && echo 1 || echo 0)" "desktop entry at /usr/share/applications/Breakeven.desktop"
exec_name="$(sed -n 's/^Exec=//p' "$entry" 2>/dev/null | cut -d' ' -f1)"
icon_name="$(sed -n 's/^Icon=//p' "$entry" 2>/dev/null)"
report "$([[ -n "$exec_name" && -x "$pkgroot/usr/bin/$exec_name" ]] && echo 1 || echo 0)" \
  "desktop entry starts /usr/bin/${exec_name:-?}, which the package ships"
icons=("$pkgroot"/usr/share/icons/hicolor/*/apps/"${icon_name:-none}".png)
report "$([[ -n "$icon_name" && -f "${icons[0]}" ]] && echo 1 || echo 0)" \
  "desktop entry icon ${icon_name:-?} is in the hicolor theme (${#icons[@]} sizes)"

version="$("$pkgroot/usr/bin/breakeven" --version 2>&1)"
report "$([[ "$version" == "breakeven "* ]] && echo 1 || echo 0)" "/usr/bin/breakeven --version: $version"

# The packaged app on an empty temporary database and config: its window must appear.
mkdir -p "$scratch/home/config" "$scratch/home/data" "$scratch/home/cache"
XDG_CONFIG_HOME="$scratch/home/config" XDG_DATA_HOME="$scratch/home/data" XDG_CACHE_HOME="$scratch/home/cache" \
  BREAKEVEN_DB="$scratch/breakeven.db" "$pkgroot/usr/bin/$exec_name" >"$scratch/app.log" 2>&1 &
app_pid=$!
window=0
if timeout 60 xdotool search --sync --onlyvisible --name '^Breakeven$' >/dev/null 2>&1; then window=1; fi
alive=0; kill -0 "$app_pid" 2>/dev/null && alive=1
report "$window" "the packaged app's window appeared"
report "$alive" "the packaged app is running"
if [[ $window != 1 || $alive != 1 ]]; then echo "--- app log" && tail -n 30 "$scratch/app.log"; fi
kill -TERM "$app_pid" 2>/dev/null
wait "$app_pid" 2>/dev/null
app_pid=""

rm -rf "$pkgroot"
report "$([[ ! -e "$pkgroot" ]] && echo 1 || echo 0)" "scratch root removed"
echo "package test took $(( $(date +%s) - started )) s"
exit $status
