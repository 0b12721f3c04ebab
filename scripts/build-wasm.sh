#!/usr/bin/env bash
# Builds the core to WebAssembly in release mode and writes the JS bindings to www/pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --lib --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir www/pkg --out-name automl \
  target/wasm32-unknown-unknown/release/automl.wasm
echo "[build] www/pkg/automl_bg.wasm: $(du -k www/pkg/automl_bg.wasm | cut -f1) KiB"
# The charting library (D3, an npm devDependency) is copied into the page's own files: the page
# loads nothing from another origin. www/vendor/ is not in git; this copy is its only source.
[ -f node_modules/d3/dist/d3.min.js ] || npm ci --no-audit --no-fund
mkdir -p www/vendor
cp node_modules/d3/dist/d3.min.js www/vendor/d3.min.js
cp node_modules/d3/LICENSE www/vendor/d3.LICENSE
# The build id: a hash of every file the page serves. The service worker (www/sw.js) imports
# it and names its cache after it, so each build is cached apart and picked up on the next visit.
build_id=$(cd www && find . -type f ! -path './pkg/build-id.js' -print0 | LC_ALL=C sort -z \
  | xargs -0 sha256sum | sha256sum | cut -c1-16)
printf '// Written by scripts/build-wasm.sh: the build the service worker caches.\nself.AUTOML_BUILD_ID = "%s";\n' \
  "$build_id" > www/pkg/build-id.js
echo "[build] www/pkg/build-id.js: $build_id"
