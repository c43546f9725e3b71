# Sourced by the scripts: puts cargo-installed tools and npm's wasm-opt (binaryen 132) first on
# PATH. Debian's wasm-opt 108 breaks the release build, so it must never be the one trunk finds.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The test broker for `tierlens collect` (scripts/setup.sh --broker builds it once, outside the
# clone, so clean clones reuse it).
export TANSU_VERSION=0.6.0
export TANSU="${TIERLENS_CACHE:-$HOME/.cache/tierlens}/tansu-$TANSU_VERSION/bin/tansu"
