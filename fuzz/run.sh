#!/usr/bin/env bash
# Runs one fuzz target (or all three, one after another) for SECONDS each (default 600), with
# seeds from the repository's fixtures (equivalent to `cargo +nightly fuzz run TARGET corpus/TARGET --
# -max_total_time=SECONDS -jobs=1 -workers=1`): tests/malformed/, tests/data/, crates/core/tests/data/
# fuzz-regressions/. Logs: fuzz/logs/TARGET.log. Usage: fuzz/run.sh [TARGET] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
targets=${1:-"formatter_dump stream_loader whatif_index"}
secs=${2:-600}
mkdir -p logs
# Built once, then run directly: the code under test is what was built here, whatever is edited
# while the targets run.
[ "${NO_BUILD:-}" = 1 ] || cargo +nightly fuzz build
bin=target/x86_64-unknown-linux-gnu/release
for t in $targets; do
  mkdir -p "corpus/$t"
  case $t in
    stream_loader)
      dict=(-dict=dict/snapshot.dict)
      # Two bytes of chunking seed, then the document.
      for f in ../tests/malformed/*.* ../tests/data/* ../crates/core/tests/data/fuzz-regressions/stream_loader-*; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] || continue
        { printf '\x01\x07'; cat "$f"; } > "corpus/$t/seed-$(basename "$f")"
      done ;;
    formatter_dump)
      dict=(-dict=dict/formatter_dump.dict)
      for f in ../tests/malformed/*.txt ../tests/data/*.txt ../crates/core/tests/data/fuzz-regressions/formatter_dump-*; do
        [ -f "$f" ] || continue
        { printf '\x05'; cat "$f"; } > "corpus/$t/seed-$(basename "$f")"
      done ;;
    *) dict=() ;;
  esac
  mkdir -p "artifacts/$t"
  "$bin/$t" -artifact_prefix="artifacts/$t/" "${dict[@]}" -max_total_time="$secs" \
    -jobs=1 -workers=1 -print_final_stats=1 "corpus/$t" > "logs/$t.driver.log" 2>&1 || true
  # With -jobs libFuzzer writes the worker's output to fuzz-0.log.
  [ -f fuzz-0.log ] && mv fuzz-0.log "logs/$t.log"
done
