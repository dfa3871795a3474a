#!/usr/bin/env bash
# Regenerates the sea-orm entities from the migrations: migrate a scratch PostgreSQL database,
# run sea-orm-cli on it, and put the files in place (mod.rs becomes entities.rs, as this codebase
# uses `foo.rs` + `foo/` modules). Entities are never edited by hand.
#
# PostgreSQL, not SQLite: SQLite reports every integer column as 64-bit, and entities generated
# from it would not decode PostgreSQL's 32-bit columns; entities generated from PostgreSQL read
# both backends.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if ! sea-orm-cli --version 2>/dev/null | grep -q "2.0.4"; then
  say "installing sea-orm-cli 2.0.4 (PostgreSQL)"
  cargo install sea-orm-cli --version 2.0.4 --no-default-features --features codegen,sqlx-postgres,runtime-tokio-rustls
fi
admin="$(scripts/postgres.sh start)"
name="entities_$$"
psql -q "$admin" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
url="${admin%/*}/$name"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"; psql -q "$admin" -c "DROP DATABASE IF EXISTS $name"' EXIT
DATABASE_URL="$url" cargo run -q -p migrations -- up
sea-orm-cli generate entity -u "$url" -o "$scratch/out" --ignore-tables seaql_migrations
rm -rf app/src/ssr/db/entities
mkdir -p app/src/ssr/db/entities
mv "$scratch/out/mod.rs" app/src/ssr/db/entities.rs
mv "$scratch/out/"*.rs app/src/ssr/db/entities/
cargo fmt --all
say "entities regenerated; review with git diff"
