#!/usr/bin/env bash
# Installs what tierlens needs to build and test, from the package registries only (crates.io,
# npm, Debian). Idempotent: each step checks first, so a second run takes seconds.
#   scripts/setup.sh            build tools (wasm target, trunk, wasm-bindgen, npm assets)
#   scripts/setup.sh --browser  also Debian's chromium + chromium-driver for the browser tests
#   scripts/setup.sh --broker   also the tansu broker (crates.io) for `tierlens collect`'s
#                               end-to-end tests, at $TANSU (scripts/env.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

TRUNK_VERSION=0.21.14   # 0.22 needs a newer rustc than this machine's
# wasm-bindgen's CLI must equal the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml || {
  echo "setup: Trunk.toml [tools] wasm_bindgen must be $WASM_BINDGEN_VERSION (Cargo.lock)" >&2; exit 1; }

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about two minutes, once)"
  # --locked fails here (the index lacks one locked dependency); an unlocked build works.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -f node_modules/echarts/dist/echarts.min.js ] || [ ! -x node_modules/.bin/wasm-opt ] \
   || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm assets (echarts, binaryen's wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

BROWSER=""; BROKER=""
for a in "$@"; do
  case "$a" in
    --browser) BROWSER=1 ;;
    --broker) BROKER=1 ;;
    *) echo "setup: unknown option $a" >&2; exit 2 ;;
  esac
done

if [ -n "$BROWSER" ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "installing Debian chromium + chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q chromium chromium-driver >/dev/null \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium chromium-driver >/dev/null; }
fi

# tansu: a Kafka-protocol broker with in-memory storage, built from crates.io once and kept
# outside the clone (a clean clone in CI reuses it). Its build directory is kept until the
# install succeeds, so an interrupted build resumes.
if [ -n "$BROKER" ] && ! "$TANSU" --version >/dev/null 2>&1; then
  root="$(dirname "$(dirname "$TANSU")")"
  say "building tansu $TANSU_VERSION, the test broker (about 15 minutes, once)"
  cargo install tansu --version "$TANSU_VERSION" --locked --no-default-features \
    --features dynostore --root "$root" --target-dir "$root.build"
  rm -rf "$root.build"
fi
