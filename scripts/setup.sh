#!/usr/bin/env bash
# Installs what Breakeven needs on a Debian 12 machine: system packages for the Tauri/WebKit
# desktop app and its headless tests, the web front end's npm packages, and (with --test) the
# Python tools the AWS tests run against. Safe to run again: it only installs what is missing.
#
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ---- system packages -------------------------------------------------------------------------
APT_PACKAGES=(
  build-essential pkg-config file curl ca-certificates
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev patchelf
  xvfb xauth xdotool webkit2gtk-driver imagemagick librsvg2-bin
  nodejs npm python3 python3-venv
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and Python may come from elsewhere than apt (nvm, pyenv): accept them when new enough.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
if command -v python3 >/dev/null && python3 -c 'import venv' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}"); missing=("${missing[@]/python3}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The front end's build tools (Vite 8) need Node.js 20.19 or newer; Debian 12 ships 18.
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo 0)
if [ "$node_ok" != 1 ]; then
  echo "error: Node.js 20.19 or newer is required (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "       Install a current Node.js LTS (for example from the Node.js project's Debian packages) and run this again." >&2
  exit 1
fi

# ---- Rust --------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  say "installing the Rust toolchain (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

# ---- web front end -----------------------------------------------------------------------------
if [ -f ui/package.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "installing the front end's npm packages"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# ---- Python test tools (AWS-protocol test server) ----------------------------------------------
if [ "$want_test" = 1 ] && [ -f tests/moto/requirements.txt ]; then
  venv="${BREAKEVEN_VENV:-$HOME/.cache/breakeven/venv}"
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the Python test environment in $venv"
    python3 -m venv "$venv"
  fi
  stamp="$venv/.requirements.sha"
  sum=$(sha256sum tests/moto/requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    say "installing Python test tools"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r tests/moto/requirements.txt
    echo "$sum" >"$stamp"
  fi
fi
