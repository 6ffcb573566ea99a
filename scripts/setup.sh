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

# The front end's build tools (Vite 8) need Node.js 20.19 or newer; Debian 12 ships 18.
node_problem() {
  local ok
  ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo 0)
  [ "$ok" = 1 ] && return 1
  echo "error: Node.js 20.19 or newer is required (found: $(node --version 2>/dev/null || echo none))."
  echo "       Install a current Node.js LTS (for example from the Node.js project's Debian packages) and run this again."
}

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    # Only a sudo that works without a prompt: a build script must not stop to ask for a password.
    if sudo -n true 2>/dev/null; then
      SUDO="sudo -n"
    else
      {
        echo "error: these system packages are missing and cannot be installed from here (not root, and no sudo"
        echo "       without a password): ${missing[*]}"
        echo "       Install them as root, then run this again:"
        echo
        echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        echo
        # Debian 12's own nodejs is too old: say so now rather than after the install.
        if [[ " ${missing[*]} " == *" nodejs "* ]] || command -v node >/dev/null; then node_problem || true; fi
      } >&2
      exit 1
    fi
  fi
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if node_problem >&2; then
  exit 1
fi

# ---- Rust --------------------------------------------------------------------------------------
rust_help() {
  echo "       Install Rust with rustup (https://rustup.rs), then open a new shell and run this again:"
  echo
  echo "    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal"
  echo
  echo "       (Debian's own cargo package is too old: Breakeven needs Rust $rust_min or newer.)"
}
rust_min="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
[ -x "$HOME/.cargo/bin/cargo" ] && ! command -v cargo >/dev/null && export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null; then
  say "installing the Rust toolchain (rustup)"
  if ! rustup_init="$(curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs)" || [ -z "$rustup_init" ]; then
    { echo "error: cargo is not installed and the Rust installer could not be downloaded."; rust_help; } >&2
    exit 1
  fi
  sh -s -- -y --profile minimal <<<"$rustup_init"
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
rustc_version="$(rustc --version 2>/dev/null | cut -d' ' -f2)"
if [ -n "$rust_min" ] && [ "$(printf '%s\n%s\n' "$rust_min" "${rustc_version:-0}" | sort -V | head -n 1)" != "$rust_min" ]; then
  if command -v rustup >/dev/null; then
    say "updating Rust ($rustc_version is older than $rust_min)"
    rustup update stable
  else
    { echo "error: Rust $rust_min or newer is required (found: rustc ${rustc_version:-none})."; rust_help; } >&2
    exit 1
  fi
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
