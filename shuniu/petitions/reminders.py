"""Reminder sources of petitions (asked every minute by `core.reminders.reminders_run`).

Each running, unpaused clock of a petition (告知期限, 办理期限·<unit>, 复查期限, 复核期限):
- when it comes within its warning (3 days to tell the petitioner, 5 for a unit's reply or a review):
  the petition staff, and for a handling clock the unit's liaisons, for a review clock the review body's —
  once per deadline (an extension is a new one);
- every working morning once it has passed: the same people (a key with the date in it);
- and the first working morning it is overdue, the director (escalation), once per deadline.
Titles name the petition by number and topic only: no petitioner's particulars leave the module.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from shuniu.core.deadlines import remaining
from shuniu.core.models import Clock, Role
from shuniu.core.reminders import Due, working_morning
from shuniu.core.selectors import liaisons_of, users_with_role
from shuniu.core.text import day_time
from shuniu.core.workcal import WorkingCalendar
from shuniu.petitions.models import Petition, Recusal, Review
from shuniu.petitions.selectors import in_charge_of_petitions
from shuniu.petitions.services import HANDLING_CLOCK, REVIEW_CLOCKS


def petitions_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """What the petitions' clocks have to say now (see the module's docstring)."""
    clocks = list(
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(Petition), stopped_at__isnull=True, paused_at__isnull=True
        )
    )
    if not clocks:
        return
    petitions = Petition.objects.in_bulk([c.object_id for c in clocks])
    aside: dict[int, set[int]] = {}  # art. 28: nothing reaches whoever stepped aside
    for petition_id, user_id in Recusal.objects.filter(petition_id__in=list(petitions)).values_list(
        "petition_id", "user_id"
    ):
        aside.setdefault(petition_id, set()).add(user_id)
    officers = list(users_with_role(Role.PETITION_OFFICER))
    directors = list(users_with_role(Role.DIRECTOR))
    bodies = {
        (r.petition_id, REVIEW_CLOCKS[r.stage]): r.body_id
        for r in Review.objects.filter(petition_id__in=list(petitions))
    }
    units = {p.handling_unit_id for p in petitions.values() if p.handling_unit_id} | set(bodies.values())
    liaisons = liaisons_of({u for u in units if u is not None})
    morning = working_morning(now, calendar)
    today = timezone.localtime(now, calendar.tz).date()
    for clock in clocks:
        petition = petitions.get(clock.object_id)
        if petition is None:
            continue
        people = list(officers)
        if clock.name.startswith(HANDLING_CLOCK) and petition.handling_unit_id:
            people += liaisons.get(petition.handling_unit_id, [])
        if (petition.pk, clock.name) in bodies:
            people += liaisons.get(bodies[petition.pk, clock.name], [])
        people = [p for p in people if p.pk not in aside.get(petition.pk, set())]
        label = f"{petition.number}（{petition.get_topic_display()}）"
        url = reverse("petitions:detail", args=[petition.pk])
        stamp = int(clock.due_at.timestamp())
        if now > clock.due_at:
            if not morning:
                continue
            for person in people:
                yield Due(
                    key=f"petition:{petition.pk}:{clock.pk}:overdue:{today.isoformat()}",
                    recipient=person,
                    title=f"信访{clock.name}已超期：{label}",
                    body=f"期限为 {day_time(clock.due_at)}，请立即办理。",
                    url=url,
                )
            for person in (d for d in directors if d.pk not in aside.get(petition.pk, set())):
                yield Due(
                    key=f"petition:{petition.pk}:{clock.pk}:escalated:{stamp}",
                    recipient=person,
                    title=f"信访事项超期未办：{label}",
                    body=f"{clock.name}已于 {day_time(clock.due_at)} 届满。",
                    url=url,
                )
        elif remaining(clock.unit, clock.due_at, now, calendar) <= clock.warn_within:
            for person in people:
                yield Due(
                    key=f"petition:{petition.pk}:{clock.pk}:near:{stamp}",
                    recipient=person,
                    title=f"信访{clock.name}临近：{label}",
                    body=f"期限为 {day_time(clock.due_at)}。",
                    url=url,
                )


def petitions_digest(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """The leaders' daily digest (信访日报) each working morning.

    The petitions registered since the last working morning, to the leaders in charge of petition work and
    the director: the matter only (category, topic, group and repeat visits), never a petitioner.
    """
    if not working_morning(now, calendar):
        return
    today = timezone.localtime(now, calendar.tz).date()
    opening = dt.time.fromisoformat(settings.OFFICE_HOURS[0][0]) if settings.OFFICE_HOURS else dt.time(8, 30)
    previous = today - dt.timedelta(days=1)
    while not calendar.is_workday(previous) and (today - previous).days < 30:
        previous -= dt.timedelta(days=1)
    since = dt.datetime.combine(previous, opening, calendar.tz)
    until = dt.datetime.combine(today, opening, calendar.tz)
    new = list(Petition.objects.filter(registered_at__gte=since, registered_at__lt=until).order_by("registered_at"))
    if not new:
        return
    readers = [u for u in users_with_role(Role.LEADER) if in_charge_of_petitions(u)]
    readers += list(users_with_role(Role.DIRECTOR))
    aside: dict[int, set[int]] = {}
    for user_id, petition_id in Recusal.objects.filter(petition__in=new).values_list("user_id", "petition_id"):
        aside.setdefault(user_id, set()).add(petition_id)
    for person in {u.pk: u for u in readers}.values():
        theirs = [p for p in new if p.pk not in aside.get(person.pk, set())]  # art. 28
        if not theirs:
            continue
        categories = Counter(p.get_category_display() for p in theirs)
        parts = "、".join(f"{name} {n} 件" for name, n in categories.most_common())
        groups = sum(p.group_visit for p in theirs)
        repeats = sum(p.repeat_of_id is not None for p in theirs)
        lines = [f"{p.number} {p.get_category_display()}·{p.get_topic_display()}" for p in theirs[:8]]
        more = f"等 {len(theirs)} 件" if len(theirs) > 8 else ""
        yield Due(
            key=f"petition-digest:{today.isoformat()}",
            recipient=person,
            title=f"信访日报：{previous.month}月{previous.day}日以来新登记 {len(theirs)} 件",
            body=f"{parts}；集体访 {groups} 件，重复访 {repeats} 件。\n" + "\n".join(lines) + more,
            url=reverse("petitions:list"),
        )
