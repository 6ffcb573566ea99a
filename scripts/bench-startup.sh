#!/usr/bin/env bash
# Start-up benchmark of the desktop app: starts it N times under Xvfb on a prepared demo
# database and prints, per run and as the median, the time from process start to the first
# painted dashboard and the memory at rest (a few seconds after that).
#
# Usage: scripts/bench-startup.sh [--runs N] [--cold | --first-run] [BINARY]
#   BINARY       the desktop app (default: the release build, $CARGO_TARGET_DIR/release/breakeven-desktop);
#                the `breakeven` CLI next to it prepares the demo database.
#   (default)    run 1 starts with no kept views: it computes the overview and the dashboard and
#                keeps them, as the first start after a sync does. Runs 2..N start on unchanged
#                data, as the app usually does; the median is theirs, run 1 is printed apart.
#   --cold       every run starts with no kept views (every start computes the dashboard).
#   --first-run  each run starts on an empty database instead: the demo is loaded while the
#                app starts (what a new user sees once).
#
# "Ready" is reported by the app itself: with BREAKEVEN_STARTUP_PROBE=1 the dashboard tells the
# back end once its data is rendered and a frame painted, and the back end prints
# `ready_ms=NNN`, measured from the process start time in /proc (so it includes loading the
# binary and creating the webview). Memory: the RSS of the app's own process, of each WebKit
# child process (web content, network), their sum, and their PSS (from smaps_rollup), which
# counts the shared libraries they all map once instead of once per process.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
runs=5
first_run=0
cold=0
bin=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --first-run) first_run=1; cold=1; shift ;;
    --cold) cold=1; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) bin="$1"; shift ;;
  esac
done
bin="${bin:-$CARGO_TARGET_DIR/release/breakeven-desktop}"
bin="$(realpath "$bin")"
cli="$(dirname "$bin")/breakeven"
[[ -x "$bin" ]] || { echo "error: no app at $bin (build it with scripts/desktop-build.sh --release)" >&2; exit 1; }

if [[ -z "${BENCH_IN_XVFB:-}" ]]; then
  BENCH_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" --runs "$runs" \
    $([[ $first_run == 1 ]] && echo --first-run) $([[ $cold == 1 ]] && echo --cold) "$bin"
fi

work="$(mktemp -d)"
app_pid=""
trap '[[ -n "$app_pid" ]] && kill -KILL "$app_pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/config" "$work/data" "$work/cache"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"

db="$work/demo.db"
if [[ $first_run == 0 ]]; then
  [[ -x "$cli" ]] || { echo "error: no CLI at $cli to prepare the demo database" >&2; exit 1; }
  "$cli" demo --db "$db" >/dev/null || { echo "error: could not prepare the demo database" >&2; exit 1; }
fi

# The app's process and every descendant (WebKit's web and network processes).
tree() {
  local pids=("$1") i=0
  while [[ $i -lt ${#pids[@]} ]]; do
    pids+=($(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null))
    i=$((i + 1))
  done
  echo "${pids[@]}"
}
kb_sum() { # kb_sum FILE FIELD PIDS...: the sum of one `Field: N kB` line over processes
  local file="$1" field="$2" total=0 v
  shift 2
  for p in "$@"; do
    v=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$p/$file" 2>/dev/null)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

# The RSS of one process, in MB.
rss_of() { echo $(($(kb_sum status VmRSS "$1") / 1024)); }

echo "binary: $bin ($(du -m "$bin" | cut -f1) MB)"
echo "cores: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $first_run == 1 ]] && echo "first run: each run loads the demo into an empty database"
[[ $cold == 1 ]] && echo "cold: no kept views at any start (each computes the dashboard)"
ready=()
app_rss=()
rss=()
pss=()
for i in $(seq 1 "$runs"); do
  [[ $first_run == 1 ]] && rm -f "$db"
  [[ $cold == 1 ]] && rm -rf "$XDG_CACHE_HOME"/breakeven
  : >"$work/app.log"
  BREAKEVEN_STARTUP_PROBE=1 BREAKEVEN_DB="$db" "$bin" >"$work/app.log" 2>&1 &
  app_pid=$!
  ms=""
  for _ in $(seq 1 600); do
    ms=$(sed -n 's/^ready_ms=//p' "$work/app.log" | head -n 1)
    [[ -n "$ms" ]] && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$ms" ]]; then
    echo "run $i: the dashboard was not reported within 60 s"
    head -n 20 "$work/app.log"
    kill -KILL "$app_pid" 2>/dev/null
    exit 1
  fi
  sleep 3 # at rest
  pids=($(tree "$app_pid"))
  parts=""
  for p in "${pids[@]}"; do parts+=" $(tr -d '\0' </proc/"$p"/comm 2>/dev/null | cut -c1-12)=$(rss_of "$p")"; done
  a=$(rss_of "$app_pid")
  r=$(($(kb_sum status VmRSS "${pids[@]}") / 1024))
  p=$(($(kb_sum smaps_rollup Pss "${pids[@]}") / 1024))
  kind="views kept"
  [[ $cold == 1 || $i == 1 ]] && kind="views computed"
  echo "run $i ($kind): ready_ms=$ms app_rss_mb=$a rss_mb=$r pss_mb=$p (RSS MB:$parts)"
  # Where the time went: the UI's steps on the same clock (page = the webview starts loading).
  sed -n 's/^startup_marks /       /p' "$work/app.log" | head -n 1
  if [[ $cold == 1 || $i -gt 1 || $runs == 1 ]]; then
    ready+=("$ms")
    app_rss+=("$a")
    rss+=("$r")
    pss+=("$p")
  fi
  kill -TERM "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null
  app_pid=""
done
which="of $runs"
[[ $cold == 0 && $runs -gt 1 ]] && which="of runs 2-$runs (views kept)"
echo "median $which: ready_ms=$(printf '%s\n' "${ready[@]}" | median) app_rss_mb=$(printf '%s\n' "${app_rss[@]}" | median) rss_mb=$(printf '%s\n' "${rss[@]}" | median) pss_mb=$(printf '%s\n' "${pss[@]}" | median)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
