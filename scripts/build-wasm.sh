#!/usr/bin/env bash
# Builds the core to WebAssembly in release mode and writes the JS bindings to www/pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --lib --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir www/pkg --out-name automl \
  target/wasm32-unknown-unknown/release/automl.wasm
echo "[build] www/pkg/automl_bg.wasm: $(du -k www/pkg/automl_bg.wasm | cut -f1) KiB"
