#!/usr/bin/env bash
# The main command: installs what is missing, builds the wasm in release mode and serves the
# page on 127.0.0.1, printing its URL. Extra arguments go to the server (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
exec node scripts/serve.mjs "$@"
