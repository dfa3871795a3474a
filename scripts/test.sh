#!/usr/bin/env bash
# `make test`: every check, on a fresh machine. Installs what is missing (build tools, Chromium,
# Playwright, PostgreSQL, aiosmtpd), then runs: formatting, clippy per package, unit and
# integration tests on SQLite (with a real SMTP server for the mail test) and on PostgreSQL,
# the same against a real Meilisearch 1.50 when its binary is there (../shared/tools/meilisearch,
# or MEILI_BIN; skipped with the reason otherwise), the release build, the Playwright suite
# against it (SMS through scripts/sms_stub.py, a stand-in for Mobizon's API), the weight budget,
# schemathesis against the OpenAPI document, the crash test (kill -9 during submissions and
# decisions; every message of an acknowledged cause must reach the SMS stub) and the storage
# faults on both databases.
# Ends with the time of each step and one line: `N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
passed=0
failed=0
failures=()
timings=()
started_all=$SECONDS

# Remembers how long a step took, for the summary at the end.
took() { timings+=("$(printf '%5d s  %s' "$((SECONDS - $1))" "$2")"); }

# Runs a step that is one check.
check() {
  local name="$1"; shift
  local t0=$SECONDS
  say "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
  took "$t0" "$name"
}

# Runs a cargo test command and counts its tests.
cargo_tests() {
  local name="$1"; shift
  local log="$LOGS/$name.log"
  local t0=$SECONDS
  say "$name"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local p f
  p=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
  f=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    # It did not get as far as running tests (a build error): count it as a failure.
    failed=$((failed + 1))
  fi
  if [ "$status" -ne 0 ]; then failures+=("$name"); fi
  took "$t0" "$name"
}

# A cold run writes about 6 GB under target/ (debug and release builds, the wasm bundle);
# running out of disk midway fails the build with confusing linker errors, so say it first.
free_gb=$(df -P -BG "$ROOT" | awk 'NR == 2 {sub("G", "", $4); print $4}')
if [ "${free_gb:-0}" -lt 8 ]; then
  echo "warning: only ${free_gb} GB free on the disk of $ROOT; a cold make test needs about 8 GB" >&2
fi

say "installing what is missing"
scripts/tools.sh || { echo "tool installation failed"; exit 1; }
if ! command -v chromium >/dev/null; then
  say "installing Chromium"
  apt_install chromium
fi
# poppler's pdftotext reads the documents of record back in the tests, as a reader would.
if ! command -v pdftotext >/dev/null; then
  say "installing poppler-utils (pdftotext)"
  apt_install poppler-utils
fi
(cd end2end && npm ci --no-audit --no-fund >/dev/null) || { echo "npm ci in end2end failed"; exit 1; }
# Not waiting for the disk: see scripts/postgres.sh. Restarted with the durable defaults before
# the crash and fault tests.
scripts/postgres.sh stop
PG_URL="$(PG_FAST=1 scripts/postgres.sh start)" || { echo "PostgreSQL did not start"; exit 1; }
trap 'scripts/postgres.sh stop; scripts/smtp.sh stop; [ -n "${TEST_TMP:-}" ] && rm -rf "$TEST_TMP"' EXIT
# The real Meilisearch 1.50: no registry ships it, so it is used when the workplace's shared tools
# have it. Each real-server test starts its own (temporary directory, free port, random key).
if MEILI_BIN="$(scripts/meili.sh bin 2>"$LOGS/meili-bin.txt")"; then
  say "Meilisearch $("$MEILI_BIN" --version | awk '{print $2}') at $MEILI_BIN: the real-server steps run"
else
  MEILI_BIN=""
  say "skipped: the real Meilisearch steps ($(tail -n 1 "$LOGS/meili-bin.txt"))"
fi

check "cargo fmt --check" cargo fmt --all --check
# The request layer's shape: no import circles among our modules, nothing in `server` reaching
# into `app::features` (pages). Prints the sizes too (files over 800 lines, functions over 120).
check "layout (no import circles, server -> app::features)" python3 scripts/layout.py --check-imports
# One clippy run per target: packages checked together share one resolution of features, so
# their dependencies are checked once (three separate runs re-checked `app` and sea-orm under
# different feature sets, about two minutes of a cold run).
check "clippy app (ssr), server, migrations; all targets" \
  cargo clippy -p app -p server -p migrations --features app/ssr --all-targets -- -D warnings
check "clippy app (hydrate), frontend; wasm" \
  cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

# The fuzz targets for 30 s each (panics and failed round trips in the parsers of untrusted
# text); `make fuzz` runs them longer.
check "fuzz (search query, forms, KATO CSV, criteria, repayments CSV; 30 s each)" scripts/fuzz.sh 30

# A real SMTP server (aiosmtpd from PyPI, installed into target/smtp-venv when missing) for the
# mail test of the SQLite step (`real_smtp_*`): the product's SmtpMailer sends to it, and the test
# reads back the encoded subject, From, Content-Language and the one-click unsubscribe headers
# as stored. It touches no database: the PostgreSQL step skips it (the variables are unset then).
if SMTP_ENV="$(scripts/smtp.sh start 2>"$LOGS/smtp-start.txt")"; then
  eval "$(sed 's/^/export /' <<<"$SMTP_ENV")"
  say "SMTP server (aiosmtpd) at $SMTP_TEST_URL for the mail test"
