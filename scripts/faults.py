#!/usr/bin/env python3
"""Storage faults against the release server: a full disk, a read-only PostgreSQL, and the
search index's directory lost while serving.

Each scenario writes while the fault lasts and checks what a user would notice:
  - every write is either acknowledged (2xx) or refused with `503` and the code `cannot_save`
    (a plain message in the user's language), never a 500, never internals;
  - reading goes on: the search page, the API search, a programme, /healthz all answer 200;
  - once the fault is gone, writes succeed again without a restart, and everything that was
    acknowledged (before, during and after) is there, also after a restart.
The index scenario removes the embedded index's directory under a serving instance: searches go
on answering, `server reindex` (a second process) rebuilds it, and the serving instance
switches to the rebuilt index.

    python3 scripts/faults.py [--server PATH] [--port 3180] [--postgres-admin URL]

A read-only file system under SQLite is not among them: Linux refuses to remount a file
system read-only while the server holds files open for writing, so it cannot be made to
happen under a running server here. The disk scenario mounts a small tmpfs (root, or sudo without a password); without either they
are reported as not run and the script fails, since a check that cannot run proves nothing.
Python 3 standard library only; reuses the client and server helpers of scripts/crash.py.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402
from crash import Client, Failure, Server, database_url, log, psql  # noqa: E402

TODAY = "2026-11-27"
ENTREPRENEUR = "+77010000001"
PASSWORD = "demo-parol-2026"
PROGRAM = "auyl-amanaty-microcredit"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n" + b"%" * 200_000 + b"\ntrailer <<>>\n%%EOF\n"
QUERY = "/api/v1/programs?q=%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82"  # кредит


def sudo():
    return [] if os.geteuid() == 0 else ["sudo", "-n"]


def run(cmd):
    r = subprocess.run(sudo() + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"{' '.join(cmd)}: {r.stderr.strip()}")


class Results:
    def __init__(self):
        self.lines = []
        self.failed = False

    def check(self, ok, what):
        self.lines.append(("ok  " if ok else "FAIL") + "  " + what)
        log(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            self.failed = True


def upload(client, app_id):
    """A document upload through the API (multipart), as the application page sends it."""
    boundary = "----auylfaults"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"slot\"\r\n\r\n0\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; "
        f"filename=\"passport.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    ).encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    import urllib.request

    req = urllib.request.Request(
        client.base + f"/api/v1/applications/{app_id}/documents",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": client.base,
            "Accept": "application/json",
        },
        method="POST",
    )
    try:
        with client.opener.open(req, timeout=crash.REQUEST_TIMEOUT) as r:
            return crash.Response(r.status, r.read().decode("utf-8", "replace"))
    except crash.urllib.error.HTTPError as e:
        return crash.Response(e.code, e.read().decode("utf-8", "replace"))


def refused_plainly(r):
    """A refusal the way a full or read-only store must answer."""
    text = r.body.lower()
    leaks = any(w in text for w in ("sqlite", "postgres", "sqlx", "panicked", "readonly database",
                                    "os error", "select ", "insert "))
    return r.status == 503 and r.error_code() == "cannot_save" and not leaks


class Session:
    """The entrepreneur's draft, saved again and again; what was acknowledged is remembered."""

    def __init__(self, base):
        self.client = Client(base, ENTREPRENEUR, PASSWORD)
        r = self.client.request("POST", "/api/sign_in",
                                form={"login": ENTREPRENEUR, "password": PASSWORD})
        if r.status != 200 or not self.client.has_session():
            raise Failure(f"sign-in failed: {r}")
        r = self.client.request("POST", "/api/v1/applications", body={"program": PROGRAM})
        if r.status != 201:
            raise Failure(f"opening a draft failed: {r}")
        self.id = r.json()["summary"]["id"]
        self.version = r.json()["summary"]["version"]
        self.saved = None  # the last acknowledged purpose
        self.documents = 0  # acknowledged uploads
        self.n = 0

    def save(self):
        self.n += 1
        purpose = f"Покупка нетелей, сохранение {self.n}"
        r = self.client.request("PUT", f"/api/v1/applications/{self.id}", body={
            "version": self.version,
            "fields": {"amount": "2000000", "term": "36", "purpose": purpose},
        })
        if r.status == 200:
            self.version = r.json()["version"]
            self.saved = purpose
        return r

    def upload(self):
        r = upload(self.client, self.id)
        if r.status == 201:
            self.documents += 1
        return r

    def stored(self):
        r = self.client.request("GET", f"/api/v1/applications/{self.id}")
        if r.status != 200:
            raise Failure(f"reading the application failed: {r}")
        j = r.json()
        return j["fields"].get("purpose"), len(j["documents"])


