#!/usr/bin/env bash
# A real SMTP server for the tests: aiosmtpd (PyPI), with the handler scripts/smtp_sink.py, which
# stores every message it receives as N.eml (the bytes as received) and N.json (the envelope, the
# headers and body as Python's `email` package decodes them). The mail test of app/src/ssr/mail
# sends through the product's SmtpMailer and reads them back.
#
#   smtp.sh start   installs aiosmtpd into target/smtp-venv when python3 has none (pip, quietly),
#                   starts it on 127.0.0.1 on a free port (from 2525) and prints, one a line,
#                   `SMTP_TEST_URL=smtp://127.0.0.1:PORT` and `SMTP_TEST_DIR=DIR` (for
#                   `eval "export …"`); exits 1 with the reason on stderr's last line when it cannot
#   smtp.sh stop    stops the server `start` started and removes its messages
set -euo pipefail
source "$(dirname "$0")/lib.sh"

STATE="$ROOT/target/smtp"
VENV="$ROOT/target/smtp-venv"
AIOSMTPD_VERSION=1.4.6

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a Python that can import aiosmtpd, installing it into target/smtp-venv if need be.
python_with_aiosmtpd() {
  if ! command -v python3 >/dev/null; then
    echo "no python3 on the PATH to run aiosmtpd" >&2
    return 1
  fi
  if python3 -c 'import aiosmtpd' 2>/dev/null; then
    echo python3
    return 0
  fi
  if ! "$VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION into target/smtp-venv"
    mkdir -p "$STATE"
    if ! python3 -m venv "$VENV" >"$STATE/install.log" 2>&1 \
      || ! "$VENV/bin/pip" install -q --disable-pip-version-check \
        "aiosmtpd==$AIOSMTPD_VERSION" >>"$STATE/install.log" 2>&1; then
      echo "aiosmtpd $AIOSMTPD_VERSION could not be installed (pip's output: target/smtp/install.log)" >&2
      return 1
    fi
  fi
  echo "$VENV/bin/python"
}

case "${1:-}" in
  start)
    PY="$(python_with_aiosmtpd)"
    "$0" stop
    mkdir -p "$STATE"
    DIR="$(mktemp -d "$STATE/run.XXXXXX")"
    PORT="${SMTP_TEST_PORT:-2525}"
    while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
    # -n: no switch to the user nobody (aiosmtpd's default when started as root).
    (cd "$DIR" && PYTHONPATH="$ROOT/scripts" exec "$PY" -m aiosmtpd -n \
      -l "127.0.0.1:$PORT" -c smtp_sink.Sink "$DIR/messages") \
      </dev/null >"$DIR/server.log" 2>&1 &
    PID=$!
    echo "$PID $DIR" >"$STATE/current"
    for _ in $(seq 1 100); do
      kill -0 "$PID" 2>/dev/null || break
      port_in_use "$PORT" && break
      sleep 0.1
    done
    if ! kill -0 "$PID" 2>/dev/null || ! port_in_use "$PORT"; then
      tail -n 5 "$DIR/server.log" >&2 || true
      echo "aiosmtpd did not answer on port $PORT (log: $DIR/server.log)" >&2
      "$0" stop
      exit 1
    fi
    printf 'SMTP_TEST_URL=%q\nSMTP_TEST_DIR=%q\n' "smtp://127.0.0.1:$PORT" "$DIR/messages"
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
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