else
  say "skipped: the real SMTP test ($(tail -n 1 "$LOGS/smtp-start.txt"))"
fi

# The tests' data directories (SQLite files, embedded indexes, uploads) go to memory when there
# is a /dev/shm: they are thrown away after each test, and waiting for a disk's fsync thousands
# of times proves nothing about the product (the crash and fault tests below run the release
# server on the real disk). With PostgreSQL not waiting for the disk either, the tests' run
# fell from about 4 minutes to 70 s on SQLite and from about 7 to 2 on PostgreSQL (2026-12-07).
TEST_TMP=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  TEST_TMP="$(mktemp -d /dev/shm/auyl-tests.XXXXXX)"
  export TMPDIR="$TEST_TMP"
fi

# The real-Meilisearch tests (`real_meilisearch_*`) run in steps of their own below, so that their
# time shows; here they are skipped.
cargo_tests "tests-sqlite" cargo test -p app -p server -p migrations --features app/ssr -- --skip real_meilisearch
unset SMTP_TEST_URL SMTP_TEST_DIR
scripts/smtp.sh stop
TEST_DATABASE_URL="$PG_URL" cargo_tests "tests-postgres" cargo test -p app -p server -p migrations --features app/ssr -- --skip real_meilisearch

# Against a real Meilisearch 1.50: the search contract, the three engines agreeing programme for
# programme over every judged query with five sets of filters, the first fill in bulk, the outbox
# draining, `server reindex` swapping indexes under searches, the breaker when the process is
# killed and back, reconciliation after deletions behind the app's back.
if [ -n "$MEILI_BIN" ]; then
  MEILI_BIN="$MEILI_BIN" cargo_tests "meilisearch-sqlite" \
    cargo test -p app -p server --features app/ssr real_meilisearch -- --nocapture
  # The contract and the adapter's own real-server tests touch no database: once is enough.
  MEILI_BIN="$MEILI_BIN" TEST_DATABASE_URL="$PG_URL" cargo_tests "meilisearch-postgres" \
    cargo test -p app -p server --features app/ssr --test api real_meilisearch -- --nocapture
fi

unset TMPDIR
[ -n "$TEST_TMP" ] && rm -rf "$TEST_TMP"

check "release build (cargo leptos build --release --precompress --split)" build_site

say "end-to-end tests (Playwright, Chromium, JavaScript on and off)"
e2e_t0=$SECONDS
E2E_DATA="$(mktemp -d)"
E2E_PORT="${E2E_PORT:-3100}"
# The SMS gateway of the end-to-end server: scripts/sms_stub.py speaks Mobizon's API to the
# product's Mobizon adapter and shows what it was sent at /_sent, where the SMS specs
# (end2end/tests/messages.spec.ts) read codes and notices. Without it the server logs its SMS
# and those specs skip, saying why.
SMS_STUB_PID=""
SMS_ENV=()
unset SMS_STUB_URL
# The interpreter itself, not a wrapper (pyenv's shim would survive as the stub's parent and
# leave the stub running when killed).
PYTHON="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)"
"$PYTHON" scripts/sms_stub.py --port 0 --log "$LOGS/sms-stub.log" >"$LOGS/sms-stub.out" 2>&1 &
SMS_STUB_PID=$!
for _ in $(seq 1 100); do
  grep -q '^SMS_STUB_URL=' "$LOGS/sms-stub.out" 2>/dev/null && break
  kill -0 "$SMS_STUB_PID" 2>/dev/null || break
  sleep 0.1
done
# The stub prints its address once it listens.
SMS_STUB_URL="$(sed -n 's/^SMS_STUB_URL=//p' "$LOGS/sms-stub.out" 2>/dev/null)"
if [ -n "$SMS_STUB_URL" ] && kill -0 "$SMS_STUB_PID" 2>/dev/null; then
  export SMS_STUB_URL
  SMS_ENV=(SMS_PROVIDER=mobizon SMS_API_KEY=stub-key-0123456789 SMS_API_URL="$SMS_STUB_URL")
  say "SMS gateway stub (Mobizon's API) at $SMS_STUB_URL"
else
  kill "$SMS_STUB_PID" 2>/dev/null
  SMS_STUB_PID=""
  unset SMS_STUB_URL
  why="$(tail -n 1 "$LOGS/sms-stub.out" 2>/dev/null)"
  say "skipped: the SMS specs and the crash tests' message checks (scripts/sms_stub.py did not start: ${why:-no address printed within 10 s})"
