#!/usr/bin/env python3
"""An SMS provider's outage: the gateway answers 503 for `--down-seconds` (300 by default) while
the platform goes on causing messages; when it is back, the backlog must drain and nothing may
be lost.

The server runs with its real Mobizon adapter against scripts/sms_stub.py. Before the outage
the two demo entrepreneurs (phone logins) submit applications to the operator's programmes, and
new phone accounts (proved with the codes the stub received) when those are too few; submitting
sends the applicant no SMS (the staff are told by e-mail). Then the stub goes down and, over the first `--cause-seconds` (60), about
`--messages` (200) messages are caused at an even pace: half are operator decisions on those
applications (each taking an application up, then refusing it: one SMS each to the applicant),
half are phone sign-ups from addresses of their own (one confirmation code each). The time of
each cause is when the server acknowledged it. The stub answers 503 without `Retry-After` until
`--down-seconds` after it went down, then comes back; the test waits until the outbox has
drained (`/healthz` `messages.pending` 0) and every message owed has reached the stub.

It reports: messages caused and acknowledged, lost (owed but never arrived: must be 0), the
duplicates, the backlog at its largest, the drain time (from the provider's return to an empty
outbox, and to the last arrival), the delay from cause to arrival (p50, p99, max), and that the
site kept answering during the outage. Exit status 0 when nothing was lost.

    python3 scripts/outage.py [--server PATH] [--port 3190] [--down-seconds 300]
                              [--messages 200] [--cause-seconds 60]

Not part of `make test` (it takes the outage's length plus the backoff: about 10 minutes by
default). A debug server works too, but its password hashing is slow: sign-ups then spread
over more than the first minute (the report says how long causing took). Python 3 standard
library only; reuses the helpers of scripts/crash.py.
"""

import argparse
import collections
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402
from crash import Client, Failure, Server, SmsStub, classify, log, own_address  # noqa: E402

TODAY = "2026-11-27"
DEMO_PASSWORD = "demo-parol-2026"
APPLICANTS = ["+77010000001", "+77010000002"]
OPERATOR = "operator@agrocredit.demo"
PASSWORD = "outage-test-password-7"
DRAIN_TIMEOUT = 1800
MAX_APPLICANTS = 20


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def proved_applicant(base, stub):
    """A new phone account that has typed the code the stub received (it may then submit)."""
    phone = f"+7704{random.randrange(10**7):07d}"
    c = Client(base, phone, PASSWORD)
    r = c.request("POST", "/api/sign_up", form={"name": "Outage Applicant", "login": phone,
                                                "password": PASSWORD},
                  extra_headers=own_address())
    if r.status != 200:
        raise Failure(f"sign-up of {phone}: {r!r}")
    deadline = time.monotonic() + 30
    while True:
        codes = [classify(m["text"]) for m in stub.get(f"/_sent?to={urllib.parse.quote(phone)}")]
        codes = [w[1] for w in codes if w and w[0] == "verify"]
        if codes:
            break
        if time.monotonic() > deadline:
            raise Failure(f"no confirmation code reached the stub for {phone}")
        time.sleep(0.2)
    r = c.request("POST", "/api/verify_phone", form={"code": codes[-1]})
    if r.status != 200:
        raise Failure(f"confirming {phone}: {r!r}")
    return c


def submit(client, program):
    """Opens and submits an application of `client` to `program`; returns its id or None."""
    r = client.request("POST", "/api/v1/applications", body={"program": program})
    if r.status != 201:
        return None
    view = r.json()
    summary = view["summary"]
    if summary["state"] != "draft":
        return None
    limits = view.get("limits") or {}
    amount = 100000
    if limits.get("amount_max_kzt") is not None:
        amount = min(amount, limits["amount_max_kzt"])
    if limits.get("amount_min_kzt") is not None:
        amount = max(amount, limits["amount_min_kzt"])
    fields = {
        "amount": str(amount),
        "purpose": "Outage test: a cold store for the village shop",
        "plan_activity": "Buying and selling dairy produce of the neighbouring farms",
        "plan_costs": "200000",
        "plan_revenue": "300000",
        "plan_jobs": "1",
    }
    if limits.get("term_months_max") is not None:
        fields["term"] = str(min(12, limits["term_months_max"]))
    u = client.request("PUT", f"/api/v1/applications/{summary['id']}",
                       body={"version": summary["version"], "fields": fields})
    if u.status != 200:
        return None
    s = client.request("POST", f"/api/v1/applications/{summary['id']}/submit",
                       body={"version": u.json()["version"]})
    return summary["id"] if s.status == 200 else None


