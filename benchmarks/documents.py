"""Documents at scale: seed 100,000 documents (BENCH_DOCUMENTS), then time the leader's desk and the register.

Run:  DEBUG=1 DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python benchmarks/documents.py
(or any postgres:// URL). Prints page times (median of 20) and query counts; no assertions.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuniu.core.models import Clearance, Counter, LeaderProfile, Role, User
from shuniu.core.services import user_create
from shuniu.documents.models import Copy, CopyState, Document, Reading, Status
from shuniu.documents.routing_adapter import replan
from shuniu.search.models import Entry
from shuniu.search.services import index_rebuild

TOTAL = int(os.environ.get("BENCH_DOCUMENTS", "100000"))
BATCH = 5000
ON_DESK = 40


def people() -> tuple[User, list[User]]:
    clerk = User.objects.filter(username="bench_clerk").first() or user_create(
        username="bench_clerk",
        full_name="压测文书",
        roles=[Role.CLERK],
        clearance=Clearance.TOP_SECRET,
        actor=None,
        password="Bench#2026x",
        must_change=False,
    )
    leaders = []
    for i in range(12):
        name = f"bench_leader{i:02d}"
        leader = User.objects.filter(username=name).first()
        if leader is None:
            leader = user_create(
                username=name,
                full_name=f"压测领导{i}",
                roles=[Role.LEADER],
                clearance=Clearance.TOP_SECRET,
                actor=None,
                password="Bench#2026x",
                must_change=False,
            )
            LeaderProfile.objects.create(user=leader, rank=100 + i, post="县委常委")
        leaders.append(leader)
    return clerk, leaders


def seed(clerk: User, leaders: list[User]) -> None:
    have = Document.objects.count()
    if have >= TOTAL:
        return
    start = timezone.now() - dt.timedelta(days=3650)
    step = dt.timedelta(days=3650) / TOTAL
    began = time.perf_counter()
    for offset in range(have, TOTAL, BATCH):
        with transaction.atomic():
            docs = []
            for n in range(offset, min(offset + BATCH, TOTAL)):
                received = start + step * n
                docs.append(
                    Document(
                        reg_year=received.year,
                        reg_seq=n + 1,
                        received_at=received,
                        source_org=f"来文单位{n % 300}",
                        source_number=f"文号〔{received.year}〕{n}号",
                        title=f"关于第{n}项工作的通知",
                        urgency=["flash", "urgent", "normal", "normal", "normal"][n % 5],
                        deadline=received + dt.timedelta(days=3),
                        status=Status.ARCHIVED if n < TOTAL - 200 else Status.CIRCULATING,
                        read_at=received + dt.timedelta(hours=30),
                        registered_by=clerk,
                    )
                )
            created = Document.objects.bulk_create(docs)
            copies = Copy.objects.bulk_create(
                [Copy(document=d, number=1, state=CopyState.RETURNED, since=d.received_at) for d in created]
            )
            readings = []
            for d, copy in zip(created, copies, strict=True):
                for k in range(3):
                    leader = leaders[(d.reg_seq + k) % len(leaders)]
                    readings.append(
                        Reading(
                            document=d,
                            leader=leader,
                            position=k,
                            copy=copy,
                            delivered_at=d.received_at,
                            signed_at=d.received_at + dt.timedelta(hours=k + 1),
                        )
                    )
            Reading.objects.bulk_create(readings)
        print(f"  seeded {min(offset + BATCH, TOTAL):>7} documents ({time.perf_counter() - began:.0f} s)", flush=True)
    Counter.objects.filter(series="收").delete()
    # A desk with work on it: the newest documents lie unsigned on the first leader's desk.
    recent = list(Document.objects.filter(status=Status.CIRCULATING).order_by("-reg_seq")[:ON_DESK])
    for d in recent:
        copy = d.copies.get()
        Copy.objects.filter(pk=copy.pk).update(state=CopyState.ON_DESK, holder=leaders[0])
        Reading.objects.filter(document=d).delete()
        Reading.objects.create(document=d, leader=leaders[0], copy=copy, delivered_at=timezone.now())


def measure(client: Client, url: str) -> tuple[float, int, int]:
    client.get(url)
    times = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
    assert response.status_code == 200, url
    return statistics.median(times) * 1000, len(queries.captured_queries), len(response.content)


def main() -> None:
    call_command("migrate", verbosity=0)
    clerk, leaders = people()
    User.objects.filter(username__startswith="bench_").update(must_change_password=False)
    seed(clerk, leaders)
    if Entry.objects.filter(kind="document").count() < Document.objects.count():  # the register's search box
        began = time.perf_counter()
        index_rebuild(only="document")
        print(f"search index rebuilt in {time.perf_counter() - began:.0f} s")
    print(
        f"database: {connection.vendor}, documents: {Document.objects.count():,}, readings: {Reading.objects.count():,}"
    )
    leader_client, clerk_client = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    leader_client.force_login(leaders[0])
    clerk_client.force_login(clerk)
    rows = [
        ("leader's desk (待阅, 40 items)", leader_client, "/documents/desk/"),
        ("register, first page", clerk_client, "/documents/"),
        ("register, page 1000", clerk_client, "/documents/?page=1000"),
        ("register, search by title", clerk_client, "/documents/?q=第99999项"),
        ("register, search a common word", clerk_client, "/documents/?q=通知"),
    ]
    print(f"{'page':<34} {'median ms':>10} {'queries':>8} {'bytes':>9}")
    for name, client, url in rows:
        ms, queries, size = measure(client, url)
        print(f"{name:<34} {ms:>10.1f} {queries:>8} {size:>9,}")
    times = []
    for _ in range(5):
        began = time.perf_counter()
        replan()
        times.append(time.perf_counter() - began)
    circulating = Document.objects.filter(status=Status.CIRCULATING).count()
    print(f"{f'replan ({circulating} in circulation)':<34} {statistics.median(times) * 1000:>10.1f}")


if __name__ == "__main__":
    main()
