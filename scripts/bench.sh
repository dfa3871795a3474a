#!/usr/bin/env bash
# `make bench`: the figures the issues ask for, as one Markdown table.
#   - search at 10,000 synthetic programmes on every engine, side by side: latency (p50/p99) over
#     a fixed mix and the judged queries, nDCG@10 and recall on the judged set, and the engines'
#     agreement over every judged query with five sets of filters; Meilisearch is the real 1.50
#     server when its binary is there (scripts/meili.sh), its rows say so otherwise;
#   - SSR throughput of /programs?q=… against a static file of the same server, same run (wrk);
#   - the weight of the shared wasm runtime, and each page's first visit as transferred (the
#     weight spec that make test runs, here at 10,000 programmes), with the slow-network LCP;
#   - freshness (an edit's commit to its visibility in search) and the outbox drain rate;
#   - the message outbox: SMS drained per second through the Mobizon adapter to an HTTP stub,
#     one worker and two, with 1,000,000 delivered messages in the table (SQLite, PostgreSQL);
#   - durable submissions per second with 1,000,000 existing applications, SQLite and PostgreSQL
#     (adds under a minute after its build: the bulk load and the submissions).
#   - public okrug, district, region and country report pages (p50/p99 of the service, as they
#     are and right after a write) with 1,000,000 applications over every okrug, and the
#     recompute of every okrug after the bulk load, SQLite and PostgreSQL (adds about 3½ minutes
#     after its build: 1½ on SQLite, 2 on PostgreSQL, most of it the bulk loads).
#   - the operator's review queue (p50/p99 of the service for six views: the default, one state,
#     one region, nobody assigned, by amount, page 50), the application view with the operator's
#     desk and the queue's CSV export, with 1,000,000 applications in one operator's queue,
#     SQLite and PostgreSQL (adds about 7½ minutes after its build: 3¾ on each, each view timed
#     for at most 20 seconds or 150 calls).
#   - loans after the money: the operator's portfolio page (p50/p99 of the service for four
#     views: the default, bucket=31-60, one region, page 50), one okrug's portfolio CSV, PAR30
#     of 200 okrugs and of the country, and the import of a 100,000-line CSV of repayments
#     (lines per second of the preview and of the import), with 250,000 paid loans of one
#     lender out of 1,000,000 applications (3,000,000 instalments, 2,000,000 repayments),
#     SQLite and PostgreSQL (adds about 8 minutes after its build: 3½ on SQLite, 4½ on
#     PostgreSQL, each view timed for at most 20 seconds or 150 calls).
#   - the release server at national scale over HTTP (scripts/bench_scale.sh), SQLite and
#     PostgreSQL: the synthetic load, reindex, cold start, search, matches, the queue, reports,
#     the static baseline, resident memory.
# Writes docs/benchmarks.md (machine, date, commit, command, the table). Everything runs on
# 127.0.0.1 only, bounded in time (about 35 minutes after the build).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

for tool in wrk brotli; do
  if ! command -v "$tool" >/dev/null; then
    say "installing $tool"
    apt_install "$tool"
  fi
done