class Causes:
    """What was acknowledged, and when: key -> the time of the acknowledgement."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}
        self.refused = []

    def ack(self, key):
        with self.lock:
            self.acked[key] = time.time()

    def refuse(self, what):
        with self.lock:
            self.refused.append(what)


def decide(operator, apps, schedule, t0, causes):
    """Takes each application up, then refuses it, each step at its time in `schedule`."""
    steps = iter(schedule)
    for app_id, phone in apps:
        for step in ("start_review", "reject"):
            at = next(steps, None)
            if at is None:
                return
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            r = operator.request("GET", f"/api/v1/applications/{app_id}")
            if r.status != 200:
                causes.refuse(f"read {app_id}: {r!r}")
                continue
            body = {"step": step, "version": r.json()["summary"]["version"]}
            if step == "reject":
                body.update(reason="Outage test", fields={"reject_reason": "documents"})
            s = operator.request("POST", f"/api/v1/applications/{app_id}/steps", body=body)
            if s.status == 200:
                state = "in_review" if step == "start_review" else "rejected"
                causes.ack(("transition", phone, app_id, state))
            else:
                causes.refuse(f"{step} {app_id}: {s!r}")


def sign_ups(base, schedule, t0, causes):
    for at in schedule:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        phone = f"+7703{random.randrange(10**7):07d}"
        c = Client(base, phone, PASSWORD)
        r = c.request("POST", "/api/sign_up", form={"name": "Outage Test", "login": phone,
                                                    "password": PASSWORD},
                      extra_headers=own_address())
        if r.status == 200:
            causes.ack(("verify", phone))
        else:
            causes.refuse(f"sign-up {phone}: {r!r}")


def health(base):
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
            return json.loads(r.read().decode())
    except (OSError, ValueError):
        return None


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", help="the server binary (default target/release/server, "
                    "else target/debug/server)")
    ap.add_argument("--port", type=int, default=3190)
    ap.add_argument("--down-seconds", type=float, default=300)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--cause-seconds", type=float, default=60)
    ap.add_argument("--seed", type=int)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = args.server
    if binary is None:
        binary = os.path.join(root, "target/release/server")
        if not os.path.exists(binary):
            binary = os.path.join(root, "target/debug/server")
    if not os.path.exists(binary):
        print(f"outage test: no server binary at {binary}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    data_dir = tempfile.mkdtemp(prefix="auyl-outage-")
    stub = SmsStub(log_path=os.path.join(data_dir, "sms-stub.log"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_")}
    env.pop("DATABASE_URL", None)
    server = Server(binary, env, args.port, os.path.join(data_dir, "server.log"))
    try:
        env.update({
            "DATA_DIR": data_dir,
            "LEPTOS_SITE_ADDR": f"127.0.0.1:{args.port}",
            "APP_TODAY": TODAY,
            "RUST_LOG": "warn",
            "TRUST_PROXY": "1",
            "SMS_PROVIDER": "mobizon",
            "SMS_API_KEY": crash.SMS_API_KEY,
            "SMS_API_URL": stub.start(),
            # The two demo applicants are told of every decision: far more than 10 a day.
            "SMS_DAILY_PER_PHONE": "1000000",
        })
        log(f"outage test: {os.path.relpath(binary, os.getcwd())}, SQLite, port {args.port}, "
            f"seed {seed}; SMS to {stub.url}; {args.messages} messages over "
            f"{args.cause_seconds:.0f} s, the provider down {args.down_seconds:.0f} s")
        return outage(args, server, stub)
    except Failure as e:
        log(f"outage test failed: {e}")
        return 1
    except KeyboardInterrupt:
        log("outage test interrupted")
        return 130
    finally:
        server.kill()
        stub.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def outage(args, server, stub):
    base = f"http://127.0.0.1:{args.port}"
    server.start()
    applicants = []
    for login in APPLICANTS:
        c = Client(base, login, DEMO_PASSWORD)
        r = c.request("POST", "/api/sign_in", form={"login": login, "password": DEMO_PASSWORD})
        if r.status != 200:
            raise Failure(f"sign-in of {login}: {r!r}")
        applicants.append(c)
    operator = Client(base, OPERATOR, DEMO_PASSWORD)
    r = operator.request("POST", "/api/sign_in", form={"login": OPERATOR,
                                                       "password": DEMO_PASSWORD})
    if r.status != 200:
        raise Failure(f"sign-in of the operator: {r!r}")
    r = operator.request("GET", "/api/v1/programs?per_page=50")
    programs = [h["slug"] for h in r.json()["hits"]]

    # Applications to decide during the outage (submitting sends the applicant no SMS).
    decisions = args.messages // 2
    wanted = (decisions + 1) // 2
    mine = []
    t = time.monotonic()
    done = 0
    while True:
        for c in applicants[done:]:
            for program in programs:
                if len(mine) >= wanted:
                    break
                app_id = submit(c, program)
                # The operator decides only applications to its own organisation's programmes.
                if app_id is not None and operator.request(
                        "GET", f"/api/v1/applications/{app_id}").status == 200:
                    mine.append((app_id, c.login))
        done = len(applicants)
        if len(mine) >= wanted or len(applicants) >= MAX_APPLICANTS:
            break
        # More applicants: two new phone accounts, proved with the codes the stub received.
        applicants += [proved_applicant(base, stub) for _ in range(2)]
    decisions = min(decisions, 2 * len(mine))
    signups = args.messages - decisions
    log(f"prepared {len(mine)} submitted applications the operator may decide "
        f"({time.monotonic() - t:.1f} s): {decisions} decisions and {signups} phone sign-ups "
        f"to come")
    drained, pending = crash.drain(base)
    if pending is not None:
        raise Failure(f"the outbox did not drain before the outage: {pending}")
    before = len(stub.sent())

    # The outage, and the causes over its first minute.
    stub_post(stub, "/_down?retry_after=0")
    down_at = time.monotonic()
    down_wall = time.time()
    log(f"the SMS provider is down (503) for {args.down_seconds:.0f} s")
    causes = Causes()
    gap = args.cause_seconds / max(1, decisions)
    decision_times = [i * gap for i in range(decisions)]
    gap = args.cause_seconds / max(1, signups)
    signup_times = [i * gap for i in range(signups)]
    threads = [threading.Thread(target=decide, args=(operator, mine, decision_times, down_at,
                                                     causes), daemon=True)]
    for k in range(3):
        threads.append(threading.Thread(target=sign_ups, args=(base, signup_times[k::3], down_at,
                                                               causes), daemon=True))
    for th in threads:
        th.start()
    peak = 0
    pages_ok = pages = 0
    caused = None
    search = base + "/programs?" + urllib.parse.urlencode({"q": "кредит"})
    while caused is None or time.monotonic() - down_at < args.down_seconds:
        h = health(base)
        if h and h.get("messages"):
            peak = max(peak, h["messages"]["pending"])
        try:
            with urllib.request.urlopen(search, timeout=10) as r:
                pages_ok += r.status == 200
        except OSError:
            pass
        pages += 1
        if caused is None and not any(th.is_alive() for th in threads):
            caused = time.monotonic() - down_at
            log(f"caused {len(causes.acked)} messages in {caused:.1f} s "
                f"({len(causes.refused)} causes refused); {peak} waiting")
        time.sleep(1.0)
    arrived_while_down = len(stub.sent()) - before
    stub_post(stub, "/_up")
    up_at = time.monotonic()
    up_wall = time.time()
    h = health(base) or {}
    log(f"the provider is back after {up_at - down_at:.0f} s; the backlog: "
        f"{(h.get('messages') or {}).get('pending')} messages, the oldest "
        f"{(h.get('messages') or {}).get('oldest_pending_seconds')} s old")

    drained, pending = crash.drain(base, DRAIN_TIMEOUT)
    drain_s = time.monotonic() - up_at
    sent = [m for m in stub.sent() if m["time"] >= down_wall]
    # Where each owed message went first; copies counted.
    first = {}
    copies = collections.Counter()
    for m in sent:
        copies[(m["to"], m["text"])] += 1
        what = classify(m["text"])
        if what is None:
            continue
        if what[0] == "transition":
            key = ("transition", m["to"], what[1], what[2])
        else:
            key = (what[0], m["to"])
        first.setdefault(key, m["time"])
    lost = [k for k in causes.acked if k not in first]
    delays = [first[k] - t for k, t in causes.acked.items() if k in first]
    last_arrival = max((first[k] for k in causes.acked if k in first), default=up_wall)
    duplicates = sum(n - 1 for n in copies.values())
    log("")
    log(f"outage test: {len(causes.acked)} messages caused and acknowledged in {caused:.1f} s "
        f"({decisions} decisions planned, {signups} sign-ups planned; "
        f"{len(causes.refused)} refused)")
    log(f"  lost: {len(lost)}; duplicates: {duplicates}; arrived while the provider was down: "
        f"{arrived_while_down}")
    log(f"  backlog at its largest: {peak} messages; the site answered {pages_ok} of {pages} "
        f"search pages during the outage")
    if pending is not None:
        log(f"  the outbox did NOT drain within {DRAIN_TIMEOUT} s: {pending}")
    else:
        log(f"  drain after the provider's return: outbox empty after {drain_s:.1f} s, the last "
            f"message arrived {last_arrival - up_wall:.1f} s after it")
    log(f"  delay from cause to arrival: p50 {percentile(delays, 50):.1f} s, p99 "
        f"{percentile(delays, 99):.1f} s, max {max(delays, default=float('nan')):.1f} s, "
        f"min {min(delays, default=float('nan')):.1f} s")
    for k in lost[:10]:
        log(f"  lost: {k}")
    for what in causes.refused[:5]:
        log(f"  refused: {what}")
    return 0 if not lost and pending is None and causes.acked else 1


def stub_post(stub, path):
    req = urllib.request.Request(stub.url + path, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()


if __name__ == "__main__":
    sys.exit(main())
