#!/usr/bin/env bash
# Compare the serverless engine with SimFaaS and pacsltk on a grid of arrival rates and expiry
# thresholds, and write the table (with the speed of both on the same case) to
# simulator/VALIDATION.md. Installs both into a throwaway virtualenv; takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
for pkg in simfaas pacsltk; do
  if ! "$tmp/venv/bin/pip" download --no-deps -q -d "$tmp/check" "$pkg"; then
    echo "error: $pkg cannot be downloaded from the package index; the comparison needs it" >&2
    exit 1
  fi
done
"$tmp/venv/bin/pip" install -q simfaas pacsltk

# The simulator crate is optimised in dev builds too (see Cargo.toml), so a debug CLI is enough
# for the table; the speed comparison uses a release build of the simulator crate alone.
cargo build -q -p breakeven --bin breakeven
CARGO_TARGET_DIR="$HOME/.cache/breakeven/sim-target" cargo build -q --release -p breakeven-simulator --example month
"$tmp/venv/bin/python" scripts/validate_simfaas.py "$CARGO_TARGET_DIR/debug/breakeven" simulator/VALIDATION.md \
  "$HOME/.cache/breakeven/sim-target/release/examples/month"
