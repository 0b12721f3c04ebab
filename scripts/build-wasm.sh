#!/usr/bin/env bash
# Builds the page: the core to WebAssembly (cargo profile wasm-release: the release optimized for
# size), its JS bindings in www/pkg/ (with their TypeScript declarations, pkg/automl.d.ts,
# which the type check reads), and the chart modules of D3 the page uses, in www/vendor/.
#
# Two wasm builds of the same crate: the engine, pkg/automl_bg.wasm, without the workbook
# reader (--no-default-features), which the page loads first; and the workbook reader,
# pkg/workbook_bg.wasm (cargo feature workbook-engine, its own target directory
# target/workbook/), which turns a sheet into a table image for the engine; a worker loads it
# on the first workbook (the service worker has it cached by then). Both without the "name"
# and "producers" sections (function names for stack traces: a sixth of the engine's weight).
#
#   bash scripts/build-wasm.sh          the production page, www/ (no test hook anywhere)
#   bash scripts/build-wasm.sh --test   that, and also the test build of the page, build/test-www/
#   bash scripts/build-wasm.sh --bench  that (with or without --test), and the benchmark helper,
#                                       build/bench-node/ (scripts/bench-browser.mjs)
#
# The benchmark helper is not a page: the core for Node (wasm-bindgen --target nodejs) with the
# cargo feature `bench` (BenchFolds: a collection's folds cut and the page's predictions scored
# by the core), built with the test-release profile (no whole-program LTO: it builds in a
# fraction of the time, and LTO changes no result) in the default target directory, whose
# wasm32 dependencies the wasm tests have already built.
#
# The test build is the same page with the test hooks: an engine built with the cargo feature
# `test-hooks` (trigger_panic, the faultAfterTrials / faultKind fault injection) in its own
# pkg/, a pkg/build-flags.js with TEST_HOOKS = true (main.js then loads test-hooks.js, which
# sets window.__automl), and tests/page/test-hooks.js. Every other file is a symbolic link to
# www/, so an edit of the page shows in both builds; only a change of the Rust core (or a new
# file in www/) needs this script again. The feature build has its own cargo target directory
# (target/test-hooks/), so switching between the two builds never recompiles the other.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

test_build=false
bench_build=false
for arg in "$@"; do
  case "$arg" in
    --test) test_build=true ;;
    --bench) bench_build=true ;;
    *) echo "usage: bash scripts/build-wasm.sh [--test] [--bench]" >&2; exit 2 ;;
  esac
done

# pkg/build-flags.js: what main.js reads to know which build it is.
write_flags() { # <root> <true|false>
  printf '// Written by scripts/build-wasm.sh: which build of the page this is.\nexport const TEST_HOOKS = %s;\n' \
    "$2" > "$1/pkg/build-flags.js"
}

# The build id: a hash of every file the page serves. The service worker (www/sw.js) imports
# it and names its cache after it, so each build is cached apart and picked up on the next visit.
write_build_id() { # <root>
  local build_id
  build_id=$(cd "$1" && find -L . -type f ! -path './pkg/build-id.js' -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)
  printf '// Written by scripts/build-wasm.sh: the build the service worker caches.\nself.AUTOML_BUILD_ID = "%s";\n' \
    "$build_id" > "$1/pkg/build-id.js"
  echo "[build] $1/pkg/build-id.js: $build_id"
}

PROFILE=wasm-release
BINDGEN_FLAGS=(--target web --remove-name-section --remove-producers-section)
size() { echo "$(du -k "$1" | cut -f1) KiB, $(gzip -9c "$1" | wc -c | awk '{printf "%.0f", $1/1024}') KiB gzip -9"; }

# ---- the production page: www/ -----------------------------------------------------------
cargo build --profile "$PROFILE" --lib --target wasm32-unknown-unknown --no-default-features
# With its TypeScript declarations (pkg/automl.d.ts): the type check (tsconfig.json, npm run
# typecheck) reads the engine's exports from them. The page never loads them.
wasm-bindgen "${BINDGEN_FLAGS[@]}" --out-dir www/pkg --out-name automl \
  "target/wasm32-unknown-unknown/$PROFILE/automl.wasm"
echo "[build] www/pkg/automl_bg.wasm: $(size www/pkg/automl_bg.wasm)"
cargo build --profile "$PROFILE" --lib --target wasm32-unknown-unknown --features workbook-engine \
  --target-dir target/workbook
wasm-bindgen "${BINDGEN_FLAGS[@]}" --out-dir www/pkg --out-name workbook \
  "target/workbook/wasm32-unknown-unknown/$PROFILE/automl.wasm"
echo "[build] www/pkg/workbook_bg.wasm: $(size www/pkg/workbook_bg.wasm)"
write_flags www false
# The charting library (D3's modules, npm devDependencies) is copied into the page's own files:
# the page loads nothing from another origin. www/vendor/ is not in git; this copy is its only
# source. Only the modules the charts use, in one file, vendor/d3.min.js (scripts/vendor-d3.mjs).
[ -f node_modules/d3-selection/src/index.js ] || npm ci --no-audit --no-fund
rm -rf www/vendor
mkdir -p www/vendor
node scripts/vendor-d3.mjs www/vendor
write_build_id www

# ---- the benchmark helper: build/bench-node/ -----------------------------------------------
if $bench_build; then
  cargo build --profile test-release --lib --target wasm32-unknown-unknown --no-default-features --features bench
  wasm-bindgen --target nodejs --out-dir build/bench-node --out-name automl \
    target/wasm32-unknown-unknown/test-release/automl.wasm
  # CommonJS glue inside a "type": "module" package: its folder says so
  printf '{ "type": "commonjs" }\n' > build/bench-node/package.json
  echo "[build] build/bench-node/automl_bg.wasm: $(du -k build/bench-node/automl_bg.wasm | cut -f1) KiB"
fi

$test_build || exit 0

# ---- the test build: build/test-www/ -------------------------------------------------------
cargo build --profile "$PROFILE" --lib --target wasm32-unknown-unknown --no-default-features --features test-hooks \
  --target-dir target/test-hooks
test_root=build/test-www
rm -rf "$test_root"
mkdir -p "$test_root"
for entry in www/*; do
  [ "$entry" = www/pkg ] || ln -s "../../$entry" "$test_root/$(basename "$entry")"
done
ln -s ../../tests/page/test-hooks.js "$test_root/test-hooks.js"
wasm-bindgen "${BINDGEN_FLAGS[@]}" --no-typescript --out-dir "$test_root/pkg" --out-name automl \
  "target/test-hooks/wasm32-unknown-unknown/$PROFILE/automl.wasm"
# the same workbook reader as the production page's
cp www/pkg/workbook.js www/pkg/workbook_bg.wasm "$test_root/pkg/"
echo "[build] $test_root/pkg/automl_bg.wasm: $(du -k "$test_root/pkg/automl_bg.wasm" | cut -f1) KiB"
write_flags "$test_root" true
write_build_id "$test_root"
