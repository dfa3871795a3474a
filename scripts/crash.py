#!/usr/bin/env python3
"""Crash durability under a mixed write load: `kill -9` the server while applicants submit and
withdraw, an operator starts reviews, approves and refuses, and the operator pauses and reopens
a programme (each acknowledged decision must be there after the restart, at its version, and the
programme's acknowledged status too, with the search index converged to it).

Each run starts the server on one data directory (or one PostgreSQL database) kept for the
whole test, signs in, and submits applications from 2-4 threads as fast as it can; after a
random 0.2-2.0 s it sends SIGKILL. Every submission (and withdrawal) the server answered 200
to was acknowledged, so after the restart each one must be there: a submitted application
still submitted (never a draft, never missing), a withdrawn one still withdrawn. Earlier runs'
applications are sampled again after each restart, since the database accumulates.

Accounts: a few are signed up once (sign-up is limited to 10 per client address an hour) and
their sessions are kept across restarts (a lost session is a failure too). Each run also signs
one account in afresh, within the sign-in limits (30 per address, 5 per account, per 15 min).
An account has one open application per programme; each account takes the programmes in
turn, and on coming back to one it withdraws the open application (an acknowledged withdrawal
must survive too) and applies again. Runs wait for a first acknowledged submission before the
kill if the random delay was too short for one (a run with none would test nothing).

Messages: the server sends its SMS through its real Mobizon adapter to scripts/sms_stub.py,
which this test starts (or `--sms-stub URL`). Each operator decision it acknowledged on a phone
applicant's application owes one SMS naming that application and its new state; each
acknowledged password-reset request for a phone account (made during the load, a few a run,
within the server's reset limits) owes one code SMS; each phone sign-up at the start owes one
confirmation code. After every restart the test prints how many have reached the stub so far;
after the last run it waits until the outbox has drained (`/healthz` `messages.pending` is 0; a
message whose sender was killed mid-send waits out its 60 s lease), and then every owed message
must have reached the stub at least once. Copies are counted and
reported (a message sent just before the kill and not yet recorded as sent goes again: at least
once, by design), as are messages of causes the kill cut off before their answer. A lost
message fails the test like a lost submission. `--no-sms` leaves these checks out.

    python3 scripts/crash.py [--runs 20] [--server PATH] [--port 3170]
                             [--database-url URL | --postgres-admin URL]
                             [--sms-stub URL | --no-sms]

Python 3 standard library only. Exit status 0 when nothing acknowledged was lost.
"""

import argparse
import collections
import http.client
import http.cookiejar
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

TODAY = "2026-11-27"
PASSWORD = "crash-test-password-7"
DEMO_ACCOUNTS = ["+77010000001", "+77010000002"]
DEMO_PASSWORD = "demo-parol-2026"
# The operator deciding applications and editing a programme during the load; the programme is
# kept out of the applicants' turns (pausing it would refuse their submissions).
OPERATOR = "operator@agrocredit.demo"
EDITED_PROGRAM = "auyl-amanaty-microcredit"
SIGN_UPS = 6  # the server allows 10 per client address per hour
KILL_AFTER = (0.2, 2.0)  # seconds of submitting before the SIGKILL
FIRST_ACK_WAIT = 10.0  # the kill waits this long at most for a first acknowledgement
SAMPLE_EARLIER = 40  # acknowledged applications of earlier runs re-read after each restart
# Sign-in limits of the server (app/src/ssr/services/accounts.rs), kept under with a margin.
SIGN_IN_WINDOW = 15 * 60
SIGN_IN_PER_IP = 25
SIGN_IN_PER_ACCOUNT = 4
REQUEST_TIMEOUT = 30
# Messages (see the description above).
SMS_API_KEY = "stub-key-0123456789"
PHONE_SIGN_UPS = 4  # phone accounts signed up at the start (each owes a confirmation code)
RESET_ACCOUNTS = ["+77010000001", "+77010000002", "+77010000003", "+77010000004", "+77010000005"]
RESET_PER_ACCOUNT = 3  # the server's reset limit per account an hour (services/accounts.rs)
RESET_WINDOW = 3600
RESETS_PER_RUN = 2
DRAIN_TIMEOUT = 150  # the outbox's lease is 60 s, its first retry 10 s after a failure
RUN_DRAIN = 3  # seconds each restart waits for the outbox before its figures are printed


def log(*parts):
    print(*parts, flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Server functions answer with a `Location` to go to; the test does not follow it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, body, location=None):
        self.status = status
        self.body = body
        self.location = location

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_code(self):
        """The code of an error: `{"error": {"code"}}` from the API, `{"Invalid": {"code"}}`
        from a server function."""
        j = self.json()
        if isinstance(j, dict):
            for v in j.values():
                if isinstance(v, dict) and "code" in v:
                    return v["code"]
        return None

    def __repr__(self):
        return f"HTTP {self.status} {self.body[:300]!r}"


