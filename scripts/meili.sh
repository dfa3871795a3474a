#!/usr/bin/env bash
# The real Meilisearch 1.50.0 server for tests and benchmarks. No package registry ships it, so
# it comes from the workplace's shared tools (`../shared/tools/meilisearch/meilisearch`, beside
# this checkout or beside the checkout this one was cloned from), or from `MEILI_BIN`. A user's
# own machine has none: then everything that needs it is skipped with the reason printed.
#
#   meili.sh bin     prints the binary's path; exits 1 with the reason on stderr when absent
#   meili.sh start   starts one on a free port (from 7700) with a temporary --db-path and a random
#                    key; prints `MEILI_URL=… MEILI_API_KEY=… MEILI_PID=…` (for `eval`/`export`)
#   meili.sh stop    stops the server `start` started and removes its data
set -euo pipefail
source "$(dirname "$0")/lib.sh"

STATE="$ROOT/target/meili"
WANT_VERSION="1.50.0"

candidates() {
  [ -n "${MEILI_BIN:-}" ] && echo "$MEILI_BIN"
  echo "$ROOT/../shared/tools/meilisearch/meilisearch"
  # A fresh clone (CI) lives elsewhere; the checkout it was cloned from has the shared tools
  # beside it.
  local origin
  origin="$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || true)"
  case "$origin" in
    file://*) origin="${origin#file://}" ;;
  esac
  if [ -n "$origin" ] && [ -d "$origin" ]; then
    echo "$(cd "$origin" && pwd)/../shared/tools/meilisearch/meilisearch"
  fi
}

find_bin() {
  local c version
  while read -r c; do
    [ -x "$c" ] || continue
    version="$("$c" --version 2>/dev/null | awk '{print $2}')"
    if [ "$version" = "$WANT_VERSION" ]; then
      echo "$(cd "$(dirname "$c")" && pwd)/$(basename "$c")"
      return 0
    fi
    echo "meili.sh: $c is Meilisearch ${version:-of unknown version}, not $WANT_VERSION" >&2
  done < <(candidates)
  echo "no Meilisearch $WANT_VERSION binary: none at ../shared/tools/meilisearch/meilisearch and MEILI_BIN is unset" >&2
  return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
  bin)
    find_bin
    ;;
  start)
    BIN="$(find_bin)"
    "$0" stop
    mkdir -p "$STATE"
    DIR="$(mktemp -d "$STATE/run.XXXXXX")"
    PORT="${MEILI_TEST_PORT:-7700}"
    while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
    KEY="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    (cd "$DIR" && exec "$BIN" --db-path "$DIR/db" --dump-dir "$DIR/dumps" \
      --http-addr "127.0.0.1:$PORT" --master-key "$KEY" --no-analytics --env development \
      >"$DIR/server.log" 2>&1) &
    PID=$!
    echo "$PID $DIR" >"$STATE/current"
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
      sleep 0.1
    done
    if ! curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
      echo "meili.sh: Meilisearch did not answer on port $PORT (log: $DIR/server.log)" >&2
      "$0" stop
      exit 1
    fi
    echo "MEILI_URL=http://127.0.0.1:$PORT MEILI_API_KEY=$KEY MEILI_PID=$PID"
    ;;
  stop)
    if [ -f "$STATE/current" ]; then
      read -r PID DIR <"$STATE/current"
      kill "$PID" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
      rm -rf "$DIR" "$STATE/current"
    fi
    ;;
  *)
    echo "usage: $0 bin|start|stop" >&2
    exit 2
    ;;
esac
