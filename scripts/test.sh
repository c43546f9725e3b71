#!/usr/bin/env bash
# Sets up what is missing, then runs every test: formatting, lints, the native suites (core
# engine, CLI, chart options) and the end-to-end browser tests of the release bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --browser --broker

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
NATIVE=(-p tierlens-core -p tierlens-cli -p tierlens-charts -p tierlens-embed -p tierlens-collect)

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native crates, all targets; the app for wasm32)"
cargo clippy "${NATIVE[@]}" --all-targets -- -D warnings
cargo clippy -p tierlens-app --target wasm32-unknown-unknown -- -D warnings

step "native tests"
cargo test "${NATIVE[@]}"

step "tierlens collect against a real broker (tansu, in memory, started and stopped by the tests)"
cargo test -p tierlens-cli --test collect_tansu -- --ignored

step "release bundle (trunk build --release)"
cargo build --release --bin tierlens
trunk build --release

step "large snapshots and a listing for the browser tests (target/e2e, rewritten when gen_synth / gen_listing change)"
cargo build --release -p tierlens-core --example gen_synth --example gen_listing
mkdir -p target/e2e
synth() { # TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION
  local out="target/e2e/synth-${1}x${2}x${3}.json"
  if [ ! -f "$out" ] || [ target/release/examples/gen_synth -nt "$out" ]; then
    target/release/examples/gen_synth "$out" "$@"
  fi
}
listing() { # the bucket of `synth` with the same shape, as `aws s3 ls` prints it
  local out="target/e2e/listing-${1}x${2}x${3}.txt"
  if [ ! -f "$out" ] || [ target/release/examples/gen_listing -nt "$out" ]; then
    target/release/examples/gen_listing "$out" "$@"
  fi
}
synth 1 10000 2
synth 150 10 2
synth 1 1 200000
listing 150 10 2

step "browser end-to-end tests (headless Chromium)"
node tests/e2e/run.mjs
