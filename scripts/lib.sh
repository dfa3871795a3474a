# Shared settings for the scripts: sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Every cargo command sees the variables cargo-leptos sets for `cargo leptos build --release`.
# Leptos reads some of them at compile time (LEPTOS_OUTPUT_NAME decides the wasm file name the
# pages load), so with the same values `cargo bench` reuses the release build instead of
# recompiling the leptos crates, and tests render the same pages as the release server.
export LEPTOS_OUTPUT_NAME=auyl
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_RELOAD_PORT=3001
export LEPTOS_LIB_DIR=frontend
export LEPTOS_BIN_DIR=server
export LEPTOS_JS_MINIFY=true
export LEPTOS_HASH_FILES=true
export LEPTOS_HASH_FILE_NAME=hash.txt
# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock")"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-always}"

CARGO_LEPTOS_VERSION=0.3.10

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

# The release build of the site: the server, and the wasm split per island (`#[island(lazy)]`: a
# page fetches the code of its own islands only), with hashed file names and brotli and gzip
# copies of the static files (served as they are; see server/src/assets.rs).
build_site() { cargo leptos build --release --precompress --split "$@"; }

# The build tools are compiled once on a fresh machine, and their speed barely matters (they
# process one wasm file and a stylesheet), so they are built at opt-level 1 without LTO:
# cargo-leptos's own profile (fat LTO, one codegen unit) made its install the longest step
# of a cold `make test`: 10 min 44 s here instead of 16-20 (2026-12-07, 2 cores).
quick_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo install "$@"
}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs Debian packages; refreshes the package lists first only if they are too old to know them.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y "$@" >/dev/null 2>&1 || {
    $SUDO apt-get update >/dev/null && $SUDO apt-get install -y "$@" >/dev/null
  }
}
