#!/usr/bin/env bash
# Side-by-side browser benchmark: tierlens against a plain-JavaScript page (fetch → JSON.parse →
# loop) on one large synthetic snapshot, each in a fresh headless Chromium. Prints ONE JSON line
# on stdout (load times, renderer PSS, what-if timings, bundle sizes); progress goes to stderr.
# Not part of the test suite.
#
#   scripts/bench-browser.sh                 100 topics × 100 partitions × 100 segments (1M, ~240 MB)
#   scripts/bench-browser.sh 10 10 100       a quick run (10,000 segments)
#   BENCH_SPEC="10 10 100" scripts/bench-browser.sh
#   BENCH_SKIP_BUILD=1 ...                   reuse dist/ and target/release/tierlens as they are
#
# The snapshot is generated once into target/bench/ and reused while it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

say() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

read -r -a SPEC <<<"${*:-${BENCH_SPEC:-100 100 100}}"
if [ "${#SPEC[@]}" -ne 3 ] || ! [[ "${SPEC[0]}${SPEC[1]}${SPEC[2]}" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [TOPICS PARTITIONS_PER_TOPIC SEGMENTS_PER_PARTITION]  (got: ${SPEC[*]:-})" >&2
  exit 2
fi

scripts/setup.sh --browser >&2

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  say "release bundle (trunk build --release) and CLI"
  trunk build --release >&2
  cargo build --release --bin tierlens >&2
fi

SNAP="target/bench/synth-${SPEC[0]}x${SPEC[1]}x${SPEC[2]}.json"
if [ ! -s "$SNAP" ]; then
  say "generating $SNAP (once)"
  mkdir -p target/bench
  cargo run --release -q -p tierlens-core --example gen_synth -- "$SNAP.tmp" "${SPEC[@]}" >&2
  mv "$SNAP.tmp" "$SNAP"
else
  say "reusing $SNAP"
fi

say "measuring (node tests/bench/bench.mjs $SNAP)"
exec node tests/bench/bench.mjs "$SNAP"
