#!/usr/bin/env bash
# The release server at national scale, end to end over HTTP: `server seed --synthetic 10000
# --entrepreneurs 300000 --applications 1000000` (10,000 programmes besides the demo catalogue,
# an akim for each of the 2,385 okrugs, 300,000 entrepreneurs, 1,000,000 applications in every
# state), then the time of the load, of `server reindex` and of a cold start (process start to
# the first 200 from /healthz), 16 visitors at once on an okrug's report right after that start
# (the run fails unless each gets a 200 within 1 s), then wrk (2 threads × 16 connections,
# BENCH_SECONDS each, on 127.0.0.1 only) against: the search page and the JSON search, a static
# file of the same server (the baseline), the matches of one profile, the operator's queue, and
# the public report of an okrug, a district, a region and the country (the okrug's and the
# country's also at 64 connections); and the server's resident memory (peak, VmHWM) after the
# load.
#
#   scripts/bench_scale.sh sqlite|postgres ROWS_FILE
#
# Appends Markdown rows to ROWS_FILE. With MEILI_URL set (a real Meilisearch), the search rows
# are measured a second time with Meilisearch as the engine.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

BACKEND="${1:?usage: bench_scale.sh sqlite|postgres ROWS_FILE}"
ROWS="${2:?usage: bench_scale.sh sqlite|postgres ROWS_FILE}"
PORT="${BENCH_PORT:-3200}"
DURATION="${BENCH_SECONDS:-10}"
PROGRAMMES="${BENCH_PROGRAMMES:-10000}"
PEOPLE="${BENCH_ENTREPRENEURS:-300000}"
APPLICATIONS="${BENCH_APPLICATIONS:-1000000}"
OUT="$ROOT/target/bench/scale-$BACKEND"
mkdir -p "$OUT"
DATA="$(mktemp -d)"
SERVER_PID=""
DB_NAME=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$DB_NAME" ] && psql_admin -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$DATA"
}
trap cleanup EXIT

export DATA_DIR="$DATA" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" APP_TODAY=2026-11-27 RUST_LOG=warn
# The first rows are the embedded engine's; Meilisearch only for the last ones, if given.
MEILI="${MEILI_URL:-}"
unset DATABASE_URL MEILI_URL
label="SQLite"
if [ "$BACKEND" = postgres ]; then
  ADMIN="$(scripts/postgres.sh start)"
  psql_admin() { "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" "$ADMIN" -q "$@"; }
  DB_NAME="bench_scale_$$"
  psql_admin -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  export DATABASE_URL="${ADMIN%/postgres}/$DB_NAME"
  label="PostgreSQL"
fi
N="$(printf "%'d" "$APPLICATIONS" | tr "'" ',')"

say "$label: seed --synthetic $PROGRAMMES --entrepreneurs $PEOPLE --applications $APPLICATIONS"
start=$(date +%s.%N)
./target/release/server seed --synthetic "$PROGRAMMES" --entrepreneurs "$PEOPLE" \
  --applications "$APPLICATIONS" 2>/dev/null | tee "$OUT/seed.txt"
seed_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
load_s=$(awk '/entrepreneurs/ {for (i = 1; i <= NF; i++) if ($(i+1) == "s") print $i}' "$OUT/seed.txt" | tail -1)
reports_s=$(awk '/recomputed/ {for (i = 1; i <= NF; i++) if ($(i+1) == "s") print $i}' "$OUT/seed.txt" | tail -1)

say "$label: reindex"
start=$(date +%s.%N)
./target/release/server reindex 2>/dev/null | tee "$OUT/reindex.txt"
reindex_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
documents=$(awk '/indexed/ {print $3}' "$OUT/reindex.txt" | tail -1)

say "$label: cold start"
start=$(date +%s.%N)
./target/release/server >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
  sleep 0.05
done
cold_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')

# Right after the start, as when a report's link is shared in a village's chat group after a
# deploy: 16 visitors at once on an okrug's report nobody has opened since. Every answer must
# come within a second.
say "$label: 16 visitors at once right after the start"
visitors=()
for i in $(seq 16); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Accept-Encoding: br' \
    "http://127.0.0.1:$PORT/okrugs/101033000" &
  visitors+=($!)
done >"$OUT/first-visitors.txt"
wait "${visitors[@]}" # not the server's
read -r first_ok first_max < <(awk '$1 == 200 {ok++} $2 > m {m = $2} END {printf "%d %.3f\n", ok, m}' "$OUT/first-visitors.txt")

base="http://127.0.0.1:$PORT"
session() { # login -> cookie header value
  local jar="$OUT/jar-$1.txt"
  curl -s -c "$jar" -o /dev/null -H "Origin: $base" -H 'Accept: application/json' \
    --data-urlencode "login=$1" --data-urlencode password=demo-parol-2026 "$base/api/sign_in"
  awk '$6 == "auyl_session" {print "auyl_session=" $7}' "$jar"
}
entrepreneur="$(session +77010000001)"
operator="$(session operator@agrocredit.demo)"