PORT="${BENCH_PORT:-3200}"
DURATION="${BENCH_SECONDS:-10}"
DATA="$(mktemp -d)"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"
rows="$OUT/rows.md"
: >"$rows"
cleanup() { [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$DATA"; scripts/postgres.sh stop; }
trap cleanup EXIT

say "search on every engine, side by side (cargo bench)"
MEILI_BIN="$(scripts/meili.sh bin || true)" cargo bench -q -p server --bench search 2>/dev/null | grep '^|' | tee -a "$rows"

say "search outbox: freshness and drain rate (SQLite and PostgreSQL)"
BENCH_DATABASE_URL="$(scripts/postgres.sh start)" cargo bench -q -p server --bench outbox 2>/dev/null | grep '^|' | tee -a "$rows"

say "message outbox: SMS drained per second with 1,000,000 rows in it (SQLite and PostgreSQL)"
BENCH_DATABASE_URL="$(scripts/postgres.sh start)" cargo bench -q -p server --bench messages 2>/dev/null | grep '^|' | tee -a "$rows"

say "durable submissions with 1,000,000 applications (SQLite and PostgreSQL)"
BENCH_DATABASE_URL="$(scripts/postgres.sh start)" cargo bench -q -p server --bench submissions 2>/dev/null | grep '^|' | tee -a "$rows"

say "public report pages with 1,000,000 applications over every okrug (SQLite and PostgreSQL)"
BENCH_DATABASE_URL="$(scripts/postgres.sh start)" cargo bench -q -p server --bench reports 2>/dev/null | grep '^|' | tee -a "$rows"

say "operator's review queue and application view with 1,000,000 applications (SQLite and PostgreSQL)"
BENCH_DATABASE_URL="$(scripts/postgres.sh start)" cargo bench -q -p server --bench queue 2>/dev/null | grep '^|' | tee -a "$rows"

say "loans after the money: portfolio, PAR30 and a CSV import with 250,000 loans (SQLite and PostgreSQL)"
BENCH_DATABASE_URL="$(scripts/postgres.sh start)" cargo bench -q -p server --bench loans 2>/dev/null | grep '^|' | tee -a "$rows"

say "ranking for one profile on the server (cargo bench)"
cargo bench -q -p server --bench ranking 2>/dev/null | grep '^|' | tee -a "$rows"

say "SSR throughput against a static file (wrk, ${DURATION}s each)"
export DATA_DIR="$DATA" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" APP_TODAY=2026-11-27 RUST_LOG=warn
./target/release/server seed --synthetic 10000 >/dev/null
./target/release/server >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

measure() { # name url -> "rps p50 p99"
  local out
  out="$(wrk -t2 -c16 -d"${DURATION}s" --latency -H 'Accept-Encoding: br' "$2")"
  echo "$out" >"$OUT/wrk-$1.txt"
  local rps p50 p99
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  echo "$rps $p50 $p99"
}
q='%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82' # кредит
read -r ssr_rps ssr_p50 ssr_p99 < <(measure ssr "http://127.0.0.1:$PORT/programs?q=$q")
read -r api_rps api_p50 api_p99 < <(measure api "http://127.0.0.1:$PORT/api/v1/programs?q=$q")
read -r static_rps static_p50 static_p99 < <(measure static "http://127.0.0.1:$PORT/pkg/$(basename "$(ls target/site/pkg/auyl.*.css | head -1)")")
ratio="$(awk -v a="$ssr_rps" -v b="$static_rps" 'BEGIN {printf "%.2f", a / b}')"
{
  echo "| SSR /programs?q=кредит (10,046 programmes), wrk 2 threads × 16 connections | ${ssr_rps} req/s · p50 ${ssr_p50} · p99 ${ssr_p99} |"
  echo "| JSON /api/v1/programs?q=кредит, same run | ${api_rps} req/s · p50 ${api_p50} · p99 ${api_p99} |"
  echo "| static /pkg/auyl.css, same run | ${static_rps} req/s · p50 ${static_p50} · p99 ${static_p99} |"
  echo "| SSR ÷ static throughput | ${ratio} |"
} | tee -a "$rows"

say "ranking for one profile in the browser (wasm, Playwright)"
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" npx playwright test --config bench.config.ts 2>/dev/null) | grep '^|' | tee -a "$rows"
matches_html="$OUT/matches.html"
jar="$OUT/cookies.txt"
curl -s -c "$jar" -o /dev/null -H "Origin: http://127.0.0.1:$PORT" -H 'Accept: application/json' \
  --data-urlencode login=+77010000001 --data-urlencode password=demo-parol-2026 "http://127.0.0.1:$PORT/api/sign_in"
curl -s -b "$jar" -o "$matches_html" "http://127.0.0.1:$PORT/matches"
echo "| matches page HTML with every open programme as the island's data (10,046 programmes) | $(awk -v b="$(wc -c <"$matches_html")" 'BEGIN {printf "%.1f KiB", b / 1024}') raw · $(awk -v b="$(brotli -c -q 11 "$matches_html" | wc -c)" 'BEGIN {printf "%.1f KiB", b / 1024}') brotli |" | tee -a "$rows"

say "weights (raw and brotli -q 11)"
size() { wc -c <"$1" | tr -d ' '; }
br() { brotli -c -q 11 "$1" | wc -c | tr -d ' '; }
kib() { awk -v b="$1" 'BEGIN {printf "%.1f KiB", b / 1024}'; }
# The hashed names of this build (target/release/hash.txt).
own() { ls target/site/pkg/auyl.*."$1" | head -1; }
wasm=$(own wasm) js=$(own js) css=$(own css)
{
  echo "| wasm runtime shared by every page ($(basename "$wasm"); each page adds its islands' chunks) | $(kib "$(size "$wasm")") raw · $(kib "$(br "$wasm")") brotli |"
  echo "| JS glue ($(basename "$js")) | $(kib "$(size "$js")") raw · $(kib "$(br "$js")") brotli |"
  echo "| CSS ($(basename "$css")) | $(kib "$(size "$css")") raw · $(kib "$(br "$css")") brotli |"
} | tee -a "$rows"

say "first visits as transferred, and the search page on a slow connection (Chromium; 10,000 programmes)"
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" npx playwright test -c weight.config.ts 2>/dev/null) \
  | grep -E '^\| (search|programme) page' \
  | awk -F' [|] ' '{ sub(/^[|] /, "", $1); sub(/ [|]$/, "", $NF); r = $2; for (i = 3; i <= NF; i++) r = r " · " $i; print "| " $1 " | " r " |" }' \
  | tee -a "$rows"

# The release server at national scale over HTTP, SQLite then PostgreSQL (scripts/bench_scale.sh:
# about 6 minutes each, most of it the synthetic load and the recompute of the okrug reports).
kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
say "national scale over HTTP: 10,000 programmes, 300,000 entrepreneurs, 1,000,000 applications (SQLite)"
BENCH_PORT=$((PORT + 10)) scripts/bench_scale.sh sqlite "$rows"
say "national scale over HTTP: the same on PostgreSQL"
BENCH_PORT=$((PORT + 10)) scripts/bench_scale.sh postgres "$rows"

# docs/benchmarks.md: the machine, the date, the command and the table of this run.
doc="$ROOT/docs/benchmarks.md"
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh, scripts/bench_scale.sh, server/benches/) on"
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs/benchmarks.md' || echo ' (with uncommitted changes)')."
  echo
  echo "- Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores,"
  echo "  $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) of memory, Linux $(uname -r), $(rustc --version | cut -d' ' -f1-2)."
  echo "  The load generator (wrk, 2 threads × 16 connections, ${DURATION} s per URL) and the server"
  echo "  share the two cores; every request goes to 127.0.0.1."
  echo "- Data: the rows that begin with \"SQLite, 1000000 applications\" or \"PostgreSQL, 1000000 applications\" (and the seed, reindex and cold-start rows) run the release server on"
  echo "  \`server seed --synthetic 10000 --entrepreneurs 300000 --applications 1000000\`: the KATO"
  echo "  directory (2,385 rural okrugs, each with an akim), 10,046 programmes, 300,000 entrepreneurs"
  echo "  with profiles in real settlements and 1,000,000 applications over the 12 months before"
  echo "  2026-11-27 in every state (see server/src/synthetic.rs). The service-level rows"
  echo "  (cargo bench) build the same applications in their own database."
  echo "- Latencies are p50 and p99 over the whole run; throughput in requests (or calls) per"
  echo "  second. A static file of the same server is the baseline of the same run."
  echo
  echo "| figure | value |"
  echo "| --- | --- |"
  cat "$rows"
  echo
  echo "Figures measured by hand, kept across runs of \`make bench\`: [benchmarks-by-hand.md](benchmarks-by-hand.md)."
} >"$doc"
echo
cat "$doc"
say "written to docs/benchmarks.md"
