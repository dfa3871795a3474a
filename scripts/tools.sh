#!/usr/bin/env bash
# Installs what building the site needs, when it is missing: the wasm target, cargo-leptos,
# wasm-bindgen (the version in Cargo.lock) and wasm-opt (npm's binaryen; never Debian's 108,
# which builds a wasm that fails to hydrate). Idempotent: a second run installs nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes on 2 cores, once)"
  quick_install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  # Not --locked: its lock file names a crate version the registry mirror lacks.
  quick_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  apt_install nodejs npm
fi
if [ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]; then
  say "installing wasm-opt (binaryen 132 from npm)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund)
fi
