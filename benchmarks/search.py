"""The search at ten years of data: seed documents with varied titles (3 readings each), index them with the
real rebuild, then time a table of queries for a clerk (sees everything) and a leader (sees their own copies).

Run:  DEBUG=1 DATABASE_URL=sqlite:///var/bench-search.sqlite3 BENCH_DOCUMENTS=100000 .venv/bin/python benchmarks/search.py
(or any postgres:// URL). Prints, per query, the median and 95th percentile of 30 searches through the
selector (the page adds its template), the hits, and the rebuild's rate; no assertions.
"""

from __future__ import annotations

import datetime as dt
import os
import random
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
from django.db.models import Exists, OuterRef
from django.test import Client
from django.utils import timezone

from shuniu.core.models import Clearance, Role, User
from shuniu.core.services import user_create
from shuniu.documents.models import Document, Reading, Status
from shuniu.search import selectors
from shuniu.search.models import Entry
from shuniu.search.services import index_rebuild

TOTAL = int(os.environ.get("BENCH_DOCUMENTS", "100000"))
BATCH = 5000
ISSUERS = ["市委办公室", "市政府办公室", "市发展和改革委员会", "市财政局", "市统计局", "市应急管理局", "省委办公厅",
           "市农业农村局", "市自然资源局", "市生态环境局", "市教育局", "市卫生健康委员会"]  # fmt: skip
PLACES = ["城关镇", "东山镇", "西河镇", "南坪镇", "石门乡", "白沙乡", "红岩乡", "龙泉镇", "全市", "全县", "各县（区）"]
TOPICS = ["安全生产", "森林防火", "防汛抗旱", "人口普查", "乡村振兴", "耕地保护", "项目建设", "招商引资", "疫情防控",
          "秸秆禁烧", "信访维稳", "营商环境", "集中供暖", "义务教育", "医疗保障", "河长制", "高标准农田", "督办落实"]  # fmt: skip
FORMS = ["关于做好{p}{t}工作的通知", "关于{p}{t}情况的通报", "关于开展{t}专项检查的通知", "关于印发《{p}{t}实施方案》的通知",
         "关于{t}工作的督办函", "关于报送{t}有关材料的紧急通知", "{p}{t}工作会议纪要"]  # fmt: skip
QUERIES = [
    ("1 character", "乡"),
    ("2 characters", "防火"),
    ("2 characters, rare", "河长"),
    ("4 characters", "人口普查"),
    ("mid-word", "口普"),
    ("issuing number", "统〔2019〕57号"),
    ("number fragment", "〔2024〕3"),
    ("two words", "石门 通报"),
    ("no hit", "人口调查"),
]


def people() -> tuple[User, list[User]]:
    def make(username: str, role: str) -> User:
        return User.objects.filter(username=username).first() or user_create(
            username=username,
            full_name=username,
            roles=[role],
            clearance=Clearance.TOP_SECRET,
            actor=None,
            password="Bench#2026x",
            must_change=False,
        )

    return make("bench_clerk", Role.CLERK), [make(f"bench_leader{i:02d}", Role.LEADER) for i in range(12)]


