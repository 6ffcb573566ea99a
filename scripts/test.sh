#!/usr/bin/env bash
# Sets up what is missing, then runs every test: Rust unit and integration tests (the CLI, the
# price catalog, the simulator, AWS sync against a local AWS-protocol server), the architecture
# rules, the front end's tests and the desktop app end to end in its real webview under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/breakeven/target}"
venv="${BREAKEVEN_VENV:-$HOME/.cache/breakeven/venv}"
[ -x "$venv/bin/python" ] && export BREAKEVEN_PYTHON="$venv/bin/python"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "architecture: the simulator stays pure"
scripts/check-architecture.sh

step "formatting"
cargo fmt --all -- --check

# The desktop crate embeds ui/dist at compile time, so the front end is built before any cargo
# step; every cargo step then selects the whole workspace with its test targets, so one feature
# set — and one build of the dependency tree — serves the tests, the app and the CLI.
step "web front end (built first: the desktop crate embeds it)"
scripts/ui-build.sh

step "Rust tests (every crate, one dependency build)"
cargo test --locked --workspace

if [ -n "${BREAKEVEN_PYTHON:-}" ]; then
  step "the AWS test server's own checks: Athena over DuckDB, Metrics Insights"
  "$BREAKEVEN_PYTHON" tests/moto/test_athena.py
  "$BREAKEVEN_PYTHON" tests/moto/test_insights.py
fi

if [ -x scripts/desktop-test.sh ]; then
  step "desktop app: front-end tests, build, and end-to-end in the webview"
  scripts/desktop-test.sh
fi

step "package: the .deb (of the dev build) unpacks, its CLI runs and its app opens a window"
scripts/package-test.sh
