"""Supervision at scale: the lists and the figures at 10,000 and at 100,000 matters.

Run:  .venv/bin/python benchmarks/supervision.py            (SQLite, a fresh file under var/bench-supervision/)
      DATABASE_URL=postgres://… .venv/bin/python benchmarks/supervision.py

Seeds matters in bulk backwards from today — the first 10,000 are the last year, 100,000 ten years —
(a lead unit each, a co-unit for every third, two progress reports and a completion report, an
extension for one in twenty; those of the last 40 days partly open), and after each step times the pages the office opens every day: the staff's, a leader's and a liaison's
list, a matter's page, the figures for the month by unit and by leader, the year's figures and the
weekly bulletin as Excel. Prints the median of 20 requests and the query count of each; no assertions
(the query counts are pinned in the tests; the figures go into the README).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-supervision"
if "DATABASE_URL" not in os.environ:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'db.sqlite3'}"
VAR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SHUNIU_VAR_DIR", str(VAR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
os.environ.setdefault("DEBUG", "1")
sys.path.insert(0, str(ROOT))

import django

django.setup()

import datetime as dt

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuniu.core.models import Clearance, Counter, LeaderProfile, Role, Unit, UnitKind, User
from shuniu.core.services import user_create
from shuniu.supervision.models import (
    Assignment,
    Channel,
    Extension,
    ExtensionStatus,
    Matter,
    Part,
    Receipt,
    Report,
    Source,
    Status,
)

STEPS = [int(n) for n in os.environ.get("BENCH_MATTERS", "10000,100000").split(",")]
BATCH = 5000
UNITS = 60
YEARS = 10


def person(username: str, name: str, roles: list[str], unit: Unit | None = None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            full_name=name,
            roles=roles,
            clearance=Clearance.TOP_SECRET,
            unit=unit,
            actor=None,
            password="Bench#2026x",
        )
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.refresh_from_db()
    return user


def cast() -> tuple[User, list[User], list[Unit], User]:
    units = [
        Unit.objects.get_or_create(name=f"压测单位{i:02d}", defaults={"kind": UnitKind.DEPARTMENT})[0]
        for i in range(UNITS)
    ]
    staff = person("bench_staff", "压测督查", [Role.SUPERVISOR])
    leaders = []
    for i in range(12):
        leader = person(f"bench_leader{i:02d}", f"压测领导{i}", [Role.LEADER])
        LeaderProfile.objects.get_or_create(user=leader, defaults={"rank": 100 + i, "post": "县委常委"})
        leaders.append(leader)
    liaison = person("bench_liaison", "压测联络员", [Role.LIAISON], unit=units[0])
    return staff, leaders, units, liaison


def seed(total: int, staff: User, leaders: list[User], units: list[Unit], liaison: User) -> None:
    have = Matter.objects.count()
    now = timezone.now()
    step = dt.timedelta(days=365 * YEARS) / max(STEPS)  # newest first: 10,000 is the last year, 100,000 ten
    began = time.perf_counter()
    for offset in range(have, total, BATCH):
        with transaction.atomic():
            matters = []
            for n in range(offset, min(offset + BATCH, total)):
                registered = now - step * (n + 1)
                deadline = registered + dt.timedelta(days=15 + n % 20)
                open_ = registered > now - dt.timedelta(days=40) and n % 3 == 0
                completed = registered + dt.timedelta(days=10 + n % 30)
                matters.append(
                    Matter(
                        year=registered.year,
                        seq=n + 1,
                        source=Source.values[n % len(Source.values)],
                        title=f"压测督办事项第{n}项",
                        content="按要求办理并报告。",
                        instructing_leader=leaders[n % len(leaders)],
                        leader_in_charge=leaders[(n + 1) % len(leaders)],
                        deadline=deadline,
                        original_deadline=deadline,
                        measured_deadline=deadline,
                        status=Status.ACTING if open_ else Status.CLOSED,
                        registered_by=staff,
                        registered_at=registered,
                        completed_at=None if open_ else completed,
                        closed_at=None if open_ else completed + dt.timedelta(days=1),
                        last_report_at=registered + dt.timedelta(days=5),
                        lead_unit=units[n % UNITS],
                    )
                )
            made = Matter.objects.bulk_create(matters)
            assignments = []
            for m in made:
                n = m.seq - 1
                signed = {"receipt": Receipt.SIGNED, "signed_at": m.registered_at, "channel": Channel.SCREEN}
                assignments.append(
                    Assignment(matter=m, unit=units[n % UNITS], part=Part.LEAD, assigned_at=m.registered_at, **signed)
                )
                if n % 3 == 0:
                    assignments.append(
                        Assignment(
                            matter=m, unit=units[(n + 7) % UNITS], part=Part.CO, assigned_at=m.registered_at, **signed
                        )
                    )
            assignments = Assignment.objects.bulk_create(assignments)
            leads = {a.matter_id: a for a in assignments if a.part == Part.LEAD}
            reports, extensions = [], []
            for m in made:
                lead = leads[m.pk]
                for k, percent in enumerate((30, 70)):
                    reports.append(
                        Report(
                            matter=m,
                            assignment=lead,
                            author=liaison,
                            at=m.registered_at + dt.timedelta(days=3 + 3 * k),
                            text="进展",
                            percent=percent,
                        )
                    )
                if m.completed_at:
                    reports.append(
                        Report(
                            matter=m,
                            assignment=lead,
                            author=liaison,
                            at=m.completed_at,
                            text="已办结",
                            percent=100,
                            completion=True,
                        )
                    )
                if m.seq % 20 == 0:
                    assert m.deadline is not None
                    extensions.append(
                        Extension(
                            matter=m,
                            assignment=lead,
                            requested_by=liaison,
                            requested_at=m.registered_at + dt.timedelta(days=8),
                            reason="压测",
                            expected=m.deadline + dt.timedelta(days=10),
                            progress="压测",
                            old_deadline=m.deadline,
                            status=ExtensionStatus.APPROVED,
                            decided_by=staff,
                            decided_at=m.registered_at + dt.timedelta(days=9),
                            new_deadline=m.deadline + dt.timedelta(days=10),
                        )
                    )
            Report.objects.bulk_create(reports)
            Extension.objects.bulk_create(extensions)
        print(f"  seeded {min(offset + BATCH, total):>7} matters ({time.perf_counter() - began:.0f} s)", flush=True)
    Counter.objects.filter(series="督").delete()


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)
    times = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
    assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    staff, leaders, units, liaison = cast()
    clients = {}
    for who, user in (("staff", staff), ("leader", leaders[0]), ("liaison", liaison)):
        clients[who] = Client(HTTP_HOST="localhost")
        clients[who].force_login(user)
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    results: dict[str, list[tuple[float, int]]] = {}
    pages: list[tuple[str, str, str]] = []
    for total in STEPS:
        seed(total, staff, leaders, units, liaison)
        sample = (
            Matter.objects.filter(status=Status.ACTING).order_by("-pk").first()
            or Matter.objects.order_by("-pk").first()
        )
        assert sample is not None
        pages = [
            ("staff: open matters (在办)", "staff", "/supervision/"),
            ("staff: all matters, page 100", "staff", "/supervision/?status=all&page=100"),
            ("leader: open matters", "leader", "/supervision/"),
            ("liaison: open matters", "liaison", "/supervision/"),
            ("a matter's page", "staff", f"/supervision/{sample.pk}/"),
            ("figures: this month by unit", "staff", "/supervision/figures/"),
            ("figures: this month by leader", "staff", "/supervision/figures/?by=leader"),
            ("figures: last 12 months", "staff", f"/supervision/figures/?from={year_ago}&to={today}"),
            ("weekly bulletin (Excel)", "staff", "/supervision/bulletin.xlsx"),
        ]
        print(
            f"database: {connection.vendor}, matters: {Matter.objects.count():,}, reports: {Report.objects.count():,}"
        )
        for name, who, url in pages:
            results.setdefault(name, []).append(measure(clients[who], url))
    header = "".join(f"{f'{n:,} ms':>12}{'queries':>9}" for n in STEPS)
    print(f"{'page':<32}{header}")
    for name, _, _ in pages:
        print(f"{name:<32}" + "".join(f"{ms:>12.1f}{q:>9}" for ms, q in results[name]))


if __name__ == "__main__":
    main()
