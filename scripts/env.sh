# Sourced by the scripts: puts cargo-installed tools and npm's wasm-opt (binaryen 132) first on
# PATH. Debian's wasm-opt 108 breaks the release build, so it must never be the one trunk finds.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
