#!/usr/bin/env bash
# WebDriver end-to-end tests: tauri-driver (in front of WebKitWebDriver) on a virtual screen,
# driving every tests/desktop/*.test.mjs with webdriverio, one file at a time (one app instance
# each). Usage: e2e.sh APP CLI OUT_DIR. E2E_ONLY=e2e-whatif (a glob) runs only the matching files.
# tauri-driver is stopped with SIGTERM so it takes WebKitWebDriver down with it.
set -uo pipefail

app="$1"
cli="$2"
out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${E2E_IN_XVFB:-}" ]]; then
  E2E_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$@"
fi
mkdir -p "$out"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
port="$(free_port)"
native_port="$(free_port)"
while [[ "$native_port" == "$port" ]]; do native_port="$(free_port)"; done

# AWS profiles the app finds (names only are shown), never the machine's own ~/.aws files. When
# Python has moto, a local AWS endpoint (moto behind the test adapter, seeded with a small
# estate) lets the dashboard test sync the `e2e` profile for real.
aws="$out/aws"
mkdir -p "$aws"
export AWS_CONFIG_FILE="$aws/config" AWS_SHARED_CREDENTIALS_FILE="$aws/credentials" AWS_EC2_METADATA_DISABLED=true
printf '[profile e2e]\nregion = us-east-1\n[profile readonly-eu]\nregion = eu-west-1\n' >"$AWS_CONFIG_FILE"
printf '[e2e]\naws_access_key_id = AKIDBREAKEVENTEST\naws_secret_access_key = breakeven-test-secret\n' \
  >"$AWS_SHARED_CREDENTIALS_FILE"
py="${BREAKEVEN_PYTHON:-${BREAKEVEN_VENV:-$HOME/.cache/breakeven/venv}/bin/python}"
[[ -x "$py" ]] || py=python3
moto=""
if "$py" -c 'import moto, boto3, cbor2' 2>/dev/null; then
  "$py" "$here/../moto/server.py" --access-key AKIDBREAKEVENTEST >"$out/moto.out" 2>"$out/moto.log" &
  moto=$!
  for _ in $(seq 1 200); do
    grep -q '"port"' "$out/moto.out" 2>/dev/null && break
    sleep 0.1
  done
  endpoint="http://127.0.0.1:$(grep -oE '[0-9]+' "$out/moto.out" | head -n 1)"
  if "$py" "$here/../moto/seed.py" --endpoint "$endpoint" --functions 40 --hours 6 >"$out/moto-seed.json" 2>>"$out/moto.log"; then
    export AWS_ENDPOINT_URL="$endpoint" MOTO_ENDPOINT="$endpoint"
  fi
fi

# The debug app answers its file dialogs with files of this directory instead of showing them
# (a native dialog cannot be driven over WebDriver); nothing else ever sets it.
export BREAKEVEN_E2E_DIALOG_DIR="$(cd "$out" && pwd)/dialog"
rm -rf "$BREAKEVEN_E2E_DIALOG_DIR"
mkdir -p "$BREAKEVEN_E2E_DIALOG_DIR"

tauri-driver --port "$port" --native-port "$native_port" >"$out/tauri-driver.log" 2>&1 &
driver=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

BREAKEVEN_APP="$app" BREAKEVEN_CLI="$cli" WEBDRIVER_PORT="$port" SHOTS_DIR="$out" \
  UI_DIR="$here/../../ui" node --test --test-concurrency=1 --test-reporter=tap "$here"/${E2E_ONLY:-*}.test.mjs
status=$?

kill -TERM "$driver" 2>/dev/null
wait "$driver" 2>/dev/null
if [[ -n "$moto" ]]; then
  kill -TERM "$moto" 2>/dev/null
  wait "$moto" 2>/dev/null
fi
exit $status
