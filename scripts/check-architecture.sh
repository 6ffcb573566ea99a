#!/usr/bin/env bash
# The dependency direction is the architecture: the simulator crate must not depend on I/O,
# async runtimes, cloud SDKs, databases, dataframes or the GUI.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(tokio|aws-[a-z0-9-]+|rusqlite|libsqlite3-sys|polars[a-z0-9-]*|tauri[a-z0-9-]*|reqwest|hyper|wry) v'
deps=$(cargo tree --locked -p breakeven-simulator -e normal,build --prefix none --format '{p}' | sort -u)
bad=$(grep -E "$forbidden" <<<"$deps" || true)
if [ -n "$bad" ]; then
  echo "breakeven-simulator must stay pure, but depends on:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "breakeven-simulator: $(wc -l <<<"$deps") crates in its tree, none forbidden"
# The direction of imports inside src/ (no import circle, no forbidden direction) is checked by the
# `architecture` integration test: `cargo test --locked --workspace architecture`.
