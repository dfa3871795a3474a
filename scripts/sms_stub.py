#!/usr/bin/env python3
"""A stand-in for Mobizon's SMS API, for the end-to-end, crash and outage tests: the server is
run with `SMS_PROVIDER=mobizon SMS_API_URL=<this stub>` and its real Mobizon adapter talks to it.

It answers what the adapter relies on (app/src/ssr/sms/mobizon.rs and the fixtures in
app/src/ssr/sms/fixtures/mobizon/):

- `POST /service/message/sendsmsmessage?output=json&api=v1&apiKey=…`, form fields `recipient`
  (digits), `text`, `from` (optional): `{"code":0,"data":{"campaignId","messageId","status":2},
  "message":""}` as in send_success.json, ids as strings. A missing key answers code 8, a
  missing recipient or text code 1, as Mobizon documents.
- `POST /service/message/getsmsstatus?…` with `ids[0]` (and `ids[1]`…): each known id
  `DELIVRD` (status_delivered.json); unknown ids are left out of the list.

and records every SMS it accepted. For the tests:

- `GET /_sent` → JSON list of `{"id", "to", "text", "from", "time"}` in the order received
  (`to` as `+` and the digits, `time` in Unix seconds, fractional); `?to=+7701…` (or the bare
  digits) keeps one number's, `?since=T` those received at T or later.
- `POST /_down` → every API call answers 503 (with `Retry-After: 1` unless `?retry_after=N`)
  until `POST /_up`. `GET /_health` → `{"ok": true, "down": bool, "sent": N}`.
- `POST /_reset` forgets what was recorded.

    python3 scripts/sms_stub.py [--port 0] [--host 127.0.0.1] [--key KEY] [--log FILE]

With `--port 0` a free port is taken. Once listening it prints one line,
`SMS_STUB_URL=http://127.0.0.1:PORT`, and flushes it. Python 3 standard library only.
"""

import argparse
import itertools
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = []
        self.down = False
        self.retry_after = 1
        self.ids = itertools.count(71000000002, 2)

    def add(self, to, text, sender):
        with self.lock:
            message_id = str(next(self.ids))
            self.sent.append({
                "id": message_id,
                "to": to,
                "text": text,
                "from": sender,
                "time": time.time(),
            })
            return message_id

    def known(self, message_id):
        with self.lock:
            return any(m["id"] == message_id for m in self.sent)


def make_handler(store, key, log):
    class Handler(BaseHTTPRequestHandler):
        server_version = "sms-stub/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            if log is not None:
                log.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))
                log.flush()

        def reply(self, status, body, headers=()):
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def form(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n).decode("utf-8", "replace") if n else ""
            return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/_health":
                with store.lock:
                    return self.reply(200, {"ok": True, "down": store.down,
                                            "sent": len(store.sent)})
            if url.path == "/_sent":
                to = query.get("to")
                if to is not None:
                    to = "+" + "".join(ch for ch in to if ch.isdigit())
                since = float(query["since"]) if "since" in query else None
                with store.lock:
                    out = [m for m in store.sent
                           if (to is None or m["to"] == to)
                           and (since is None or m["time"] >= since)]
                return self.reply(200, out)
            self.reply(404, {"error": "not found"})

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/_down":
                self.form()
                with store.lock:
                    store.down = True
                    store.retry_after = int(query.get("retry_after", "1"))
                return self.reply(200, {"down": True})
            if url.path == "/_up":
                self.form()
                with store.lock:
                    store.down = False
                return self.reply(200, {"down": False})
            if url.path == "/_reset":
                self.form()
                with store.lock:
                    store.sent.clear()
                return self.reply(200, {"reset": True})
            path = url.path.lower()
            if path not in ("/service/message/sendsmsmessage", "/service/message/getsmsstatus"):
                self.form()
                return self.reply(404, {"code": 5, "data": None,
                                        "message": "Unknown method"})
            form = self.form()
            with store.lock:
                down, retry_after = store.down, store.retry_after
            if down:
                data = b"<html>503 Service Unavailable (sms-stub is down)</html>"
                self.send_response(503)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(data)))
                if retry_after > 0:
                    self.send_header("Retry-After", str(retry_after))
                self.end_headers()
                self.wfile.write(data)
                return
            if query.get("apiKey", "") == "" or (key is not None and query["apiKey"] != key):
                return self.reply(200, {"code": 8, "data": None, "message": "Wrong API key."})
            if path.endswith("sendsmsmessage"):
                recipient = form.get("recipient", "")
                text = form.get("text", "")
                if not recipient.isdigit() or not text:
                    field = "recipient" if not recipient.isdigit() else "text"
                    return self.reply(200, {"code": 1, "data": {field: "Invalid value."},
                                            "message": "Validation error."})
                message_id = store.add("+" + recipient, text, form.get("from"))
                return self.reply(200, {"code": 0, "data": {
                    "campaignId": str(int(message_id) - 1),
                    "messageId": message_id,
                    "status": 2,
                }, "message": ""})
            ids = [v for k, v in sorted(form.items()) if k.startswith("ids[")]
            now = time.strftime("%Y-%m-%d %H:%M:%S")
            data = [{"id": i, "status": "DELIVRD", "segNum": "1", "startSendTs": now,
                     "statusUpdateTs": now} for i in ids if store.known(i)]
            return self.reply(200, {"code": 0, "data": data, "message": ""})

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0, help="0: a free port (default)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--key", help="refuse calls with any other apiKey (code 8)")
    ap.add_argument("--log", help="append one line per request to this file")
    args = ap.parse_args()
    log = open(args.log, "a", encoding="utf-8") if args.log else None
    store = Store()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(store, args.key, log))
    server.daemon_threads = True
    print(f"SMS_STUB_URL=http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
