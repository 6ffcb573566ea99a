#!/usr/bin/env bash
# Regenerate the front end's wire types (ui/src/lib/generated/) from the Rust types (test builds
# derive them; normal builds do not). It builds like every other test (`--workspace`), so it
# reuses the shared dependency build. With --check, regenerate and
# fail when that changed any committed file, or when hand-written TypeScript declares a type under
# a generated name (scripts/check-ts-mirrors.sh): the Rust types and the views must not drift apart.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The desktop crate embeds ui/dist at compile time: it must exist, even empty, to build.
[[ -d ui/dist ]] || mkdir -p ui/dist
cargo test --quiet --locked --workspace export_bindings >&2
if [[ "${1:-}" == "--check" ]]; then
  changes="$(git status --porcelain -- ui/src/lib/generated)"
  if [[ -n "$changes" ]]; then
    echo "ui/src/lib/generated/ is out of date with the Rust types; run scripts/gen-types.sh and commit:" >&2
    echo "$changes" >&2
    exit 1
  fi
  echo "ok - generated TypeScript types match the Rust types"
  "$root/scripts/check-ts-mirrors.sh"
fi
