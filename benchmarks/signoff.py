"""Sign-off latency with 200 documents in circulation and four leaders signing at once.

Run:  .venv/bin/python benchmarks/signoff.py            (SQLite, a fresh file under var/bench-signoff/)
      DATABASE_URL=postgres://… .venv/bin/python benchmarks/signoff.py

Seeds 200 documents through the services (registered, proposed, approved, delivered), starts the
worker (`shuniu worker`) as the office would run it, then four threads — four leaders — sign every
copy on their desks at the same time through `reading_sign`. Prints the median and worst latency of
a sign-off as the signer waits for it, and how long the worker took to bring the stored plan up to
date afterwards. No assertions: the figures go into the README.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-signoff"
if "DATABASE_URL" not in os.environ:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'db.sqlite3'}"
VAR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SHUNIU_VAR_DIR", str(VAR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
sys.path.insert(0, str(ROOT))

import django

django.setup()

import datetime as dt

from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from shuniu.core.models import Clearance, LeaderProfile, Role, User
from shuniu.core.services import user_create
from shuniu.documents import services
from shuniu.documents.models import Copy, CopyState, Document, Reading, Status

DOCUMENTS = int(os.environ.get("BENCH_CIRCULATING", "200"))
SIGNERS = 4


def people() -> tuple[User, User, list[User]]:
    def person(username: str, name: str, roles: list[str]) -> User:
        return User.objects.filter(username=username).first() or user_create(
            username=username,
            full_name=name,
            roles=roles,
            clearance=Clearance.TOP_SECRET,
            actor=None,
            password="Bench#2026x",
        )

    clerk = person("bench_clerk", "压测文书", [Role.CLERK])
    director = person("bench_director", "压测主任", [Role.DIRECTOR])
    leaders = []
    for i in range(12):
        leader = person(f"bench_leader{i:02d}", f"压测领导{i}", [Role.LEADER])
        LeaderProfile.objects.get_or_create(user=leader, defaults={"rank": 100 + i, "post": "县委常委"})
        leaders.append(leader)
    return clerk, director, leaders


def seed(clerk: User, director: User, leaders: list[User]) -> None:
    began = time.perf_counter()
    now = timezone.now()
    for n in range(DOCUMENTS):
        document = services.document_register(
            actor=clerk,
            received_at=now - dt.timedelta(hours=1),
            source_org=f"来文单位{n % 30}",
            source_number=f"压测〔2026〕{n}号",
            title=f"关于第{n}项工作的通知",
            urgency=["urgent", "normal", "normal", "normal"][n % 4],
            deadline=now + dt.timedelta(days=3 + n % 5),
            pages=1 + n % 6,
        )
        # Signers 0-3 are on every document, so each of them has a full desk; two others read too.
        readers = [leaders[n % SIGNERS], leaders[SIGNERS + n % 8], leaders[SIGNERS + (n + 3) % 8]]
        services.proposal_submit(document=document, readers=readers, actor=clerk, copies_allowed=1 + n % 2)
        services.proposal_approve(document=document, actor=director)
        if (n + 1) % 50 == 0:
            print(f"  seeded {n + 1} documents ({time.perf_counter() - began:.0f} s)", flush=True)
    # The clerk's round: every copy on its way is put on its reader's desk.
    for copy in Copy.objects.filter(state=CopyState.TO_DELIVER).select_related("destination"):
        services.copy_deliver(copy=copy, actor=clerk)


def sign_all(leader: User, times: list[float], errors: list[str]) -> None:
    try:
        readings = list(
            Reading.objects.filter(
                leader=leader, signed_at__isnull=True, copy__state=CopyState.ON_DESK, copy__holder=leader
            ).values_list("pk", flat=True)
        )
        for pk in readings:
            reading = Reading.objects.get(pk=pk)
            began = time.perf_counter()
            try:
                services.reading_sign(reading=reading, actor=leader)
            except Exception as exc:  # a figure, not a test: count what failed and go on
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            times.append(time.perf_counter() - began)
    finally:
        connections.close_all()


def main() -> None:
    call_command("migrate", verbosity=0)
    clerk, director, leaders = people()
    if not Document.objects.filter(status=Status.CIRCULATING).exists():
        seed(clerk, director, leaders)
    connections.close_all()
    circulating = Document.objects.filter(status=Status.CIRCULATING).count()
    print(f"database: {connection.vendor}, in circulation: {circulating}, signers at once: {SIGNERS}")
    worker = subprocess.Popen(  # noqa: S603 - our own console command
        [str(ROOT / ".venv" / "bin" / "shuniu"), "worker", "-w", "1"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2)
        times: list[float] = []
        errors: list[str] = []
        threads = [threading.Thread(target=sign_all, args=(leader, times, errors)) for leader in leaders[:SIGNERS]]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        while HUEY.pending_count():  # the replans queued by the sign-offs (stale ones are skipped)
            time.sleep(0.05)
        caught_up = time.perf_counter() - began - wall
    finally:
        worker.terminate()
        worker.wait()
    ms = sorted(t * 1000 for t in times)
    print(f"sign-offs: {len(ms)} in {wall:.1f} s, failed: {len(errors)}")
    if ms:
        print(f"latency ms: median {statistics.median(ms):.0f}, p90 {ms[int(len(ms) * 0.9)]:.0f}, worst {ms[-1]:.0f}")
    print(f"stored plan up to date {caught_up:.1f} s after the last sign-off (the worker's replans)")
    for error in sorted(set(errors))[:5]:
        print("  ", error)


if __name__ == "__main__":
    main()
