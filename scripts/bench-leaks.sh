#!/usr/bin/env bash
# Browser scale benchmark of the leak finder: a 1,000,000-segment snapshot (gen_synth default)
# and its 3,000,000-object bucket listing (gen_listing default, ~380 MB of `aws s3 ls`) loaded
# and reconciled in headless Chromium. Prints ONE JSON line (listing load, reconcile and total
# times, the longest main-thread task, renderer memory, totals == CLI). Not part of the tests.
#
#   scripts/bench-leaks.sh                 100 × 100 × 100
#   scripts/bench-leaks.sh 10 10 100       a quick run
#   BENCH_SKIP_BUILD=1 ...                 reuse dist/ and target/release/tierlens as they are
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
say() { printf '\033[1m[bench-leaks]\033[0m %s\n' "$*" >&2; }
read -r -a SPEC <<<"${*:-100 100 100}"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  say "release bundle and CLI"
  trunk build --release >&2
  cargo build --release --bin tierlens >&2
fi
cargo build --release -q -p tierlens-core --example gen_synth --example gen_listing >&2
mkdir -p target/bench
SNAP="target/bench/synth-${SPEC[0]}x${SPEC[1]}x${SPEC[2]}.json"
LIST="target/bench/listing-${SPEC[0]}x${SPEC[1]}x${SPEC[2]}.txt"
[ -s "$SNAP" ] || { say "generating $SNAP"; target/release/examples/gen_synth "$SNAP.tmp" "${SPEC[@]}" >&2; mv "$SNAP.tmp" "$SNAP"; }
[ -s "$LIST" ] || { say "generating $LIST"; target/release/examples/gen_listing "$LIST.tmp" "${SPEC[@]}" >&2; mv "$LIST.tmp" "$LIST"; }
say "measuring (node tests/bench/bench-leaks.mjs $SNAP $LIST)"
exec node tests/bench/bench-leaks.mjs "$SNAP" "$LIST"
