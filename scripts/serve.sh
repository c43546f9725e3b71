#!/usr/bin/env bash
# Sets up what is missing, then serves the dashboard on the bundled demo snapshot at
# http://127.0.0.1:8080 (release build, rebuilt on change).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
exec trunk serve --release
