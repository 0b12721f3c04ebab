#!/usr/bin/env bash
# Installs whatever this project needs and is missing; a second run finds it all and is fast.
#   bash scripts/setup.sh            the wasm target, wasm-bindgen-cli, the npm packages
#   bash scripts/setup.sh --browser  the same, plus Chromium and ChromeDriver (for the tests)
#   bash scripts/setup.sh --engines  the same, plus the other two engines of the engines layer:
#                                    Firefox ESR and WebKitGTK's WebKitWebDriver (Debian's
#                                    firefox-esr, webkit2gtk-driver, and xvfb for WebKitGTK's
#                                    display), and geckodriver (cargo install --locked)
# Tools go where cargo, rustup and apt put them (~/.cargo/bin, /usr/bin), so later runs find them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly (pinned with = in Cargo.toml).
wb_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ -z "$wb_version" ]; then
  echo "[setup] could not read the pinned wasm-bindgen version from Cargo.toml" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb_version\$"; then
  say "installing wasm-bindgen-cli $wb_version (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "=$wb_version"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
apt_updated=false
apt_install() { # <package>...
  if [ "$apt_updated" = false ]; then
    $sudo_cmd apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

browser=false
engines=false
for arg in "$@"; do
  case "$arg" in
    --browser) browser=true ;;
    --engines) browser=true; engines=true ;;
    *) echo "usage: bash scripts/setup.sh [--browser] [--engines]" >&2; exit 2 ;;
  esac
done

if [ "$browser" = true ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and ChromeDriver from Debian's packages"
    apt_install chromium chromium-driver
  fi
fi

# The engines layer (scripts/test.sh): Firefox ESR through geckodriver, WebKitGTK through
# WebKitWebDriver on a virtual X display (Xvfb). geckodriver is not packaged by Debian: cargo
# builds it (about two minutes, once) at the version pinned here.
GECKODRIVER_VERSION=0.37.1
if [ "$engines" = true ]; then
  missing=()
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian's packages"
    apt_install "${missing[@]}"
  fi
  if ! geckodriver --version 2>/dev/null | head -1 | grep -q " $GECKODRIVER_VERSION "; then
    say "installing geckodriver $GECKODRIVER_VERSION (cargo install --locked, a few minutes, once)"
    cargo install --locked geckodriver --version "=$GECKODRIVER_VERSION"
  fi
fi
