#!/usr/bin/env bash
# Schemathesis against the OpenAPI document the server publishes (/api/v1/openapi.json): every
# operation, with generated valid and invalid requests, twice: anonymous, and signed in as the
# demo entrepreneur (so the applications are reached past the sign-in). Fails on any server
# error (5xx), any status code the document does not list, a response whose body or content
# type violates the document.
#
#   scripts/schemathesis.sh BASE_URL [SECONDS_PER_PASS]
#
# Needs the server running with the demo data. Installs schemathesis (PyPI, pinned in
# scripts/requirements.txt) into target/venv on first use.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

BASE="${1:?usage: scripts/schemathesis.sh BASE_URL [SECONDS_PER_PASS]}"
SECONDS_PER_PASS="${2:-90}"
VENV="$ROOT/target/venv"
REPORTS="$ROOT/target/test-logs/schemathesis"
mkdir -p "$REPORTS"

if ! "$VENV/bin/python" -c 'import schemathesis' 2>/dev/null \
  || ! cmp -s scripts/requirements.txt "$VENV/requirements.txt"; then
  say "installing schemathesis into target/venv"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/requirements.txt
  cp scripts/requirements.txt "$VENV/requirements.txt"
fi

run_pass() { # name, extra headers...
  local name="$1"; shift
  say "schemathesis: $name"
  "$VENV/bin/python" scripts/schemathesis_cli.py run "$BASE/api/v1/openapi.json" \
    --url "$BASE" \
    -H "Origin: $BASE" "$@" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-time "$SECONDS_PER_PASS" --seed 20261128 --workers 2 \
    --generation-database none --no-color \
    --report junit --report-junit-path "$REPORTS/$name.xml"
}

status=0
run_pass anonymous || status=1

# The demo entrepreneur's session (the demo data's first account).
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
curl -sf -c "$jar" -o /dev/null -H "Origin: $BASE" -H 'Accept: application/json' \
  --data-urlencode login=+77010000001 --data-urlencode password=demo-parol-2026 \
  "$BASE/api/sign_in" || { echo "signing in as the demo entrepreneur failed" >&2; exit 1; }
session="$(awk '$6 == "auyl_session" {print $7}' "$jar")"
[ -n "$session" ] || { echo "no session cookie after signing in" >&2; exit 1; }
run_pass entrepreneur -H "Cookie: auyl_session=$session" || status=1
exit "$status"
