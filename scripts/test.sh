#!/usr/bin/env bash
# Runs every test layer, installing what is missing first:
#   1. Rust unit and integration tests, natively (cargo test)
#   2. wasm-bindgen-test tests of the bindings in a dedicated worker, in headless Chromium
#   3. the type check of the page's JavaScript (tsc over its JSDoc types, npm run typecheck),
#      after the wasm build, whose www/pkg/automl.d.ts types the engine's exports
#   4. browser tests of the real page (node:test + playwright-core driving Debian's Chromium), on
#      both builds of the page: the production page (www/) and, for the tests that use a test
#      hook, the test build (build/test-www/, scripts/build-wasm.sh --test)
#   5. the three engines: the wasm tests of layer 2 again in Firefox ESR (geckodriver) and
#      WebKitGTK (WebKitWebDriver on a virtual display), and one end-to-end flow of the page in
#      Chromium, Firefox ESR and WebKitGTK (tests/engines/)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Each layer's time, printed as it ends and again at the end (keep `npm test` under 60 minutes).
TIMES=()
started=$SECONDS
layer_started=$SECONDS
layer_name="set-up (install what is missing)"
end_layer() {
  local took=$((SECONDS - layer_started))
  TIMES+=("$(printf '%4d s  %s' "$took" "$layer_name")")
  echo "-- $layer_name: ${took} s"
  layer_started=$SECONDS
  layer_name="$1"
}
trap 'echo "== times"; printf "%s\n" "${TIMES[@]}"; echo "total: $((SECONDS - started)) s"' EXIT

bash scripts/setup.sh --engines
end_layer "1/5 native Rust tests"

echo "== 1/5 native Rust tests"
cargo test --profile test-release
end_layer "2/5 wasm tests"

echo "== 2/5 wasm tests in headless Chromium (dedicated worker)"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --profile test-release --target wasm32-unknown-unknown --test wasm --test conformance
end_layer "3/5 page builds and type check"

echo "== 3/5 page: both builds of the page and the benchmark helper, then the type check of its JavaScript (tsc)"
bash scripts/build-wasm.sh --test --bench
npm run --silent typecheck
end_layer "4/5 page unit and browser tests"

echo "== 4/5 page: unit tests of the page's pure modules, then browser tests of the page"
node --test tests/unit/
node --test --test-concurrency=1 tests/browser/
end_layer "5/5 engines"

echo "== 5/5 engines: the wasm tests in Firefox ESR and WebKitGTK, then the page in all three engines"
# The wasm tests of layer 2 (already built): wasm-bindgen-test-runner picks the driver named by
# GECKODRIVER, else SAFARIDRIVER, else CHROMEDRIVER. WebKitWebDriver speaks the W3C protocol
# the runner uses for safaridriver (the runner prints "Safari"; the browser is WebKitGTK's
# MiniBrowser), and WebKitGTK needs an X display: xvfb-run.
GECKODRIVER="$(command -v geckodriver)" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver-firefox.json" \
  cargo test --profile test-release --target wasm32-unknown-unknown --test wasm --test conformance
SAFARIDRIVER="$(command -v WebKitWebDriver)" WEBKIT_DISABLE_COMPOSITING_MODE=1 \
  xvfb-run -a cargo test --profile test-release --target wasm32-unknown-unknown --test wasm --test conformance
node --test --test-concurrency=1 tests/engines/
end_layer ""
