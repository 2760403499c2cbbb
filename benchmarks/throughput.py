"""Throughput at ten years of data: every list page's requests a second, beside a bare logged-in view.

Run:  .venv/bin/python benchmarks/throughput.py        SQLite under var/bench-throughput/
      --seconds N (10 per page), --clients N (4), --workers N (gunicorn workers, 2), --skip-seed
      DATABASE_URL=postgres://… to run on PostgreSQL instead; BENCH_VAR=dir for another place than var/

Seeds, with the other benchmarks' own seeders, 1,000,000 documents with 3,000,000 readings
(BENCH_DOCUMENTS), 100,000 supervision matters with their reports (BENCH_MATTERS) and 100,000
petitions with 300,000 petitioners (BENCH_PETITIONS), and indexes them for the search. (A copy of
a database `benchmarks/documents.py` made saves the first, slowest part: put it at
var/bench-throughput/db.sqlite3 and the seeding carries on from there.)

Then starts the production server as the README deploys it (`shuniu serve`: gunicorn, DEBUG off)
on loopback, with one URL more — `/bench/bare/`, a view that needs a logged-in user and returns
two words, so it costs the whole middleware, the session and the user and nothing else — logs in
as the people who open each page, and lets N clients (threads, a new connection a request, as
gunicorn's sync workers close each one) request one page as fast as it answers for N seconds.
The bare view runs first and last; each page's figure is its requests a second and its share of
the bare view's. Prints a table; no assertions.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
VAR = Path(os.environ.get("BENCH_VAR", str(ROOT / "var" / "bench-throughput")))
BIN = ROOT / ".venv" / "bin"
PASSWORD = "Bench#2026x"  # noqa: S105 - the seeders' accounts, on loopback


def prepare() -> None:
    """Seed to the sizes asked (what is there already is kept) and index what the search has not."""
    os.environ.setdefault("BENCH_DOCUMENTS", "1000000")
    os.environ.setdefault("BENCH_MATTERS", "100000")
    os.environ.setdefault("BENCH_PETITIONS", "100000")
    sys.path.insert(0, str(HERE))
    documents = importlib.import_module("documents")  # sets Django up
    supervision = importlib.import_module("supervision")
    petitions = importlib.import_module("petitions")

    from django.core.management import call_command
    from django.db import connections

    from shuniu.core.models import User
    from shuniu.search.services import index_missing

    call_command("migrate", verbosity=0)
    clerk, leaders = documents.people()
    documents.seed(clerk, leaders)
    staff, leaders, units, liaison = supervision.cast()
    supervision.seed(max(supervision.STEPS), staff, leaders, units, liaison)
    officer, villages = petitions.cast()
    petitions.seed(max(petitions.STEPS), officer, villages)
    began = time.perf_counter()
    counts = {kind: n for kind, n in index_missing().items() if n}
    if counts:
        print(f"search index: {counts} added in {time.perf_counter() - began:.0f} s", flush=True)
    User.objects.filter(username__startswith="bench_").update(must_change_password=False)
    connections.close_all()


def server_environment() -> dict[str, str]:
    """Production settings with the keys the seeding generated (the petitioners' data is sealed with them)."""
    return {
        **os.environ,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "throughput_site",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        "SECRET_KEY": (VAR / "secret_key").read_text().strip(),
        "SHUNIU_AUDIT_KEY_FILE": str(VAR / "audit_key"),
        "SHUNIU_DATA_KEYS_FILE": str(VAR / "data_keys"),
        "SHUNIU_INDEX_KEY_FILE": str(VAR / "index_key"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
        "SHUNIU_API_RATE": "1000000",  # the API's per-token limit would otherwise be what is measured
    }


def api_token(username: str) -> str:
    """A read-only API token of `username`, issued through the service (the secret is printed once).

    The earlier runs' tokens are revoked first, through the service too: a person may hold MAX_LIVE.
    """
    code = (
        "from shuniu.core.models import User; from shuniu.core.tokens import token_issue, token_revoke, tokens_of; "
        f"import secrets; u = User.objects.get(username={username!r}); "
        "[token_revoke(token=t, actor=u) for t in tokens_of(u).filter(name__startswith='benchmark ', "
        "revoked_at__isnull=True)]; "
        "print(token_issue(user=u, name='benchmark ' + secrets.token_hex(4), scope='read', actor=u)[1])"
    )
    done = subprocess.run(  # noqa: S603 - our own command, our own code
        [str(BIN / "shuniu"), "shell", "-c", code], env=server_environment(), capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def log_in(port: int, username: str) -> str:
    """The Cookie header of a session of `username`, got through the login form."""
    load = importlib.import_module("load")
    browser = load.Browser(ports=[port])
    browser.request("GET", "/accounts/login/")
    status, location, _ = browser.request("POST", "/accounts/login/", {"username": username, "password": PASSWORD})
    if status != 302 or "login" in location:
        raise RuntimeError(f"{username} 登录失败（{status} {location}）")
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


@dataclass
class Run:
    done: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    size: int = 0


def hammer(port: int, path: str, credentials: dict[str, str], *, seconds: float, clients: int) -> Run:
    """`clients` threads requesting `path` for `seconds` (after a second's warm-up that is not counted)."""
    run, lock = Run(), threading.Lock()
    start = time.monotonic() + 1.0
    end = start + seconds
    headers = {"Host": "127.0.0.1", **credentials}

    def client() -> None:
        while (now := time.monotonic()) < end:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok, body = False, b""
            finally:
                conn.close()
            took = time.monotonic() - now
            if now >= start:
                with lock:
                    if ok:
                        run.done += 1
                        run.latencies.append(took)
                        run.size = len(body)
                    else:
                        run.errors += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--only", action="append", default=[], help="time only pages whose name holds this (repeatable)"
    )
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'db.sqlite3'}")
    os.environ["SHUNIU_VAR_DIR"] = str(VAR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(HERE))
    if not args.skip_seed:
        prepare()
    load = importlib.import_module("load")
    port = load.free_port()
    server = load.start(
        server_environment(),
        [str(BIN / "shuniu"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
        VAR / "server.log",
    )
    try:
        load.wait_for(port)
        sessions = {
            who: {"Cookie": log_in(port, who)}
            for who in ("bench_clerk", "bench_leader00", "bench_staff", "bench_liaison", "bench_officer")
        }
        sessions["api_clerk"] = {"Authorization": f"Bearer {api_token('bench_clerk')}"}
        sessions["api_liaison"] = {"Authorization": f"Bearer {api_token('bench_liaison')}"}
        pages = [
            ("bare logged-in view", "bench_clerk", "/bench/bare/"),
            ("workbench (clerk)", "bench_clerk", "/workbench/"),
            ("workbench (leader)", "bench_leader00", "/workbench/"),
            ("workbench (supervision staff)", "bench_staff", "/workbench/"),
            ("office board (clerk)", "bench_clerk", "/board/"),
            ("office board (leader)", "bench_leader00", "/board/"),
            ("register, first page", "bench_clerk", "/documents/"),
            ("register, title search", "bench_clerk", "/documents/?q=%E7%AC%AC99999%E9%A1%B9"),
            ("leader's desk (80 copies on it)", "bench_leader00", "/documents/desk/"),
            ("leader's inbox", "bench_leader00", "/accounts/inbox/"),
            ("supervision, staff (在办)", "bench_staff", "/supervision/"),
            ("supervision, all, page 100", "bench_staff", "/supervision/?status=all&page=100"),
            ("supervision, liaison", "bench_liaison", "/supervision/"),
            ("petitions register", "bench_officer", "/petitions/"),
            ("search 督办 (clerk)", "bench_clerk", "/search/?q=%E7%9D%A3%E5%8A%9E"),
            ("search 第99999项 (clerk)", "bench_clerk", "/search/?q=%E7%AC%AC99999%E9%A1%B9"),
            ("search 督办 (leader)", "bench_leader00", "/search/?q=%E7%9D%A3%E5%8A%9E"),
            ("API: register, 20 a page", "api_clerk", "/api/documents"),
            ("API: a liaison's matters", "api_liaison", "/api/matters"),
            ("bare logged-in view, again", "bench_clerk", "/bench/bare/"),
        ]
        if args.only:  # the bare view stays: every figure is a share of it
            pages = [p for p in pages if p[0].startswith("bare") or any(o in p[0] for o in args.only)]
        for name, who, path in pages:  # every page answers, before anything is timed
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Host": "127.0.0.1", **sessions[who]})
            status = conn.getresponse().status
            conn.close()
            if status != 200:
                raise RuntimeError(f"{name}：{path} 返回 {status}")
        print(
            f"server: shuniu serve, {args.workers} gunicorn workers; {args.clients} clients, {args.seconds:.0f} s a page; "
            f"database: {os.environ['DATABASE_URL'].split(':', 1)[0]}"
        )
        results = []
        for name, who, path in pages:
            results.append((name, hammer(port, path, sessions[who], seconds=args.seconds, clients=args.clients)))
        bare = statistics.mean(r.done for name, r in results if name.startswith("bare")) / args.seconds
        print(f"{'page':<30}{'req/s':>9}{'of bare':>9}{'median ms':>11}{'errors':>8}{'bytes':>9}")
        for name, run in results:
            rate = run.done / args.seconds
            median = statistics.median(run.latencies) * 1000 if run.latencies else float("nan")
            print(f"{name:<30}{rate:>9.1f}{rate / bare:>9.0%}{median:>11.1f}{run.errors:>8}{run.size:>9,}")
        print("one request at a time (1 client), median ms:")
        for name, who, path in pages:
            if "board" in name:
                run = hammer(port, path, sessions[who], seconds=min(args.seconds, 5), clients=1)
                print(f"  {name:<28}{statistics.median(run.latencies) * 1000:>9.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
