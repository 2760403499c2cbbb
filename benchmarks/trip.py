"""From saving a leader's trip to the new delivery list, with 200 documents in circulation.

Run:  .venv/bin/python benchmarks/trip.py            (SQLite, a fresh file under var/bench-trip/)
      DATABASE_URL=postgres://… .venv/bin/python benchmarks/trip.py

Seeds 200 documents through the services as `signoff.py` does (registered, proposed, approved,
delivered), lets one leader sign their desk so copies are on their way to the next readers, then
enters a trip (外出, ten days) for each leader in turn through `engagement_create` — which replans
circulation after its commit (`core.availability`) — and reads the clerk's delivery list. Prints the
median and worst time from the save to the list, beside the save alone (the replan switched off),
and how many copies were carried elsewhere. Each trip is deleted again (also replanned) before the
next. No assertions: the figures go into the README.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-trip"
if "DATABASE_URL" not in os.environ:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'db.sqlite3'}"
VAR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SHUNIU_VAR_DIR", str(VAR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import signoff  # sets Django up on the database chosen above

SIGNERS, people, seed = signoff.SIGNERS, signoff.people, signoff.seed

import datetime as dt

from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from shuniu.core.availability import availability_changed
from shuniu.documents import selectors, services
from shuniu.documents.models import Copy, CopyState, Document, Reading, Status
from shuniu.documents.tasks import follow_schedules
from shuniu.schedules.models import EngagementKind
from shuniu.schedules.services import engagement_create, engagement_delete


def trip_then_list(leader_pk: int, clerk_pk: int) -> tuple[float, int]:
    from shuniu.core.models import User

    leader, clerk = User.objects.get(pk=leader_pk), User.objects.get(pk=clerk_pk)
    before = set(Copy.objects.filter(redirected_from__isnull=False).values_list("pk", flat=True))
    now = timezone.now().replace(second=0, microsecond=0)
    began = time.perf_counter()
    trip = engagement_create(
        leaders=[leader],
        kind=EngagementKind.TRIP,
        title="赴省城参加会议",
        start=now,
        end=now + dt.timedelta(days=10),
        confirm_overlap=True,
        actor=clerk,
    )
    runs = selectors.delivery_runs(clerk)
    assert runs["now"] or runs["later"], "the delivery list is empty"
    took = time.perf_counter() - began
    moved = set(Copy.objects.filter(redirected_from__isnull=False).values_list("pk", flat=True)) - before
    engagement_delete(engagement=trip, actor=clerk)
    return took, len(moved)


def main() -> None:
    HUEY.immediate = True  # the replans queued after copies move run in this process, not a worker
    call_command("migrate", verbosity=0)
    clerk, director, leaders = people()
    if not Document.objects.filter(status=Status.CIRCULATING).exists():
        seed(clerk, director, leaders)
        for reading in Reading.objects.filter(
            leader=leaders[0], signed_at__isnull=True, copy__state=CopyState.ON_DESK, copy__holder=leaders[0]
        ):
            services.reading_sign(reading=reading, actor=leaders[0])
    circulating = Document.objects.filter(status=Status.CIRCULATING).count()
    on_way = Copy.objects.filter(state=CopyState.TO_DELIVER).count()
    print(f"database: {connection.vendor}, in circulation: {circulating}, copies on their way: {on_way}")
    times, moved = [], 0
    for leader in leaders[1 : SIGNERS + 8]:
        took, n = trip_then_list(leader.pk, clerk.pk)
        times.append(took * 1000)
        moved += n
    availability_changed.disconnect(follow_schedules, dispatch_uid="documents_follow_schedules")
    bare = [trip_then_list(leader.pk, clerk.pk)[0] * 1000 for leader in leaders[1 : SIGNERS + 8]]
    ms = sorted(times)
    print(
        f"trip saved → new delivery list: median {statistics.median(ms):.0f} ms, worst {ms[-1]:.0f} ms "
        f"({len(ms)} trips, {moved} copies carried elsewhere)"
    )
    print(f"the same without replanning (save and list only): median {statistics.median(bare):.0f} ms")


if __name__ == "__main__":
    main()
