#!/usr/bin/env bash
# Runs one cargo-fuzz target (fuzz/fuzz_targets/TARGET.rs) for SECONDS (default 600).
#   bash scripts/fuzz.sh read 600          read_csv + inspect on arbitrary bytes
#   bash scripts/fuzz.sh preprocess 600    read + Frame + Pipeline fit/transform
#   bash scripts/fuzz.sh model 600         model file load (framed and bare JSON) + predict + explain
# The corpus starts from the test files (tests/data, tests/data/hostile) and grows in
# fuzz/corpus/TARGET/ (not in git). A crash stops the run and leaves its input in
# fuzz/artifacts/TARGET/; after fixing it, copy that input to fuzz/regressions/TARGET/, where
# tests/hostile.rs replays it on every `npm test`. Replay one input: add its path after TARGET
# with `cargo +nightly fuzz run TARGET PATH` from the repository root.
# libFuzzer needs a nightly compiler: `+nightly` when rustup has it, otherwise RUSTC_BOOTSTRAP=1
# lets the stable compiler accept the nightly flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

target="${1:-}"
seconds="${2:-600}"
if [ -z "$target" ] || [ ! -f "fuzz/fuzz_targets/$target.rs" ]; then
  echo "usage: bash scripts/fuzz.sh TARGET [SECONDS]; targets: $(cd fuzz/fuzz_targets && ls | sed 's/\.rs$//' | tr '\n' ' ')" >&2
  exit 2
fi
if ! command -v cargo-fuzz >/dev/null; then
  echo "[fuzz] installing cargo-fuzz (once)"
  cargo install cargo-fuzz --locked
fi
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi

corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
# Seeds: every test file under 64 KiB (libFuzzer ignores the rest of a longer one anyway).
find tests/data -maxdepth 2 -type f -size -64k ! -name '*.md' ! -name '*.mjs' -exec cp -n {} "$corpus/" \;
if [ "$target" = model ]; then
  # a real model file, its bare JSON body, and the damaged ones
  find tests/data/model tests/data/hostile/models -type f -exec cp -n {} "$corpus/" \;
  for f in tests/data/model/*.automl; do
    sed '1,/^$/d' "$f" > "$corpus/$(basename "$f" .automl).json"
  done
fi

echo "[fuzz] $target for $seconds s (corpus $corpus)"
exec cargo "${toolchain[@]}" fuzz run "$target" "$corpus" -- \
  -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