def seed(clerk: User, leaders: list[User]) -> None:
    have = Document.objects.count()
    rng = random.Random(2026)
    start = timezone.now() - dt.timedelta(days=3650)
    step = dt.timedelta(days=3650) / TOTAL
    began = time.perf_counter()
    for offset in range(have, TOTAL, BATCH):
        with transaction.atomic():
            docs = []
            for n in range(offset, min(offset + BATCH, TOTAL)):
                received = start + step * n
                issuer = ISSUERS[n % len(ISSUERS)]
                docs.append(
                    Document(
                        reg_year=received.year,
                        reg_seq=n + 1,
                        received_at=received,
                        source_org=issuer,
                        source_number=f"{issuer[1]}〔{received.year}〕{n % 200 + 1}号",
                        title=rng.choice(FORMS).format(p=rng.choice(PLACES), t=rng.choice(TOPICS)),
                        status=Status.ARCHIVED,
                        secrecy=Clearance.SECRET if n % 50 == 0 else Clearance.NONE,
                        registered_by=clerk,
                    )
                )
            created = Document.objects.bulk_create(docs)
            Reading.objects.bulk_create(
                [
                    Reading(
                        document=d, leader=leaders[(d.reg_seq + k) % len(leaders)], position=k, signed_at=d.received_at
                    )
                    for d in created
                    for k in range(3)
                ]
            )
        if (offset // BATCH) % 20 == 0:
            print(
                f"  seeded {min(offset + BATCH, TOTAL):>8,} documents ({time.perf_counter() - began:.0f} s)", flush=True
            )


def timed(user: User, query: str) -> tuple[float, float, int]:
    selectors.search(user, query)
    times = []
    for _ in range(30):
        began = time.perf_counter()
        groups = selectors.search(user, query)
        times.append(time.perf_counter() - began)
    times.sort()
    hits = sum(len(g.hits) for g in groups)
    return statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000, hits


def explain(user: User, query: str) -> None:
    """The plan of one kind's search (to see what the database does with it)."""
    from shuniu.search.registry import KINDS

    words = selectors.parse(query)
    kind = KINDS["document"]
    entries = Entry.objects.filter(kind=kind.key).filter(Exists(kind.visible(user).filter(pk=OuterRef("object_id"))))
    rows = selectors._matching(entries, kind, words, None).values_list("object_id")[:6]  # the index's plan
    print(rows.explain(analyze=connection.vendor == "postgresql"))
    if connection.vendor == "postgresql":  # the newest-first plan
        sql, params = selectors._newest(entries, kind, words, None, slice(0, 6), "object_id")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
            print("\n".join(line for (line,) in cursor.fetchall()))


def main() -> None:
    call_command("migrate", verbosity=0)
    clerk, leaders = people()
    User.objects.filter(username__startswith="bench_").update(must_change_password=False)
    seed(clerk, leaders)
    indexed = Entry.objects.filter(kind="document").count()
    if indexed < TOTAL:
        began = time.perf_counter()
        counts = index_rebuild(only="document")
        took = time.perf_counter() - began
        print(f"rebuild: {counts['document']:,} documents in {took:.0f} s ({counts['document'] / took:,.0f} a second)")
    with connection.cursor() as cursor:  # what a running database keeps up by itself (autovacuum on PostgreSQL)
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM search_entry")  # the GIN index's pending list merged
    print(f"database: {connection.vendor}, documents: {Document.objects.count():,}, entries: {Entry.objects.count():,}")
    print(
        f"{'query':<22} {'text':<16} {'clerk med':>9} {'p95':>7} {'hits':>5} {'leader med':>10} {'p95':>7} {'hits':>5}"
    )
    medians = []
    for name, query in QUERIES:
        c_med, c_p95, c_hits = timed(clerk, query)
        l_med, l_p95, l_hits = timed(leaders[0], query)
        medians += [c_med, l_med]
        print(
            f"{name:<22} {query:<16} {c_med:>9.1f} {c_p95:>7.1f} {c_hits:>5} {l_med:>10.1f} {l_p95:>7.1f} {l_hits:>5}"
        )
    print(f"median of the medians: {statistics.median(medians):.1f} ms")
    if os.environ.get("BENCH_EXPLAIN"):
        explain(clerk, "乡")
        explain(leaders[0], "人口普查")
    client = Client(HTTP_HOST="localhost")
    client.force_login(clerk)
    assert client.get("/search/?q=防火").status_code == 200
    times = []
    for _ in range(20):
        began = time.perf_counter()
        client.get("/search/?q=防火")
        times.append(time.perf_counter() - began)
    print(f"page /search/?q=防火 (clerk): {statistics.median(times) * 1000:.1f} ms median")


if __name__ == "__main__":
    main()
