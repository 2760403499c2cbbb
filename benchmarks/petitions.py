"""Petitions at scale: the repeat check at the desk and the register at 10,000 and 100,000 petitions.

Run:  .venv/bin/python benchmarks/petitions.py            (SQLite, a fresh file under var/bench-petitions/)
      DATABASE_URL=postgres://… .venv/bin/python benchmarks/petitions.py

Seeds petitions in bulk backwards from today (10,000 = the last year, 100,000 = ten years), three
petitioners' records each (300,000 at the end; one in five a returning person), every ID number, phone
and address sealed with SM4 and indexed by HMAC-SM3 as the app does, spread over 15 townships × 6
villages. Then times, median of 20: the repeat check for a returning ID number, for a new person (ID,
phone and a name in a village — the check that runs on every intake), the register's first page and
page 100, and a petition's page; with query counts. No assertions: the figures go into the README.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-petitions"
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
from collections.abc import Callable
from functools import partial

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuniu.core.demo import TOWNSHIPS, VILLAGES
from shuniu.core.idcard import check_digit
from shuniu.core.models import Clearance, Counter, Role, Unit, UnitKind, User, Village
from shuniu.core.personal import blind_index
from shuniu.core.services import user_create
from shuniu.petitions.models import Party, Petition, Petitioner
from shuniu.petitions.selectors import Person, possible_repeats

STEPS = [int(n) for n in os.environ.get("BENCH_PETITIONS", "10000,100000").split(",")]
BATCH = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建华", "秀英", "志刚", "丽娟", "海波", "文静", "国庆", "春梅", "晓东", "红霞", "永强", "玉兰"]


def id_number(n: int) -> str:
    first17 = f"999901{1940 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + check_digit(first17)


def phone(n: int) -> str:
    return f"13{n % 10}{n:08d}"[:11]


def cast() -> tuple[User, list[Village]]:
    for name in TOWNSHIPS:
        township, _ = Unit.objects.get_or_create(name=name, defaults={"kind": UnitKind.TOWNSHIP})
        for village in VILLAGES:
            Village.objects.get_or_create(township=township, name=village)
    officer = User.objects.filter(username="bench_officer").first()
    if officer is None:
        officer = user_create(
            username="bench_officer",
            full_name="压测接待员",
            roles=[Role.PETITION_OFFICER],
            clearance=Clearance.NONE,
            actor=None,
            password="Bench#2026x",
        )
        User.objects.filter(pk=officer.pk).update(must_change_password=False)
        officer.refresh_from_db()
    return officer, list(Village.objects.select_related("township").order_by("pk"))


def seed(total: int, officer: User, villages: list[Village]) -> None:
    have = Petition.objects.count()
    now = timezone.now()
    step = dt.timedelta(days=3650) / max(STEPS)
    began = time.perf_counter()
    for offset in range(have, total, BATCH):
        with transaction.atomic():
            petitions, people, parties = [], [], []
            for n in range(offset, min(offset + BATCH, total)):
                received = now - step * (n + 1)
                petitions.append(
                    Petition(
                        year=received.year,
                        seq=n + 1,
                        channel=["visit", "letter", "call", "online"][n % 4],
                        received_at=received,
                        category=["advice", "accusation", "request", "request"][n % 4],
                        topic=["land", "labour", "urban", "law", "civil", "other"][n % 6],
                        summary=f"压测信访事项第{n}项，反映的问题。",
                        appeal="请求依法处理。",
                        status="closed",
                        receptionist=officer,
                        registered_at=received,
                    )
                )
                for k in range(3):
                    m = 3 * n + k
                    village = villages[m % len(villages)]
                    number, mobile = id_number(m), phone(m)
                    people.append(
                        Petitioner(
                            name=SURNAMES[m % len(SURNAMES)] + GIVEN[(m // 20) % len(GIVEN)],
                            id_number=number,
                            id_index=blind_index("id", number),
                            phone=mobile,
                            phone_index=blind_index("phone", mobile),
                            township=village.township,
                            village=village,
                            address=f"{village.name}{m % 9 + 1}组{m % 97}号",
                        )
                    )
            made = Petition.objects.bulk_create(petitions)
            folks = Petitioner.objects.bulk_create(people)
            for i, petition in enumerate(made):
                for k in range(3):
                    parties.append(Party(petition=petition, petitioner=folks[3 * i + k], representative=k == 0))
            Party.objects.bulk_create(parties)
        print(f"  seeded {min(offset + BATCH, total):>7} petitions ({time.perf_counter() - began:.0f} s)", flush=True)
    Counter.objects.filter(series="信").delete()


def timed(call: Callable[[], object]) -> tuple[float, int]:
    call()
    times = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            call()
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    officer, villages = cast()
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)
    results: dict[str, list[tuple[float, int]]] = {}
    names: list[str] = []
    for total in STEPS:
        seed(total, officer, villages)
        known = Petitioner.objects.order_by("pk").first()
        assert known is not None
        village = villages[7]
        returning = Person(name=known.name, id_number=known.id_number)
        newcomer = Person(name="林海波", id_number=id_number(10**7 + 7), phone="13900000001", village=village)
        sample = Petition.objects.order_by("-received_at").first()
        assert sample is not None

        def page(url: str) -> Callable[[], object]:
            def get() -> object:
                response = client.get(url)
                assert response.status_code == 200, url
                return response

            return get

        checks: list[tuple[str, Callable[[], object]]] = [
            ("repeat check: a returning ID number", partial(possible_repeats, [returning])),
            ("repeat check: a new person (ID, phone, name)", partial(possible_repeats, [newcomer])),
            ("register, first page", page("/petitions/")),
            ("register, page 100", page("/petitions/?page=100")),
            ("a petition's page", page(f"/petitions/{sample.pk}/")),
        ]
        names = [name for name, _ in checks]
        print(
            f"database: {connection.vendor}, petitions: {Petition.objects.count():,}, petitioners: {Petitioner.objects.count():,}"
        )
        for name, call in checks:
            results.setdefault(name, []).append(timed(call))
    print(f"{'measure':<46}" + "".join(f"{f'{n:,} ms':>12}{'queries':>9}" for n in STEPS))
    for name in names:
        print(f"{name:<46}" + "".join(f"{ms:>12.1f}{q:>9}" for ms, q in results[name]))


if __name__ == "__main__":
    main()
