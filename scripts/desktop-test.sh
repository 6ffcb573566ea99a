#!/usr/bin/env bash
# Every desktop test: UI unit tests and type check, the Tauri shell's Rust tests, a smoke test
# under Xvfb and the WebDriver end-to-end test in the real webview. Builds the UI and the app
# (debug) first and installs tauri-driver once into a cache if it is missing.
# Screenshots and logs go to $DESKTOP_TEST_OUT (default: desktop-test/ in the cargo target dir).
# Ends with the line `N passed, N failed`; exits non-zero when anything failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
tools="${BREAKEVEN_TOOLS:-$HOME/.cache/breakeven/tools}"
out="${DESKTOP_TEST_OUT:-$CARGO_TARGET_DIR/desktop-test}"
rm -rf "$out"
mkdir -p "$out/logs"

passed=0
failed=0
summary() {
  echo "$passed passed, $failed failed"
  [[ $failed == 0 ]]
  exit
}
# count PASSED FAILED STAGE: add a stage's test counts; a stage that failed without reporting a
# failed test still counts as one failure.
count() {
  local p="${1:-0}" f="${2:-0}" stage="$3" rc="$4"
  if [[ "$rc" != 0 && "$f" == 0 ]]; then f=1; fi
  if [[ "$rc" == 0 && "$p" == 0 && "$f" == 0 ]]; then
    echo "!! $stage ran no test" && f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  echo "== $stage: $p passed, $f failed"
  if [[ "$f" != 0 ]]; then tail -n 60 "$out/logs/$stage.log"; fi
}
strip() { sed -e 's/\x1b\[[0-9;]*m//g' "$1"; }

echo "== building the UI and the desktop app (debug)"
if ! app="$("$root/scripts/desktop-build.sh" 2>"$out/logs/build.log" | tail -n 1)" || [[ ! -x "$app" ]]; then
  tail -n 60 "$out/logs/build.log"
  failed=1
  summary
fi
# The workspace build above made the CLI too.
cli="$CARGO_TARGET_DIR/debug/breakeven"

if [[ ! -x "$tools/bin/tauri-driver" ]]; then
  echo "== installing tauri-driver into $tools (once)"
  cargo install tauri-driver --version '^2' --locked --root "$tools" >>"$out/logs/build.log" 2>&1 ||
    { tail -n 40 "$out/logs/build.log"; failed=1; summary; }
fi
export PATH="$tools/bin:$PATH"

# The app and the CLI read the same, empty, config dir: no user catalog override can skew a
# comparison, and WebKit's caches stay out of the user's home.
home="$out/home"
mkdir -p "$home/config" "$home/data" "$home/cache"
export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache"

(cd "$root/ui" && npx vitest run) >"$out/logs/ui-unit.log" 2>&1
rc=$?
line="$(strip "$out/logs/ui-unit.log" | grep -E '^ +Tests ' | tail -n 1)"
count "$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')" \
  "$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')" ui-unit $rc

(cd "$root/ui" && npm run --silent check) >"$out/logs/ui-types.log" 2>&1
rc=$?
count "$((rc == 0))" "$((rc != 0))" ui-types $rc

cargo test --locked --workspace --bin breakeven-desktop >"$out/logs/shell-unit.log" 2>&1
rc=$?
sum() { grep -oE "[0-9]+ $1" "$out/logs/shell-unit.log" | awk '{ s += $1 } END { print s + 0 }'; }
count "$(sum passed)" "$(sum failed)" shell-unit $rc

"$root/scripts/gen-types.sh" --check >"$out/logs/types.log" 2>&1
rc=$?
count "$((rc == 0))" "$((rc != 0))" types $rc

"$root/tests/desktop/smoke.sh" "$app" "$out" >"$out/logs/smoke.log" 2>&1
rc=$?
count "$(grep -c '^ok ' "$out/logs/smoke.log")" "$(grep -c '^not ok ' "$out/logs/smoke.log")" smoke $rc
grep -E '^(not )?ok ' "$out/logs/smoke.log"

"$root/tests/desktop/e2e.sh" "$app" "$cli" "$out" >"$out/logs/e2e.log" 2>&1
rc=$?
count "$(grep -oE '^# pass [0-9]+' "$out/logs/e2e.log" | grep -oE '[0-9]+')" \
  "$(grep -oE '^# fail [0-9]+' "$out/logs/e2e.log" | grep -oE '[0-9]+')" e2e $rc
grep -E '^ *(not )?ok [0-9]+ - |edit to |in-app round trip|10,000 rows' "$out/logs/e2e.log"

echo "screenshots: $out"
summary
