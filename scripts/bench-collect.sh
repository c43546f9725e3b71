#!/usr/bin/env bash
# `tierlens collect` against a tansu broker seeded with a synthetic cluster: wall time and peak
# memory of the collection, and the snapshot's size. Not part of the suite.
#   scripts/bench-collect.sh [TOPICS PARTITIONS SEGMENTS]    (default 10 10 1000: 100,000 segments)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --broker >&2
if [ $# -eq 3 ]; then SHAPE=("$@"); else SHAPE=(10 10 1000); fi
cargo build --release --bin tierlens -p tierlens-cli >&2
cargo build --release -p tierlens-collect --example seed_broker >&2
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p target/bench
"$TANSU" broker --listener-url "tcp://127.0.0.1:$PORT" --advertised-listener-url "tcp://127.0.0.1:$PORT" \
  --storage-engine memory://tansu/ > target/bench/tansu.log 2>&1 &
TANSU_PID=$!
trap 'kill $TANSU_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
target/release/examples/seed_broker "127.0.0.1:$PORT" "${SHAPE[@]}"
OUT=target/bench/collected.json.gz
/usr/bin/time -f '%e s wall, %M KB peak RSS' target/release/tierlens collect \
  --bootstrap "127.0.0.1:$PORT" --out "$OUT" --timeout 60s 2> target/bench/collect.err || { cat target/bench/collect.err; exit 1; }
grep -v "^tierlens: note" target/bench/collect.err
echo "snapshot: $(stat -c %s "$OUT") bytes gzipped"