def reads_go_on(base, res, when):
    c = Client(base, "", "")
    for path in (QUERY, "/programs?q=%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82",
                 f"/api/v1/programs/{PROGRAM}", "/healthz"):
        r = c.request("GET", path)
        res.check(r.status == 200, f"{when}: GET {path.split('?')[0]} answers 200 (got {r.status})")


def under_fault(s, res, when, writes=40):
    """Writes while the fault lasts: each acknowledged or refused plainly, and at least one
    refused (else the fault did not bite and the scenario proves nothing)."""
    statuses = []
    r = s.upload()
    statuses.append(r)
    for _ in range(writes):
        statuses.append(s.save())
    bad = [r for r in statuses if r.status not in (200, 201) and not refused_plainly(r)]
    refused = [r for r in statuses if refused_plainly(r)]
    res.check(not bad, f"{when}: every write acknowledged or refused with 503 cannot_save "
                       f"({len(statuses) - len(refused)} acknowledged, {len(refused)} refused"
                       + (f"; unexpected: {bad[0]!r}" if bad else "") + ")")
    res.check(bool(refused), f"{when}: the fault refused writes (the check bit)")
    if refused:
        msg = refused[0].json()["error"]["message"]
        log(f"    the message: {msg}")


def recovered(s, res, when):
    before = s.saved
    r = s.save()
    res.check(r.status == 200, f"{when}: a save succeeds again without a restart ({r.status})")
    r = s.upload()
    res.check(r.status == 201, f"{when}: an upload succeeds again ({r.status})")
    purpose, documents = s.stored()
    res.check(purpose == s.saved and s.saved != before,
              f"{when}: the last acknowledged save is stored ({purpose!r})")
    res.check(documents == s.documents,
              f"{when}: every acknowledged upload is there ({documents} of {s.documents})")


def fill(path):
    """Writes `path` until the file system is full."""
    chunk = b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass


def disk_scenarios(binary, port, res):
    mnt = tempfile.mkdtemp(prefix="auyl-faults-")
    try:
        run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mnt])
    except Failure as e:
        res.check(False, f"mounting a small file system for the disk scenarios ({e})")
        return
    server = None
    try:
        data = os.path.join(mnt, "data")
        env = dict(os.environ, DATA_DIR=data, LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
                   APP_TODAY=TODAY, RUST_LOG="warn")
        env.pop("DATABASE_URL", None)
        server = Server(binary, env, port, os.path.join(tempfile.gettempdir(),
                                                        f"auyl-faults-{os.getpid()}.log"))
        server.start()
        base = f"http://127.0.0.1:{port}"
        s = Session(base)
        r = s.save()
        if r.status != 200:
            raise Failure(f"the first save failed: {r}")

        log("disk full (SQLite and uploads on a file system with no space left)")
        filler = os.path.join(mnt, "filler")
        fill(filler)
        # SQLite keeps writing into the room its write-ahead log already has, so small saves may
        # still be acknowledged (and must then survive); a document's file needs new space.
        under_fault(s, res, "disk full")
        reads_go_on(base, res, "disk full")
        os.remove(filler)
        recovered(s, res, "disk freed")

        server.kill()
        server.start()
        purpose, documents = s.stored()
        res.check(purpose == s.saved and documents == s.documents,
                  f"after a restart: every acknowledged write is there ({purpose!r}, "
                  f"{documents} documents)")
    finally:
        if server is not None:
            server.kill()
        subprocess.run(sudo() + ["umount", "-l", mnt], capture_output=True)
        shutil.rmtree(mnt, ignore_errors=True)


