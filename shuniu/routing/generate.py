"""A generator of a county office's month (ROUTING.md), deterministic for a seed.

Typical month: 12 leaders in rank order; office hours 08:30–12:00 and 14:30–18:00 on working days;
meetings most days (the standing committee on Monday mornings, others at random), field visits,
out-of-town trips of 1–4 days (sometimes back to back) and a little leave; about 25 documents a day
arriving in office hours, 5 % 特急, 20 % 加急; two to eight readers, the secretary often first and
instructing; a fifth classified (one copy). Options make it harder: more documents, more trips, a
holiday week, fifteen leaders, more classified originals.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from shuniu.routing.jsonio import parse_time
from shuniu.routing.model import Document, Leader, Scenario

TZ = dt.timezone(dt.timedelta(hours=8))
NAMES = [
    "书记", "县长", "副书记", "常务副县长", "纪委书记", "组织部长", "宣传部长", "政法委书记",
    "统战部长", "办公室主任", "副县长甲", "人武部长", "副县长乙", "副县长丙", "副县长丁",
]  # fmt: skip


@dataclass(frozen=True)
class Options:
    seed: int = 1
    start: dt.date = dt.date(2026, 3, 2)
    days: int = 28
    leaders: int = 12
    docs_per_day: float = 25.0
    trip_rate: float = 0.06  # chance a leader starts a trip on a working day
    meeting_rate: float = 0.55  # chance of a (non-committee) meeting per leader per half day... scaled below
    holiday_week: bool = False
    classified: float = 0.2
    handoff: int = 10
    copy_minutes: int = 5


def _minutes(moment: dt.datetime) -> int:
    return parse_time(moment.isoformat(), "generator")[0]


def generate(options: Options) -> Scenario:
    rng = random.Random(options.seed)  # noqa: S311 - reproducible test data, not secrets
    first = options.start
    horizon = options.days + 21  # windows run on past the last arrival, so every document can finish
    days = [first + dt.timedelta(days=i) for i in range(horizon)]
    holiday = set()
    if options.holiday_week:
        holiday = {first + dt.timedelta(days=i) for i in range(14, 19)}

    def working(day: dt.date) -> bool:
        return day.weekday() < 5 and day not in holiday

    def at(day: dt.date, h: int, m: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)

    leader_ids = [f"L{i + 1:02d}" for i in range(options.leaders)]
    busy: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {lid: [] for lid in leader_ids}
    for lid in leader_ids:
        trip_until: dt.date | None = None
        for day in days:
            if not working(day):
                continue
            if trip_until is not None and day <= trip_until:
                continue
            if day.weekday() == 0:
                busy[lid].append((at(day, 9), at(day, 11, 30)))  # standing committee
            if rng.random() < options.trip_rate:
                length = rng.randint(1, 4)
                leave_at = at(day, rng.choice([8, 10, 14]))
                trip_until = day + dt.timedelta(days=length - 1)
                back = at(trip_until, rng.choice([12, 18]))
                busy[lid].append((leave_at, back))
                if rng.random() < 0.3:  # back to back: a second trip right after
                    extra = rng.randint(1, 2)
                    trip_until = trip_until + dt.timedelta(days=extra)
                    busy[lid].append((back, at(trip_until, 18)))
                continue
            if rng.random() < 0.02:
                busy[lid].append((at(day, 8, 30), at(day, 18)))  # leave
                continue
            for half in (0, 1):
                if rng.random() < options.meeting_rate * 0.6:
                    h = rng.choice([9, 10] if half == 0 else [15, 16])
                    m = rng.choice([0, 30])
                    length = rng.choice([60, 90, 120])
                    begin = at(day, h, m)
                    busy[lid].append((begin, begin + dt.timedelta(minutes=length)))
            if rng.random() < 0.12:
                busy[lid].append((at(day, 8, 30), at(day, 12)))  # field visit (下乡)
    leaders = []
    for index, lid in enumerate(leader_ids):
        windows: list[tuple[int, int]] = []
        spans = sorted(busy[lid])
        for day in days:
            if not working(day):
                continue
            for open_t, close_t in ((at(day, 8, 30), at(day, 12)), (at(day, 14, 30), at(day, 18))):
                cursor = open_t
                for b_start, b_end in spans:
                    if b_end <= cursor or b_start >= close_t:
                        continue
                    if b_start > cursor:
                        windows.append((_minutes(cursor), _minutes(b_start)))
                    cursor = max(cursor, b_end)
                if cursor < close_t:
                    windows.append((_minutes(cursor), _minutes(close_t)))
        leaders.append(Leader(lid, NAMES[index % len(NAMES)], index + 1, tuple(windows)))

    documents: list[Document] = []
    number = 0
    for day in days[: options.days]:
        if not working(day):
            continue
        count = max(0, round(rng.gauss(options.docs_per_day, options.docs_per_day * 0.2)))
        for _ in range(count):
            number += 1
            minute = rng.randint(8 * 60, 18 * 60 + 30)
            arrival = at(day, minute // 60, minute % 60)
            roll = rng.random()
            urgency = "特急" if roll < 0.05 else "加急" if roll < 0.25 else "平件"
            due_after = {"特急": dt.timedelta(hours=4), "加急": dt.timedelta(days=1), "平件": dt.timedelta(days=5)}
            size = min(len(leader_ids), max(1, int(rng.triangular(1, 9, 3))))
            readers = sorted(rng.sample(leader_ids, size), key=leader_ids.index)
            if "L01" not in readers and rng.random() < 0.5:
                readers = ["L01", *readers[:-1]] if len(readers) > 1 else ["L01"]
            read_minutes = {r: rng.randint(3, 15) for r in readers}
            before: list[tuple[str, str]] = []
            if readers[0] == "L01" and len(readers) > 1 and rng.random() < 0.5:
                before = [("L01", r) for r in readers[1:]]  # the secretary reads first and instructs
            elif len(readers) > 2 and rng.random() < 0.15:
                before = [(readers[1], readers[2])]  # the leader in charge comments first
            classified = rng.random() < options.classified
            max_copies = 1 if classified else rng.choice([2, 3, 3, 4])
            documents.append(
                Document(
                    f"D{number:05d}",
                    _minutes(arrival),
                    urgency,
                    _minutes(arrival + due_after[urgency]),
                    tuple(readers),
                    tuple((r, read_minutes[r]) for r in readers),
                    tuple(before),
                    max_copies,
                )
            )
    return Scenario(
        _minutes(at(first, 0)),
        8 * 60,
        options.handoff,
        options.copy_minutes,
        tuple(leaders),
        tuple(sorted(documents, key=lambda d: (d.arrival, d.id))),
    )


TYPICAL = Options()


def hard(seed: int) -> Options:
    """The harder month: heavier load, more trips, a holiday week, 15 leaders, half classified."""
    return Options(seed=seed, leaders=15, docs_per_day=40, trip_rate=0.12, holiday_week=True, classified=0.5)
