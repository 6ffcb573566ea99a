#!/usr/bin/env bash
# Fuzzes every parser of outside input (scenario TOML and replay counts, catalog overrides, FOCUS
# CSV and Parquet, the Azure Functions 2019 trace, the CLI's counts, durations, dates and ranges,
# estimate's flags) with the stable-Rust driver in examples/fuzz.rs, each target for its share of
# the budget, and prints one table. Exits 1 when any target has a finding (a panic, a run over
# 1 s, a run allocating over 256 MiB, or a crash of the driver); reproducers are under --out.
#
#   scripts/fuzz.sh                      # 5 minutes in all
#   scripts/fuzz.sh --minutes 120 --seed 7 --out /tmp/fuzz-out   # default: $CARGO_TARGET_DIR/fuzz-out
#   scripts/fuzz.sh --minutes 1 --target cli-date
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=5
seed=1
out=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --target) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
# The example is built with the dev profile the tests use, so no dependency is rebuilt.
cargo build --workspace --locked --example fuzz >&2
bin="$CARGO_TARGET_DIR/debug/examples/fuzz"
out="${out:-$CARGO_TARGET_DIR/fuzz-out}"

if [ -n "$only" ]; then
  targets="$only"
else
  targets=$("$bin" --list | awk '{print $1}')
fi
count=$(echo "$targets" | wc -w)
share=$(awk -v m="$minutes" -v n="$count" 'BEGIN { printf "%.1f", m * 60 / n }')
echo "fuzzing $count targets for $share s each (seed $seed), reproducers in $out/" >&2

mkdir -p "$out"
passed=0
failed=0
header=""
rows=""
details=""
for t in $targets; do
  log="$out/$t.log"
  rc=0
  "$bin" --target "$t" --seconds "$share" --seed "$seed" --out "$out" >"$log" 2>"$out/$t.stderr" || rc=$?
  [ -z "$header" ] && header=$(sed -n 1p "$log")
  row=$(grep -E "^$t " "$log" || true)
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    if [ -z "$row" ]; then
      # The driver stopped itself (watchdog, memory ceiling) or crashed: say how.
      row="$t  stopped (exit $rc): $(tail -n 1 "$out/$t.stderr")"
    fi
    details+=$(grep -E '^  ' "$log" || true)$'\n'
  fi
  rows+="$row"$'\n'
done

echo "$header"
printf '%s' "$rows"
if [ "$failed" -gt 0 ]; then
  echo
  echo "findings:"
  printf '%s' "$details"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