measure() { # name url [cookie] -> "rps p50 p99 errors"
  local out args=(-t2 -c"${CONNECTIONS:-16}" -d"${DURATION}s" --latency -H 'Accept-Encoding: br')
  [ -n "${3:-}" ] && args+=(-H "Cookie: $3")
  out="$(wrk "${args[@]}" "$2")"
  echo "$out" >"$OUT/wrk-$1.txt"
  awk '/^Requests\/sec/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
       /Non-2xx/ {e = $NF} END {printf "%s %s %s %s\n", r, p50, p99, e + 0}' <<<"$out"
}
row() { # label name url [cookie]
  local rps p50 p99 errors
  read -r rps p50 p99 errors < <(measure "$2" "$3" "${4:-}")
  [ "$errors" -eq 0 ] || { echo "$2: $errors responses were not 2xx (see $OUT/wrk-$2.txt)" >&2; exit 1; }
  echo "| $label, $N applications: $1 | $rps req/s · p50 $p50 · p99 $p99 |" | tee -a "$ROWS"
}
q='%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82' # кредит
css="/pkg/$(basename "$(ls target/site/pkg/auyl.*.css | head -1)")"
{
  echo "| $label: \`server seed --synthetic $PROGRAMMES --entrepreneurs $PEOPLE --applications $APPLICATIONS\` | ${seed_s} s in all: bulk load ${load_s} s, recompute of every okrug's report ${reports_s} s, then reindex |"
  echo "| $label: \`server reindex\` ($documents programmes) | ${reindex_s} s |"
  echo "| $label: cold start (process start to the first 200 from /healthz) | ${cold_s} s |"
  echo "| $label: right after the start, 16 visitors at once on an okrug's report (must all be 200 within 1 s) | ${first_ok} of 16 answered 200, the slowest in ${first_max} s |"
} | tee -a "$ROWS"
if [ "$first_ok" -ne 16 ] || awk -v m="$first_max" 'BEGIN {exit !(m > 1)}'; then
  echo "right after the start: $first_ok of 16 answered 200, the slowest in $first_max s (see $OUT/first-visitors.txt)" >&2
  exit 1
fi
row "SSR /programs?q=кредит" ssr "$base/programs?q=$q"
row "JSON /api/v1/programs?q=кредит" api "$base/api/v1/programs?q=$q"
row "static $css (baseline, same run)" static "$base$css"
row "SSR /matches, one profile ranked against every open programme" matches "$base/matches" "$entrepreneur"
matches_kib=$(curl -s -H "Cookie: $entrepreneur" "$base/matches" | wc -c | awk '{printf "%.0f", $1 / 1024}')
echo "| $label, $N applications: SSR /matches, the page's HTML (at most 200 KiB) | ${matches_kib} KiB |" | tee -a "$ROWS"
[ "$matches_kib" -le 200 ] || { echo "/matches is ${matches_kib} KiB of HTML, over 200" >&2; exit 1; }
row "SSR /programs/auyl-amanaty-microcredit, signed in (how it fits the profile)" program-fit \
  "$base/programs/auyl-amanaty-microcredit" "$entrepreneur"
row "SSR /operator, the operator's queue (default view)" queue "$base/operator" "$operator"
row "SSR /okrugs/101033000, an okrug's report" okrug "$base/okrugs/101033000"
row "SSR /okrugs/101000000, a district's report" district "$base/okrugs/101000000"
row "SSR /okrugs/100000000, a region's report" region "$base/okrugs/100000000"
row "SSR /okrugs/kz, the country's report" country "$base/okrugs/kz"
CONNECTIONS=64 row "SSR /okrugs/101033000, an okrug's report, 64 connections" okrug-64 "$base/okrugs/101033000"
CONNECTIONS=64 row "SSR /okrugs/kz, the country's report, 64 connections" country-64 "$base/okrugs/kz"
rss=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER_PID/status")
now=$(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER_PID/status")
echo "| $label, $N applications: server resident memory after the load above | peak ${rss} · now ${now} |" | tee -a "$ROWS"

if [ -n "$MEILI" ]; then
  say "$label: the same searches with Meilisearch ($MEILI)"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  MEILI_URL="$MEILI" ./target/release/server reindex >/dev/null 2>&1
  MEILI_URL="$MEILI" ./target/release/server >"$OUT/server-meili.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.05; done
  row "JSON /api/v1/programs?q=кредит, Meilisearch" api-meili "$base/api/v1/programs?q=$q"
  row "SSR /programs?q=кредит, Meilisearch" ssr-meili "$base/programs?q=$q"
fi
