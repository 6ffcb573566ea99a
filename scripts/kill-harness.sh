#!/usr/bin/env bash
# Interruptions at scale: SIGKILLs `breakeven sync` (against the local AWS-protocol test server),
# `import focus`, `import trace` and `demo` at random moments, runs each again to completion and
# checks that the database holds exactly the rows of an uninterrupted run and passes
# `PRAGMA integrity_check` (tests/kill.rs). Prints, per command, the kills survived and the
# mismatches, then one line: `kills: sync 100/100, import-focus 100/100, …`.
#
#   scripts/kill-harness.sh [--kills N] [--seed S]     # N kills per command (default 100)
#
# Exit code: 0 when every kill was survived, 1 otherwise, 2 for bad options.
set -euo pipefail
cd "$(dirname "$0")/.."

kills=100
seed=""
usage() { sed -n '8p' "$0" | sed 's/^#  *//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) kills="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
    --seed) seed="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$kills" =~ ^[1-9][0-9]*$ ]]; then
  echo "--kills must be a positive whole number, not '$kills'" >&2
  exit 2
fi
if [ -n "$seed" ] && ! [[ "$seed" =~ ^[0-9]+$ ]]; then
  echo "--seed must be a whole number, not '$seed'" >&2
  exit 2
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
venv="${BREAKEVEN_VENV:-$HOME/.cache/breakeven/venv}"
if [ -z "${BREAKEVEN_PYTHON:-}" ] && [ -x "$venv/bin/python" ]; then
  export BREAKEVEN_PYTHON="$venv/bin/python"
fi
export BREAKEVEN_KILLS="$kills"
[ -n "$seed" ] && export BREAKEVEN_KILL_SEED="$seed"
# The packages to build: like scripts/test.sh, the whole workspace, so the test build's
# dependencies are reused (override with BREAKEVEN_CARGO_SELECT).
read -r -a select <<< "${BREAKEVEN_CARGO_SELECT:---workspace}"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
set +e
# One test at a time: every kill moment is drawn from a reference run timed on an idle machine.
cargo test --locked "${select[@]}" --test tests -- kill:: --nocapture --test-threads 1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))

echo
summary=()
mismatches=0
for command in sync import-focus import-trace demo; do
  # Not anchored: with --nocapture the line can follow a test's name on the same line.
  line="$(grep -oE "kill-harness: $command [0-9]+/[0-9]+ kills survived, [0-9]+ mismatches \([^)]*\)" "$log" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    echo "$command: no result (skipped or failed before its summary; see above)"
    summary+=("$command skipped")
    continue
  fi
  echo "${line#kill-harness: }"
  ratio="$(sed -E 's/^kill-harness: [a-z-]+ ([0-9]+\/[0-9]+) .*/\1/' <<< "$line")"
  m="$(sed -E 's/.* ([0-9]+) mismatches.*/\1/' <<< "$line")"
  mismatches=$(( mismatches + m ))
  summary+=("$command $ratio")
done
printf 'wall time: %dm%02ds, %d mismatches, seed %s\n' $(( elapsed / 60 )) $(( elapsed % 60 )) \
  "$mismatches" "${BREAKEVEN_KILL_SEED:-default}"
( IFS=','; echo "kills: ${summary[*]}" | sed 's/,/, /g' )
[ "$status" -eq 0 ] || exit 1
