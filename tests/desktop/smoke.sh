#!/usr/bin/env bash
# Smoke test of the desktop app on a virtual 1280×800 screen: the window appears, the app is
# still alive after it has rendered, and the screenshot is not blank.
# Usage: smoke.sh APP OUT_DIR. Prints one `ok - …` / `not ok - …` line per check; exits 1 on failure.
set -uo pipefail

app="$1"
out="$2"
if [[ -z "${SMOKE_IN_XVFB:-}" ]]; then
  SMOKE_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
mkdir -p "$out"

# A blank X screen has 1 colour; the rendered app (text, shades, bar) has hundreds.
min_colours=64
shot="$out/smoke-1280x800.png"
colours() { identify -format '%k' "$1" 2>/dev/null || echo 0; }

"$app" >"$out/app.log" 2>&1 &
pid=$!
started=$(date +%s%N)

window=0
for _ in $(seq 1 120); do
  sleep 0.5
  kill -0 "$pid" 2>/dev/null || break
  import -window root "$shot" 2>/dev/null || continue
  if (( $(colours "$shot") > min_colours )); then
    window=1
    break
  fi
done
shown_ms=$(( ($(date +%s%N) - started) / 1000000 ))
# Give the first estimate and the fonts time to settle, then take the picture that is kept.
sleep 2
import -window root "$shot" 2>/dev/null

status=0
report() { # report OK NAME
  if [[ "$1" == 1 ]]; then echo "ok - $2"; else echo "not ok - $2"; status=1; fi
}
report "$window" "window appeared within 60 s (after ${shown_ms} ms)"
alive=0; kill -0 "$pid" 2>/dev/null && alive=1
report "$alive" "app still running after rendering"
n=$(colours "$shot")
report "$(( n > min_colours ? 1 : 0 ))" "screenshot is not blank ($n colours, $shot)"

kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [[ $status != 0 ]]; then
  echo "--- app log" && tail -n 40 "$out/app.log"
fi
exit $status