class Client:
    """One account's session: its own cookie jar, sent with every request."""

    def __init__(self, base, login, password):
        self.base = base
        self.login = login
        self.password = password
        self.jar = http.cookiejar.CookieJar()
        # The programmes this account applies to next, in turn: a fresh pair before any
        # pair is used again (which needs a withdrawal first).
        self.turns = collections.deque()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, method, path, body=None, form=None, extra_headers=None):
        headers = {"Accept": "application/json"}
        headers.update(extra_headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD"):
            # The server's CSRF guard refuses state changes without the site's Origin.
            headers["Origin"] = self.base
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as r:
                return Response(r.status, r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read().decode("utf-8", "replace"), e.headers.get("Location"))

    def has_session(self):
        return any(c.name == "auyl_session" for c in self.jar)


class Budget:
    """Sign-ins made, so that the test stays under the server's rate limits."""

    def __init__(self):
        self.times = []

    def recent(self, login=None):
        now = time.monotonic()
        return [t for (l, t) in self.times if now - t < SIGN_IN_WINDOW and login in (None, l)]

    def allows(self, login):
        return (
            len(self.recent()) < SIGN_IN_PER_IP
            and len(self.recent(login)) < SIGN_IN_PER_ACCOUNT
        )

    def spend(self, login):
        self.times.append((login, time.monotonic()))


class Failure(Exception):
    """The test itself could not go on (the server did not start, an unexpected answer)."""


class Server:
    def __init__(self, binary, env, port, log_path):
        self.binary = binary
        self.env = env
        self.port = port
        self.log_path = log_path
        self.proc = None

    def start(self):
        if port_open(self.port):
            raise Failure(f"port {self.port} is in use before the server started (try --port)")
        logf = open(self.log_path, "ab")
        logf.write(f"\n---- start at {time.strftime('%H:%M:%S')} ----\n".encode())
        logf.flush()
        self.proc = subprocess.Popen(
            [self.binary],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=logf,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
        logf.close()
        started = time.monotonic()
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() - started < 60:
            if self.proc.poll() is not None:
                raise Failure(f"the server exited with status {self.proc.returncode}\n{self.tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise Failure(f"the server did not answer /healthz within 60 s\n{self.tail()}")

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        # The port is free again once the listener is gone (the kernel closes it at exit).
        for _ in range(100):
            if not port_open(self.port):
                break
            time.sleep(0.05)

    def tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join("    server: " + line for line in text.splitlines()[-lines:])


try:
    import ctypes

    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (ImportError, OSError, AttributeError):
    _prctl = None


def die_with_parent():
    """In the server's process before exec: Linux kills it if this script dies first (killed
    itself, say), so no server is left holding the port. Resolved above: a child of a
    threaded process should import nothing between fork and exec."""
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def server_base(server):
    return f"http://127.0.0.1:{server.port}"


def port_open(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# ---- PostgreSQL, for --postgres-admin -----------------------------------------------------


def psql(admin_url, sql):
    exe = shutil.which("psql")
    if exe is None:
        candidates = sorted(
            d for d in (os.path.join("/usr/lib/postgresql", v, "bin", "psql")
                        for v in (os.listdir("/usr/lib/postgresql")
                                  if os.path.isdir("/usr/lib/postgresql") else []))
            if os.path.exists(d)
        )
        if not candidates:
            raise Failure("psql is needed for --postgres-admin and was not found")
        exe = candidates[-1]
    r = subprocess.run(
        [exe, admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        raise Failure(f"psql {sql!r} failed: {r.stderr.strip()}")


def database_url(admin_url, name):
    u = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


# ---- One run --------------------------------------------------------------------------------


class Ledger:
    """What the server acknowledged, by application id, and what each must be after a crash."""

    def __init__(self):
        self.lock = threading.Lock()
        # id -> [owner Client, expected]; expected is "submitted" (acknowledged submission),
        # "not-draft" (a withdrawal was sent but not acknowledged) or "withdrawn".
        self.apps = {}
        self.run_of = {}
        # id -> owner Client of every application the workers opened, submitted or not (the
        # operator may decide one whose submission the kill left unanswered).
        self.owner_of = {}

    def opened(self, app_id, owner):
        with self.lock:
            self.owner_of[app_id] = owner

    def submitted(self, app_id, owner, run):
        with self.lock:
            self.apps[app_id] = [owner, "submitted"]
            self.run_of[app_id] = run

    def withdrawing(self, app_id):
        with self.lock:
            if app_id in self.apps:
                self.apps[app_id][1] = "not-draft"

    def withdrawn(self, app_id):
        with self.lock:
            if app_id in self.apps:
                self.apps[app_id][1] = "withdrawn"


class Worker(threading.Thread):
    """Submits applications for its own accounts (no two threads share an account, so the
    versions they send are never stale) until told to stop or the server goes away."""

    def __init__(self, run, clients, programs, ledger, stop, first_ack, closed):
        super().__init__(daemon=True)
        self.run_no = run
        self.clients = clients
        self.programs = programs
        self.ledger = ledger
        self.stop = stop
        self.first_ack = first_ack
        self.closed = closed
        self.acknowledged = 0
        self.withdrawals = 0
        self.unexpected = []
        for c in clients:
            if not c.turns:
                c.turns.extend(random.sample(programs, len(programs)))

    def next_pair(self, i):
        """The next (account, programme) pair, the accounts taking turns."""
        client = self.clients[i % len(self.clients)]
        for _ in range(len(client.turns)):
            program = client.turns[0]
            client.turns.rotate(-1)
            if program not in self.closed:
                return client, program
        return None

    def run(self):
        try:
            i = 0
            while not self.stop.is_set():
                pair = self.next_pair(i)
                i += 1
                if pair is None:
                    self.unexpected.append("every programme is closed")
                    return
                self.apply(*pair)
        except (OSError, http.client.HTTPException) as e:
            # The server was killed under the request (refused, reset, cut short): expected
            # once the kill is on its way, and that request was not acknowledged.
            if not self.stop.is_set():
                self.unexpected.append(f"connection failed before the kill: {e!r}")
        except Exception as e:  # noqa: BLE001 - reported by the run
            self.unexpected.append(f"{type(e).__name__}: {e}")

    def note(self, what, r):
        # An answer the server sent, before the kill whenever it was read: all count.
        self.unexpected.append(f"{what}: {r!r}")

    def apply(self, client, program, again=True):
        r = client.request("POST", "/api/v1/applications", body={"program": program})
        if r.status == 400 and r.error_code() == "program_closed":
            self.closed.add(program)
            return
        if r.status != 201:
            return self.note(f"create {program} as {client.login}", r)
        view = r.json()
        summary = view["summary"]
        app_id, version, state = summary["id"], summary["version"], summary["state"]
        self.ledger.opened(app_id, client)
        if state != "draft":
            # The open application of this pair from an earlier round: withdraw it (final),
            # then apply again, which opens a new draft.
            self.ledger.withdrawing(app_id)
            w = client.request(
                "POST", f"/api/v1/applications/{app_id}/withdraw", body={"version": version}
            )
            if w.status == 400 and w.error_code() == "not_allowed":
                # The operator approved it first (an approved application stays open until
                # paid, and cannot be withdrawn): this pair is done.
                if program in client.turns:
                    client.turns.remove(program)
                return
            if w.status != 200:
                return self.note(f"withdraw {app_id} ({state}) as {client.login}", w)
            self.ledger.withdrawn(app_id)
            self.withdrawals += 1
            if again:
                self.apply(client, program, again=False)
            return
        limits = view.get("limits") or {}
        amount = 100000
        if limits.get("amount_max_kzt") is not None:
            amount = min(amount, limits["amount_max_kzt"])
        if limits.get("amount_min_kzt") is not None:
            amount = max(amount, limits["amount_min_kzt"])
        fields = {
            "amount": str(amount),
            "purpose": f"Crash test, run {self.run_no}: a cold store for the village shop",
            "plan_activity": "Buying and selling dairy produce of the neighbouring farms",
            "plan_costs": "200000",
            "plan_revenue": "300000",
            "plan_jobs": "1",
        }
        if limits.get("term_months_max") is not None:
            fields["term"] = str(min(12, limits["term_months_max"]))
        u = client.request(
            "PUT", f"/api/v1/applications/{app_id}", body={"version": version, "fields": fields}
        )
        if u.status != 200:
            return self.note(f"save {app_id} as {client.login}", u)
        version = u.json()["version"]
        s = client.request(
            "POST", f"/api/v1/applications/{app_id}/submit", body={"version": version}
        )
        if s.status == 200:
            self.ledger.submitted(app_id, client, self.run_no)
            self.acknowledged += 1
            self.first_ack.set()
        elif s.status == 400 and s.error_code() == "program_closed":
            self.closed.add(program)
        else:
            self.note(f"submit {app_id} as {client.login}", s)


class Decisions:
    """What the operator did that the server acknowledged: each application's (version, state)
    after its latest acknowledged step, and the edited programme's status."""

    def __init__(self):
        self.lock = threading.Lock()
        self.apps = {}  # id -> (version, state)
        self.status_acked = None
        self.status_sent = None
        self.steps = 0
        self.edits = 0

    def acked(self, app_id, version, state):
        with self.lock:
            self.apps[app_id] = (version, state)
            self.steps += 1


class Operator(threading.Thread):
    """The operator's side of the mixed load: starts the review of submitted applications in
    its queue and approves or refuses them, and pauses and reopens a programme, until told to
    stop or the server goes away."""

    def __init__(self, client, decisions, stop, ledger=None, outbox=None):
        super().__init__(daemon=True)
        self.client = client
        self.decisions = decisions
        self.stop = stop
        self.ledger = ledger
        self.outbox = outbox
        self.unexpected = []

    def run(self):
        try:
            while not self.stop.is_set():
                self.edit()
                for app_id in self.queue()[:3]:
                    if self.stop.is_set():
                        return
                    self.decide(app_id)
        except (OSError, http.client.HTTPException) as e:
            if not self.stop.is_set():
                self.unexpected.append(f"operator: connection failed before the kill: {e!r}")
        except Exception as e:  # noqa: BLE001 - reported by the run
            self.unexpected.append(f"operator: {type(e).__name__}: {e}")

    def queue(self):
        r = self.client.request("GET", "/operator/queue.csv?state=submitted")
        if r.status != 200:
            self.unexpected.append(f"operator: queue.csv: {r!r}")
            return []
        ids = []
        for line in r.body.splitlines()[1:]:
            first = line.split(",", 1)[0].strip().strip('"')
            if first.isdigit():
                ids.append(int(first))
        random.shuffle(ids)
        if self.outbox is not None and self.ledger is not None:
            # Phone applicants' applications first: their decisions owe an SMS each.
            ids.sort(key=lambda i: not getattr(self.ledger.owner_of.get(i), "login", "")
                     .startswith("+"))
        return ids

    def step(self, app_id, version, body):
        body = dict(body, version=version)
        r = self.client.request("POST", f"/api/v1/applications/{app_id}/steps", body=body)
        if r.status == 200:
            version = r.json()["version"]
            state = {"start_review": "in_review", "approve": "approved",
                     "reject": "rejected"}[body["step"]]
            self.decisions.acked(app_id, version, state)
            owner = self.ledger.owner_of.get(app_id) if self.ledger else None
            if self.outbox is not None and owner is not None and owner.login.startswith("+"):
                # A phone applicant is owed one SMS of this decision.
                self.outbox.expect_transition(owner.login, app_id, state)
            return version
        # Refusals a real desk meets (the applicant withdrew first, the budget or the
        # programme's limits) are not failures; a server error or anything else is.
        if r.status not in (400, 409) or r.status >= 500:
            self.unexpected.append(f"operator: {body['step']} {app_id}: {r!r}")
        return None

    def decide(self, app_id):
        r = self.client.request("GET", f"/api/v1/applications/{app_id}")
        if r.status != 200:
            if r.status != 404:
                self.unexpected.append(f"operator: read {app_id}: {r!r}")
            return
        summary = r.json()["summary"]
        if summary["state"] != "submitted":
            return
        version = self.step(app_id, summary["version"], {"step": "start_review"})
        if version is None or self.stop.is_set():
            return
        # Mostly refusals: an approved application stays open (the applicant's pair is done),
        # so approving half would soon leave the applicants little to apply to.
        if random.random() < 0.25:
            self.step(app_id, version, {"step": "approve", "fields": {
                "approved_amount": 100000, "approved_term": 12, "approved_rate": 2.5}})
        else:
            self.step(app_id, version, {"step": "reject", "reason": "Crash test",
                                        "fields": {"reject_reason": "documents"}})

    def edit(self):
        target = "paused" if self.decisions.status_acked != "paused" else "open"
        self.decisions.status_sent = target
        r = self.client.request("POST", f"/operator/programs/{EDITED_PROGRAM}",
                                form={"action": "status", "status": target})
        if r.status == 303 and "done=status" in str(r.location):
            self.decisions.status_acked = target
            self.decisions.edits += 1
        else:
            self.unexpected.append(f"operator: set {EDITED_PROGRAM} {target}: {r!r}")


# ---- Messages ------------------------------------------------------------------------------


class SmsStub:
    """scripts/sms_stub.py in a process of its own, or one already running (`--sms-stub`)."""

    def __init__(self, url=None, log_path=None):
        self.url = url
        self.proc = None
        self.log_path = log_path

    def start(self):
        if self.url:
            self.get("/_health")
            return self.url
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sms_stub.py")
        cmd = [sys.executable, script, "--port", "0", "--key", SMS_API_KEY]
        if self.log_path:
            cmd += ["--log", self.log_path]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=die_with_parent)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("SMS_STUB_URL="):
            self.stop()
            raise Failure(f"the SMS stub did not start: {line!r}")
        self.url = line.split("=", 1)[1]
        self.get("/_health")
        return self.url

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read().decode())

    def sent(self):
        return self.get("/_sent")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# The state names of the transition SMS (app/src/domain/i18n/messages/applications.msg), in
# each language the reader may have: «Заявка №12: Отклонена. site», «№12 өтінім: Қабылданбады.
# site», «Application No. 12: Rejected. site».
STATE_LABELS = {
    "in_review": ("На рассмотрении", "Қаралуда", "In review"),
    "approved": ("Одобрена", "Мақұлданды", "Approved"),
    "rejected": ("Отклонена", "Қабылданбады", "Rejected"),
}
APP_NUMBER = re.compile(r"(?:№|No\. )(\d+)")
SIX_DIGITS = re.compile(r"\b(\d{6})\b")
# The code SMS (app/src/domain/i18n/messages/sms.msg): password resets and number confirmations.
CODE_KINDS = {
    "reset": ("для смены пароля", "құпиясөз коды", "password code"),
    "verify": ("код подтверждения", "растау коды", "confirmation code"),
}


def classify(text):
    """What an SMS is: ("transition", app id, state), ("reset" | "verify", code) or None."""
    m = APP_NUMBER.search(text)
    if m:
        for state, labels in STATE_LABELS.items():
            if any(f"{label}." in text for label in labels):
                return ("transition", int(m.group(1)), state)
        return None
    code = SIX_DIGITS.search(text)
    if code:
        for kind, marks in CODE_KINDS.items():
            if any(mark in text for mark in marks):
                return (kind, code.group(1))
    return None


class Outbox:
    """The messages the server owes for what it acknowledged, and what reached the stub."""

    def __init__(self):
        self.lock = threading.Lock()
        self.transitions = set()  # (phone, application id, state)
        self.codes = collections.Counter()  # (kind, phone) -> acknowledged requests

    def expect_transition(self, phone, app_id, state):
        with self.lock:
            self.transitions.add((phone, app_id, state))

    def expect_code(self, kind, phone):
        with self.lock:
            self.codes[(kind, phone)] += 1

    def owed(self):
        with self.lock:
            return len(self.transitions) + sum(self.codes.values())

    def owed_by_kind(self):
        with self.lock:
            kinds = collections.Counter({"decisions": len(self.transitions)})
            for (kind, _), n in self.codes.items():
                kinds[{"reset": "reset codes", "verify": "confirmation codes"}[kind]] += n
        return ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))

    def check(self, sent):
        """Compares the stub's list with what is owed. Returns (exactly once, extra copies,
        problems for each owed message missing, messages of causes never acknowledged)."""
        with self.lock:
            transitions = set(self.transitions)
            codes = collections.Counter(self.codes)
        copies = collections.Counter()  # (to, text) -> times received
        for m in sent:
            copies[(m["to"], m["text"])] += 1
        once = sum(1 for n in copies.values() if n == 1)
        duplicates = sum(n - 1 for n in copies.values())
        got_transitions = set()
        got_codes = collections.defaultdict(set)  # (kind, phone) -> distinct codes
        unknown = 0
        for (to, text) in copies:
            what = classify(text)
            if what is None:
                unknown += 1
            elif what[0] == "transition":
                got_transitions.add((to, what[1], what[2]))
            else:
                got_codes[(what[0], to)].add(what[1])
        problems = []
        for phone, app_id, state in sorted(transitions - got_transitions):
            problems.append(f"message lost: the SMS to {phone} that application {app_id} is "
                            f"{state} (an acknowledged decision) never reached the gateway")
        extra = len(got_transitions - transitions)
        for (kind, phone), n in sorted(codes.items()):
            distinct = len(got_codes.get((kind, phone), ()))
            if distinct < n:
                problems.append(f"message lost: {n} acknowledged {kind} code requests for "
                                f"{phone}, {distinct} code SMS reached the gateway")
        for key, got in got_codes.items():
            extra += max(0, len(got) - codes.get(key, 0))
        if unknown:
            problems.append(f"{unknown} SMS the test cannot place (a new text?): "
                            f"{[t for (_, t) in copies if classify(t) is None][:3]}")
        return once, duplicates, problems, extra


def drain(base, timeout=DRAIN_TIMEOUT):
    """Waits until the outbox holds nothing to send (`/healthz` `messages.pending` is 0).
    Returns (seconds waited, None) or (seconds, what was still pending)."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                last = json.loads(r.read().decode()).get("messages")
        except (urllib.error.URLError, OSError, ValueError):
            last = None
        if last is not None and last.get("pending") == 0:
            return time.monotonic() - started, None
        time.sleep(0.25)
    return time.monotonic() - started, last


class ResetBudget:
    """Reset requests made per account, so that the test stays under the server's limit."""

    def __init__(self, accounts):
        self.accounts = list(accounts)
        self.times = collections.defaultdict(list)
        self.lock = threading.Lock()

    def available(self):
        now = time.monotonic()
        with self.lock:
            return sum(RESET_PER_ACCOUNT - len([t for t in self.times[a] if now - t < RESET_WINDOW])
                       for a in self.accounts)

    def take(self):
        """An account with a reset left in its window (spent now), or None."""
        now = time.monotonic()
        with self.lock:
            order = self.accounts[:]
            random.shuffle(order)
            for a in order:
                if len([t for t in self.times[a] if now - t < RESET_WINDOW]) < RESET_PER_ACCOUNT:
                    self.times[a].append(now)
                    return a
        return None


_forwarded = itertools.count(1)


def own_address():
    """An `X-Forwarded-For` of its own (the server runs with TRUST_PROXY), so the per-address
    limits of sign-up and reset do not add up over the test's requests."""
    n = next(_forwarded)
    return {"X-Forwarded-For": f"10.77.{n // 250 % 250}.{n % 250 + 1}"}


class Resetter(threading.Thread):
    """Asks for password-reset codes for phone accounts during the load, `quota` of them at
    random moments before the kill (some are cut off by it)."""

    def __init__(self, base, budget, outbox, quota, stop):
        super().__init__(daemon=True)
        self.client = Client(base, None, None)
        self.budget = budget
        self.outbox = outbox
        self.quota = quota
        self.stop = stop
        self.acknowledged = 0
        self.unexpected = []

    def run(self):
        try:
            for _ in range(self.quota):
                if self.stop.wait(random.uniform(0, KILL_AFTER[1] / self.quota)):
                    return
                login = self.budget.take()
                if login is None:
                    return
                r = self.client.request("POST", "/api/request_reset", form={"login": login},
                                        extra_headers=own_address())
                if r.status == 200:
                    self.outbox.expect_code("reset", login)
                    self.acknowledged += 1
                elif not (r.status == 400 and r.error_code() == "too_many_attempts"):
                    self.unexpected.append(f"reset request for {login}: {r!r}")
        except (OSError, http.client.HTTPException) as e:
            if not self.stop.is_set():
                self.unexpected.append(f"reset: connection failed before the kill: {e!r}")
        except Exception as e:  # noqa: BLE001 - reported by the run
            self.unexpected.append(f"reset: {type(e).__name__}: {e}")


def verify_decisions(operator, decisions):
    """Every acknowledged step of the operator is there: each application at least at the
    version of its last acknowledged step (and in that step's state when at that version), the
    edited programme's status the last acknowledged (or the one sent after it), and the search
    index converged to it: the programme found by its title exactly when it is open."""
    problems = []
    for app_id, (version, state) in list(decisions.apps.items()):
        r = operator.request("GET", f"/api/v1/applications/{app_id}")
        if r.status != 200:
            problems.append(f"decided application {app_id} could not be read: {r!r}")
            continue
        summary = r.json()["summary"]
        if summary["version"] < version or (summary["version"] == version
                                            and summary["state"] != state):
            problems.append(f"application {app_id} is {summary['state']!r} at version "
                            f"{summary['version']}, acknowledged as {state!r} at {version}")
    if decisions.status_acked is None:
        return problems
    r = operator.request("GET", f"/api/v1/programs/{EDITED_PROGRAM}")
    if r.status != 200:
        return problems + [f"the edited programme could not be read: {r!r}"]
    status, title = r.json()["status"], r.json()["title_ru"]
    if status not in (decisions.status_acked, decisions.status_sent):
        problems.append(f"{EDITED_PROGRAM} is {status!r}, acknowledged as "
                        f"{decisions.status_acked!r}")
    query = urllib.parse.urlencode({"q": title, "per_page": 50})
    deadline = time.monotonic() + 15
    while True:
        hits = operator.request("GET", f"/api/v1/programs?{query}").json() or {}
        found = any(h["slug"] == EDITED_PROGRAM for h in hits.get("hits", []))
        if found == (status == "open"):
            break
        if time.monotonic() > deadline:
            problems.append(f"the search index did not converge: {EDITED_PROGRAM} is {status} "
                            f"and {'is' if found else 'is not'} found by its title")
            break
        time.sleep(0.2)
    return problems


def check_sessions(clients):
    """Every kept session must still be signed in after the crash."""
    lost = []
    for c in clients:
        r = c.request("GET", "/api/v1/applications")
        if r.status != 200:
            lost.append(f"{c.login}: {r!r}")
    return lost


def verify(ledger, ids):
    """Reads each acknowledged application back as its owner; returns (verified, problems,
    the ids lost)."""
    verified, problems, lost = 0, [], set()
    for app_id in ids:
        owner, expected = ledger.apps[app_id]
        r = None
        for _ in range(3):
            r = owner.request("GET", f"/api/v1/applications/{app_id}")
            if r.status in (200, 404):
                break
            time.sleep(0.2)
        if r.status == 404:
            lost.add(app_id)
            problems.append(f"application {app_id} ({owner.login}, acknowledged in run "
                            f"{ledger.run_of[app_id]}) is missing")
            continue
        if r.status != 200:
            problems.append(f"application {app_id} could not be read: {r!r}")
            continue
        state = r.json()["summary"]["state"]
        ok = {
            "submitted": state not in ("draft", "withdrawn"),
            "not-draft": state != "draft",
            "withdrawn": state == "withdrawn",
        }[expected]
        if ok:
            verified += 1
        else:
            lost.add(app_id)
            problems.append(f"application {app_id} ({owner.login}, run {ledger.run_of[app_id]}) "
                            f"is {state!r}, acknowledged as {expected}")
    return verified, problems, lost


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", help="the server binary (default target/release/server, "
                    "else target/debug/server)")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--port", type=int, default=3170)
    ap.add_argument("--database-url", help="PostgreSQL URL of an existing database to use")
    ap.add_argument("--postgres-admin", help="PostgreSQL admin URL: the test creates a database "
                    "of its own there and drops it at the end")
    ap.add_argument("--seed", type=int, help="random seed (printed when not given)")
    ap.add_argument("--sms-stub", metavar="URL", help="a running scripts/sms_stub.py to send "
                    "SMS to (default: the test starts its own)")
    ap.add_argument("--no-sms", action="store_true", help="leave the message checks out (the "
                    "server logs its SMS)")
    args = ap.parse_args()
    if args.database_url and args.postgres_admin:
        ap.error("give --database-url or --postgres-admin, not both")
    if args.sms_stub and args.no_sms:
        ap.error("give --sms-stub or --no-sms, not both")
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = args.server
    if binary is None:
        binary = os.path.join(root, "target/release/server")
        if not os.path.exists(binary):
            binary = os.path.join(root, "target/debug/server")
    if not os.path.exists(binary):
        print(f"crash test: no server binary at {binary} (make build, or cargo build -p server)",
              file=sys.stderr)
        return 2
    # A polite stop (timeout, make interrupted) still kills the server and cleans up.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)

    data_dir = tempfile.mkdtemp(prefix="auyl-crash-")
    env = dict(os.environ)
    env.update({
        "DATA_DIR": data_dir,
        "LEPTOS_SITE_ADDR": f"127.0.0.1:{args.port}",
        "APP_TODAY": TODAY,
        "RUST_LOG": "warn",
    })
    env.pop("DATABASE_URL", None)
    for k in list(env):
        if k.startswith("SMS_"):
            env.pop(k)
    created_db = None
    server = Server(binary, env, args.port, os.path.join(data_dir, "server.log"))
    stub = None if args.no_sms else SmsStub(args.sms_stub, os.path.join(data_dir, "sms-stub.log"))
    try:
        if stub is not None:
            env.update({
                "SMS_PROVIDER": "mobizon",
                "SMS_API_KEY": SMS_API_KEY,
                "SMS_API_URL": stub.start(),
                # The demo applicants hear of every decision on their applications: far more
                # than the 10 a day one phone may be sent by default.
                "SMS_DAILY_PER_PHONE": "1000000",
                # Reset requests and phone sign-ups come from addresses of their own
                # (`X-Forwarded-For`); every other request is 127.0.0.1 as before.
                "TRUST_PROXY": "1",
            })
        if args.postgres_admin:
            created_db = f"crash_{os.getpid()}_{random.randrange(1 << 30):x}"
            psql(args.postgres_admin, f'CREATE DATABASE "{created_db}"')
            env["DATABASE_URL"] = database_url(args.postgres_admin, created_db)
        elif args.database_url:
            env["DATABASE_URL"] = args.database_url
        backend = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
        sms = f"SMS to {stub.url}" if stub is not None else "no message checks (--no-sms)"
        log(f"crash test: {args.runs} runs against {os.path.relpath(binary, os.getcwd())} "
            f"({backend}, port {args.port}, seed {seed}; {sms})")
        return crash_test(args, server, stub)
    except Failure as e:
        log(f"crash test failed: {e}")
        return 1
    except KeyboardInterrupt:
        log("crash test interrupted")
        return 130
    finally:
        server.kill()
        if stub is not None:
            stub.stop()
        if created_db:
            try:
                psql(args.postgres_admin, f'DROP DATABASE IF EXISTS "{created_db}" WITH (FORCE)')
            except Failure as e:
                log(f"warning: {e}")
        shutil.rmtree(data_dir, ignore_errors=True)


def crash_test(args, server, stub):
    base = f"http://127.0.0.1:{args.port}"
    began = time.monotonic()
    up = server.start()
    log(f"first start (migrations, demo data, search index): {up:.1f} s")

    budget = Budget()
    clients = []
    for i in range(SIGN_UPS):
        c = Client(base, f"crash-test-{i}@example.kz", PASSWORD)
        r = c.request("POST", "/api/sign_up",
                      form={"name": f"Crash Test {i}", "login": c.login, "password": PASSWORD})
        if r.status != 200 and r.error_code() in ("account_exists", "too_many_attempts"):
            # A database kept from an earlier test (--database-url): the account may be there.
            r = c.request("POST", "/api/sign_in", form={"login": c.login, "password": PASSWORD})
            budget.spend(c.login)
        if r.status != 200 or not c.has_session():
            raise Failure(f"sign-up of {c.login} failed: {r!r}")
        clients.append(c)
    for login in DEMO_ACCOUNTS:
        c = Client(base, login, DEMO_PASSWORD)
        r = c.request("POST", "/api/sign_in", form={"login": login, "password": DEMO_PASSWORD})
        budget.spend(login)
        if r.status != 200 or not c.has_session():
            raise Failure(f"sign-in of the demo account {login} failed: {r!r}")
        clients.append(c)

    outbox = Outbox() if stub is not None else None
    resets = None
    if outbox is not None:
        # Phone accounts of this test: each is sent a confirmation code at sign-up, and takes
        # reset requests with the demo phones.
        phones = []
        for i in range(PHONE_SIGN_UPS):
            login = f"+7702{random.randrange(10**7):07d}"
            c = Client(base, login, PASSWORD)
            r = c.request("POST", "/api/sign_up", form={"name": f"Crash Phone {i}", "login": login,
                                                        "password": PASSWORD},
                          extra_headers=own_address())
            if r.status != 200:
                raise Failure(f"sign-up of {login} failed: {r!r}")
            outbox.expect_code("verify", login)
            phones.append(login)
        resets = ResetBudget(RESET_ACCOUNTS + phones)

    r = clients[0].request("GET", "/api/v1/programs?per_page=50")
    if r.status != 200:
        raise Failure(f"listing programmes failed: {r!r}")
    programs = [h["slug"] for h in r.json()["hits"] if h["slug"] != EDITED_PROGRAM]
    if not programs:
        raise Failure("no programmes listed")
    closed = set()  # learnt from `program_closed` answers; shared by the threads (set.add is atomic)

    # One submission before any kill: a server without the applications API (a stale binary)
    # or refusing every submission fails here, with its answer, instead of in every run.
    ledger = Ledger()
    probe = Worker(0, clients[:1], programs, ledger, threading.Event(), threading.Event(), closed)
    for i in range(len(programs)):
        pair = probe.next_pair(i)
        if pair is None:
            break
        probe.apply(*pair)
        if probe.acknowledged or probe.unexpected:
            break
    if not probe.acknowledged:
        hint = probe.unexpected[0] if probe.unexpected else "every programme is closed"
        raise Failure(f"the server does not take submissions ({hint}); is {server.binary} "
                      "up to date?")
    operator = Client(base, OPERATOR, DEMO_PASSWORD)
    r = operator.request("POST", "/api/sign_in", form={"login": OPERATOR, "password": DEMO_PASSWORD})
    budget.spend(OPERATOR)
    if r.status != 200 or not operator.has_session():
        raise Failure(f"sign-in of the operator {OPERATOR} failed: {r!r}")
    decisions = Decisions()
    total_ack = 0
    all_lost = set()  # distinct applications found missing or in the wrong state
    failed_runs = []
    next_signin = 0
    runs = 0
    for run in range(1, args.runs + 1):
        runs = run
        t0 = time.monotonic()
        problems = []
        # Sign one account in afresh each run, within the server's limits.
        for _ in range(len(clients)):
            c = clients[next_signin % len(clients)]
            next_signin += 1
            if budget.allows(c.login):
                r = c.request("POST", "/api/sign_in",
                              form={"login": c.login, "password": c.password})
                budget.spend(c.login)
                if r.status == 400 and r.error_code() == "too_many_attempts":
                    # Other sign-ins from this address (a kept database): not this test's
                    # business; the kept session goes on.
                    log(f"    note: sign-in of {c.login} refused as too frequent; session kept")
                elif r.status != 200:
                    problems.append(f"sign-in of {c.login} failed: {r!r}")
                break

        # Submit from 2-4 threads, each with accounts of its own, then kill -9.
        threads = random.randint(2, 4)
        order = clients[:]
        random.shuffle(order)
        stop = threading.Event()
        first_ack = threading.Event()
        workers = [
            Worker(run, order[k::threads], programs, ledger, stop, first_ack, closed)
            for k in range(threads)
        ]
        desk = Operator(operator, decisions, stop, ledger, outbox)
        steps_before, edits_before = decisions.steps, decisions.edits
        helpers = [desk]
        if outbox is not None:
            # Spread the resets the server allows in an hour over the runs left.
            quota = min(RESETS_PER_RUN, -(-resets.available() // (args.runs - run + 1)))
            if quota > 0:
                helpers.append(Resetter(server_base(server), resets, outbox, quota, stop))
        delay = random.uniform(*KILL_AFTER)
        for w in workers:
            w.start()
        for h in helpers:
            h.start()
        started = time.monotonic()
        time.sleep(delay)
        # A kill before anything was acknowledged would test nothing: wait for the first.
        if not first_ack.wait(FIRST_ACK_WAIT):
            problems.append(f"nothing acknowledged in {FIRST_ACK_WAIT:.0f} s")
        waited = time.monotonic() - started
        stop.set()  # first, so that the threads take the failures that follow as the kill's
        server.kill()
        for w in workers + helpers:
            w.join(REQUEST_TIMEOUT + 5)
        for w in workers + helpers:
            problems += [f"unexpected: {u}" for u in w.unexpected]
        reset_acks = sum(h.acknowledged for h in helpers if isinstance(h, Resetter))
        run_ids = [i for i, r in ledger.run_of.items() if r == run]
        acknowledged = len(run_ids)
        withdrawals = sum(w.withdrawals for w in workers)

        # Restart (the next run uses this start too): every acknowledged submission of this
        # run must be there, a sample of the earlier runs' ones too, and every session.
        server.start()
        earlier = [i for i, r in ledger.run_of.items() if r < run]
        sample = random.sample(earlier, min(SAMPLE_EARLIER, len(earlier)))
        verified, lost, lost_ids = verify(ledger, run_ids)
        earlier_ok, earlier_lost, earlier_ids = verify(ledger, sample)
        lost += earlier_lost
        all_lost |= lost_ids | earlier_ids
        problems += [f"session lost: {p}" for p in check_sessions(clients + [operator])]
        problems += verify_decisions(operator, decisions)
        message_line = None
        if outbox is not None:
            # What has reached the gateway so far, after a short wait: a message whose sender
            # the kill cut off mid-send waits out its lease (60 s), so waiting for every one
            # after every restart would cost minutes. Nothing is judged lost here; the check
            # after the last run waits for the outbox to drain and judges everything owed.
            drained, pending = drain(base, RUN_DRAIN)
            once, duplicates, missing, extra = outbox.check(stub.sent())
            waiting = "" if pending is None else f", {pending.get('pending', '?')} pending"
            message_line = (f"    messages: {outbox.owed()} owed so far ({outbox.owed_by_kind()}; "
                            f"{reset_acks} resets this run), {len(missing)} not at the gateway "
                            f"yet after {drained:.1f} s{waiting}; exactly once {once}, "
                            f"duplicates {duplicates}, from unacknowledged causes {extra}")

        total_ack += acknowledged
        problems = lost + problems
        if acknowledged == 0:
            problems.append("no submission was acknowledged before the kill")
        status = "ok" if not problems else "FAILED"
        log(f"run {run:2d}: {threads} threads, killed after {waited:.2f} s: "
            f"{acknowledged} acknowledged, {verified} verified "
            f"(+{earlier_ok}/{len(sample)} earlier, {withdrawals} withdrawals; operator: "
            f"{decisions.steps - steps_before} steps, {decisions.edits - edits_before} edits) "
            f"[{time.monotonic() - t0:.1f} s] {status}")
        if message_line:
            log(message_line)
        for p in problems[:15]:
            log(f"    {p}")
        if len(problems) > 15:
            log(f"    ... and {len(problems) - 15} more")
        if problems:
            failed_runs.append(run)
        if acknowledged == 0 and run >= 3 and len(failed_runs) == run:
            log("giving up: the first runs all failed")
            break
    log(f"{runs} runs in {time.monotonic() - began:.0f} s")
    if failed_runs:
        log(f"failed runs: {', '.join(map(str, failed_runs))}")
        tail = server.tail(20)
        if tail:
            log("last lines of the server's log:\n" + tail)
    log(f"crash test: {runs} runs, {total_ack} acknowledged submissions, {decisions.steps} "
        f"acknowledged decisions (all {len(decisions.apps)} applications re-read after every "
        f"restart), {decisions.edits} programme edits, {len(all_lost)} lost")
    lost_messages = 0
    if outbox is not None:
        # Every message owed by an acknowledged cause must have reached the gateway once the
        # outbox has drained (leases of killed senders expired, retries done).
        drained, pending = drain(base)
        if pending is not None:
            log(f"the message outbox did not drain in {drained:.0f} s: {pending}")
        once, duplicates, lost, extra = outbox.check(stub.sent())
        lost_messages = len(lost) + (pending is not None)
        for p in lost[:15]:
            log(f"    {p}")
        if len(lost) > 15:
            log(f"    ... and {len(lost) - 15} more")
        log(f"messages: delivered exactly once: {once}, duplicates: {duplicates}, lost: "
            f"{len(lost)} ({outbox.owed()} owed by acknowledged causes; {extra} more from "
            f"causes the kill cut off before their answer; the outbox drained {drained:.1f} s "
            f"after the last restart's checks)")
    return 0 if not failed_runs and runs == args.runs and lost_messages == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