fi
# TRUST_PROXY: each test that signs people up comes from an address of its own (the specs set
# X-Forwarded-For), as real villagers would; the per-address limits stay on and are tested
# in the integration suite.
env -u SMS_PROVIDER -u SMS_API_KEY -u SMS_API_URL -u SMS_SENDER "${SMS_ENV[@]}" \
  DATA_DIR="$E2E_DATA" LEPTOS_SITE_ADDR="127.0.0.1:$E2E_PORT" APP_TODAY=2026-11-27 TRUST_PROXY=1 \
  ./target/release/server >"$LOGS/e2e-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID $SMS_STUB_PID 2>/dev/null; scripts/postgres.sh stop; rm -rf "$E2E_DATA"' EXIT
(cd end2end && BASE_URL="http://127.0.0.1:$E2E_PORT" npx playwright test 2>&1 | tee "$LOGS/e2e.log")
e2e_status=${PIPESTATUS[0]}
if [ -f end2end/test-results/results.json ]; then
  read -r p f < <(node -e '
    const r = require("./end2end/test-results/results.json");
    console.log((r.stats.expected || 0) + (r.stats.flaky || 0), (r.stats.unexpected || 0));')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$e2e_status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi
[ "$e2e_status" -ne 0 ] && failures+=("end-to-end")
took "$e2e_t0" "end-to-end"

# The weight of a first visit to the search and programme pages against the budget (150 KiB of
# HTML and CSS, 250 KiB of brotli JS and wasm), and the search page's LCP at 400 kbit/s with
# 400 ms latency; prints the figures (also in target/test-logs/weight.log).
weight() {
  (cd end2end && BASE_URL="http://127.0.0.1:$E2E_PORT" npx playwright test -c weight.config.ts 2>&1) \
    | tee "$LOGS/weight.log"
  return "${PIPESTATUS[0]}"
}
check "weight budget and slow-network LCP" weight

# Schemathesis against /api/v1/openapi.json on the same server: generated valid and invalid
# requests to every operation, anonymous and signed in; no 5xx, no undocumented status, no
# response that breaks the document (reports in target/test-logs/schemathesis).
check "schemathesis (OpenAPI /api/v1: no server errors, no schema violations)" \
  scripts/schemathesis.sh "http://127.0.0.1:$E2E_PORT" 60

# The release server killed with SIGKILL while it takes submissions, 20 times per database;
# every submission it acknowledged must be there after each restart. PostgreSQL is still up
# (stopped on exit); the port is not the end-to-end server's, which is still running.
# Each crash test starts an SMS stub of its own (scripts/sms_stub.py, as above) and checks that
# every message whose cause was acknowledged reached it after the restarts; without a stub
# (it did not start above) those checks are left out, saying so.
CRASH_PORT="${CRASH_PORT:-3170}"
# The crash and fault tests run against PostgreSQL as it is deployed: durable commits.
scripts/postgres.sh stop
PG_URL="$(scripts/postgres.sh start)" || { echo "PostgreSQL did not restart"; exit 1; }
CRASH_SMS=()
[ -n "$SMS_STUB_PID" ] || CRASH_SMS=(--no-sms)
# The two databases' crash tests run side by side, each on a port, a server and an SMS stub of
# its own: most of their time is waiting (restarts, the outbox's 60 s lease before the final
# check of messages), so together they take about the time of one.
crash_both() {
  local t0=$SECONDS name pids=() logs=() names=()
  names=("crash test (SIGKILL during submissions, SQLite)"
         "crash test (SIGKILL during submissions, PostgreSQL)")
  logs=("$LOGS/crash-sqlite.log" "$LOGS/crash-postgres.log")
  say "${names[0]} and ${names[1]#crash test }, side by side"
  python3 scripts/crash.py --runs 20 --server target/release/server --port "$CRASH_PORT" \
    "${CRASH_SMS[@]}" >"${logs[0]}" 2>&1 &
  pids+=($!)
  python3 scripts/crash.py --runs 20 --server target/release/server --port "$((CRASH_PORT + 1))" \
    --postgres-admin "$PG_URL" "${CRASH_SMS[@]}" >"${logs[1]}" 2>&1 &
  pids+=($!)
  for i in 0 1; do
    local status=0
    wait "${pids[$i]}" || status=$?
    say "${names[$i]} (log: ${logs[$i]#"$ROOT"/})"
    cat "${logs[$i]}"
    if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("${names[$i]}"); fi
  done
  took "$t0" "crash tests, SQLite and PostgreSQL side by side"
}
crash_both

# Storage faults on the release server: a full disk (SQLite and uploads on a small tmpfs), a
# read-only PostgreSQL, the search index's directory removed while serving and rebuilt by
# `server reindex`. Writes are acknowledged or refused with 503 cannot_save, reads go on,
# everything acknowledged survives, and writes work again once the fault is gone.
check "storage faults (disk full, read-only PostgreSQL, index lost)" \
  python3 scripts/faults.py --server target/release/server --port 3180 --postgres-admin "$PG_URL"

echo
echo "time per step:"
printf '  %s\n' "${timings[@]}"
echo "  $(printf '%5d s' "$((SECONDS - started_all))")  in all"
if [ ${#failures[@]} -gt 0 ]; then
  echo "failed steps: ${failures[*]} (logs in target/test-logs)"
fi
echo "make test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
