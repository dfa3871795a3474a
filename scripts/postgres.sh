#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: `postgres.sh start` installs PostgreSQL when
# missing, initialises a cluster under target/postgres (trust auth, loopback only, the first free
# port from 55432) and starts it; `postgres.sh stop` stops it. Prints the admin URL the tests
# take as TEST_DATABASE_URL.
#
# `PG_FAST=1 postgres.sh start` starts it without waiting for the disk (fsync, synchronous_commit
# and full_page_writes off): for the integration tests, which create a database per test and
# never outlive the server (their run fell from about 7 minutes to 2 with this and the
# data directories in memory, 2026-12-07). A running server keeps the
# settings it was started with: stop it first to change them. The benchmarks and the crash and
# fault tests use the durable defaults.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DATA="$ROOT/target/postgres"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  # PostgreSQL refuses to run as root; as root, run it as the postgres user the package creates.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -z "$(bin_dir)" ]; then
      say "installing PostgreSQL"
      apt_install postgresql
    fi
    BIN="$(bin_dir)"
    if [ ! -f "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DATA"
      as_postgres "$BIN/initdb" -D "$DATA" -U postgres -A trust --no-instructions >/dev/null
    fi
    if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      # Another checkout's test server (or anything else) may hold the usual port.
      PORT="${PG_TEST_PORT:-55432}"
      while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
      echo "$PORT" >"$ROOT/target/postgres.port"
      OPTS="-p $PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300"
      [ "${PG_FAST:-0}" = 1 ] && OPTS="$OPTS -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 -o "$OPTS" start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$(cat "$ROOT/target/postgres.port")/postgres"
    ;;
  stop)
    BIN="$(bin_dir)"
    if [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ]; then
      as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