def postgres_scenario(binary, port, admin, res):
    name = f"faults_{os.getpid()}"
    psql(admin, f'CREATE DATABASE "{name}"')
    data = tempfile.mkdtemp(prefix="auyl-faults-pg-")
    env = dict(os.environ, DATA_DIR=data, LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
               APP_TODAY=TODAY, RUST_LOG="warn", DATABASE_URL=database_url(admin, name))
    server = Server(binary, env, port, os.path.join(data, "server.log"))
    kick = (f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    try:
        server.start()
        base = f"http://127.0.0.1:{port}"
        s = Session(base)
        s.save()
        log("read-only PostgreSQL (default_transaction_read_only, as on a standby after a "
            "failover; the server's connections are dropped to take it)")
        psql(admin, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        psql(admin, kick)
        under_fault(s, res, "PostgreSQL read-only")
        reads_go_on(base, res, "PostgreSQL read-only")
        psql(admin, f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
        psql(admin, kick)
        recovered(s, res, "PostgreSQL writable again")
    finally:
        server.kill()
        try:
            psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Failure as e:
            log(f"warning: {e}")
        shutil.rmtree(data, ignore_errors=True)


def index_scenario(binary, port, res):
    data = tempfile.mkdtemp(prefix="auyl-faults-index-")
    env = dict(os.environ, DATA_DIR=data, LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
               APP_TODAY=TODAY, RUST_LOG="warn")
    env.pop("DATABASE_URL", None)
    server = Server(binary, env, port, os.path.join(data, "server.log"))
    try:
        server.start()
        base = f"http://127.0.0.1:{port}"
        c = Client(base, "", "")
        before = c.request("GET", QUERY).json()["total"]
        log("search index directory removed while serving")
        shutil.rmtree(os.path.join(data, "search"))
        r = c.request("GET", QUERY)
        res.check(r.status == 200 and r.json()["total"] == before,
                  f"index removed: the search still answers ({r.status}, "
                  f"{r.json() and r.json().get('total')} of {before} results)")
        started = time.monotonic()
        p = subprocess.run([binary, "reindex"], env=env, capture_output=True, text=True)
        took = time.monotonic() - started
        res.check(p.returncode == 0, f"server reindex rebuilds it in {took:.1f} s "
                                     f"({p.stdout.strip() or p.stderr.strip()[-200:]})")
        res.check(os.path.exists(os.path.join(data, "search", "CURRENT")),
                  "the rebuilt index is on disk")
        deadline = time.monotonic() + 15
        while True:
            r = c.request("GET", QUERY)
            h = c.request("GET", "/healthz").json() or {}
            docs = (h.get("search") or {}).get("documents")
            if r.status == 200 and r.json()["total"] == before and docs:
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        res.check(r.status == 200 and r.json()["total"] == before and bool(docs),
                  f"the serving instance answers from the rebuilt index ({docs} documents)")
    finally:
        server.kill()
        shutil.rmtree(data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", default="target/release/server")
    ap.add_argument("--port", type=int, default=3180)
    ap.add_argument("--postgres-admin", help="PostgreSQL admin URL for the read-only scenario")
    args = ap.parse_args()
    if not os.path.exists(args.server):
        print(f"faults: no server binary at {args.server} (make build)", file=sys.stderr)
        return 2
    binary = os.path.abspath(args.server)
    res = Results()
    try:
        disk_scenarios(binary, args.port, res)
        index_scenario(binary, args.port, res)
        if args.postgres_admin:
            postgres_scenario(binary, args.port, args.postgres_admin, res)
    except Failure as e:
        res.check(False, f"the scenario could not go on: {e}")
    log("")
    log(f"faults: {sum(1 for l in res.lines if l.startswith('ok'))} checks passed, "
        f"{sum(1 for l in res.lines if l.startswith('FAIL'))} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
