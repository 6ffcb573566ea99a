#!/usr/bin/env bash
# Fail when hand-written TypeScript declares a type under the name of a generated one
# (ui/src/lib/generated/, from the Rust types): a mirror written by hand drifts from the Rust
# type it copies, and a local declaration silently shadows the generated re-export.
# Run by `scripts/gen-types.sh --check`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/ui/src"
names="$(find lib/generated -maxdepth 1 -name '*.ts' ! -name index.ts -exec basename {} .ts \; | sort)"
if [[ -z "$names" ]]; then
  echo "no generated types in ui/src/lib/generated: run scripts/gen-types.sh" >&2
  exit 1
fi
alternatives="$(paste -sd'|' <<<"$names")"
# `interface X`, `type X =`, `type X<`, `enum X`, `class X`, exported or not.
pattern="(^|[^[:alnum:]_.])(interface|type|enum|class)[[:space:]]+($alternatives)([[:space:]]*[=<{]|[[:space:]]+extends|[[:space:]]*\$)"
mirrors="$(grep -rnE --include='*.ts' --include='*.svelte' --exclude-dir=generated --exclude-dir=node_modules "$pattern" . || true)"
if [[ -n "$mirrors" ]]; then
  echo "hand-written TypeScript mirrors a generated type; import it from ./generated (via lib/types) instead:" >&2
  echo "$mirrors" >&2
  exit 1
fi
echo "ok - no hand-written TypeScript type shares a name with a generated one ($(wc -l <<<"$names") generated)"
