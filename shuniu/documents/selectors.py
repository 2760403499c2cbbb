"""Reads of the documents module, always narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from shuniu.core.dbfunctions import counts
from shuniu.core.models import Role, Unit, User
from shuniu.core.text import day_time
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar
from shuniu.documents.models import (
    Copy,
    CopyState,
    Delegation,
    Document,
    HandlingUnit,
    Proposal,
    Reading,
    Status,
    UnitCopy,
    Urgency,
)
from shuniu.search.selectors import Matching, QueryError, matching

# The statuses in which a document has gone out to its readers.
SENT_OUT = (Status.CIRCULATING, Status.READ, Status.CLOSED, Status.ARCHIVED)
# Office roles that register, propose, approve and follow documents.
DOCUMENT_STAFF = (Role.CLERK, Role.DIRECTOR)
_URGENCY_RANK = Case(
    When(document__urgency=Urgency.FLASH, then=Value(0)),
    When(document__urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _in_force(now: dt.datetime) -> QuerySet[Delegation]:
    """Delegations running at `now` (started, not ended, not revoked)."""
    return Delegation.objects.filter(start__lte=now, end__gt=now, revoked_at__isnull=True)


def delegating_leaders(user: User, now: dt.datetime | None = None) -> list[int]:
    """Leaders whose desk this user keeps right now (委托)."""
    return list(_in_force(now or timezone.now()).filter(acting=user).values_list("leader_id", flat=True))


def may_sign_for(actor: User, leader: User, now: dt.datetime) -> bool:
    """Whether `actor` may sign on screen for `leader`: the leader, or someone keeping their desk."""
    return actor.pk == leader.pk or leader.pk in delegating_leaders(actor, now)


def sign_refusal(reading: Reading, user: User, now: dt.datetime | None = None) -> str:
    """Why `user` cannot sign this reading on screen now (empty if they can), for the sign page."""
    if reading.signed_at is not None:
        return f"{reading.leader.full_name} 已于 {day_time(reading.signed_at)} 签阅此文件。"
    if not may_sign_for(user, reading.leader, now or timezone.now()):
        return f"这份文件送 {reading.leader.full_name} 签阅；您不是该领导，也未受其委托。"
    if reading.copy is None or reading.copy.holder_id != reading.leader_id:
        return "文件尚未送到该领导处，送达后才能签阅。"
    return ""


def acting_for(leader: User, now: dt.datetime | None = None) -> list[User]:
    """Who keeps the leader's desk right now (their new deliveries reach them too)."""
    return [d.acting for d in _in_force(now or timezone.now()).filter(leader=leader).select_related("acting")]


def delegations_for(user: User) -> QuerySet[Delegation]:
    """The delegations a user may see and revoke: a leader's own; the office sees every leader's.

    In force and ahead first, then the ended ones of the last 30 days.
    """
    since = timezone.now() - dt.timedelta(days=30)
    delegations = Delegation.objects.filter(end__gte=since)
    if not user.has_role(*DOCUMENT_STAFF):
        delegations = delegations.filter(Q(leader=user) | Q(acting=user))
    return delegations.select_related("leader", "acting", "revoked_by").order_by("-end", "-pk")


class Kept(NamedTuple):
    """A leader's desk kept by delegation, as the workbench shows it."""

    leader_id: int
    leader_name: str
    end: dt.datetime


def desks_kept_by(user: User, now: dt.datetime | None = None) -> list[Kept]:
    """The desks `user` keeps right now by delegation: whose, and until when."""
    running = _in_force(now or timezone.now()).filter(acting=user)
    return [Kept(*row) for row in running.values_list("leader_id", "leader__full_name", "end")]


class Given(NamedTuple):
    """The user's own desk delegated: to whom, until when (the banner's 撤销委托 needs its record)."""

    pk: int
    acting_name: str
    end: dt.datetime


class Running(NamedTuple):
    """The delegations running now: of the user's own desk, and of the desks the user keeps."""

    given: list[Given]
    taken: list[Kept]


def delegations_running(user: User, now: dt.datetime | None = None) -> Running:
    """For the desk's banner: whom the user's desk is delegated to now, and whose desk they keep (one query)."""
    running = _in_force(now or timezone.now()).filter(Q(leader=user) | Q(acting=user))
    rows = running.values_list("pk", "leader_id", "leader__full_name", "acting__full_name", "end")
    given, taken = [], []
    for pk, leader_id, leader_name, acting_name, end in rows:
        if leader_id == user.pk:
            given.append(Given(pk, acting_name, end))
        else:
            taken.append(Kept(leader_id, leader_name, end))
    return Running(given, taken)


def documents_visible_to(user: User) -> QuerySet[Document]:
    """Documents `user` may see, never above their clearance.

    Clerks and the director see every document; a leader those sent out to them (or to a leader whose
    desk they keep) once approved — a proposal may still change who reads; supervision staff those
    with an instruction asking for action; a unit's liaison those their unit was sent a copy of;
    nobody else any.
    """
    documents = Document.objects.filter(secrecy__lte=user.clearance)
    if user.has_role(*DOCUMENT_STAFF):
        return documents
    # EXISTS rather than a join: no duplicates to remove, and the planner may start from either side.
    if user.has_role(Role.LEADER):  # once approved: a proposal may still change who reads
        leaders = [user.pk, *delegating_leaders(user)]
        theirs = Reading.objects.filter(document=OuterRef("pk"), leader_id__in=leaders)
        return documents.filter(Exists(theirs), status__in=SENT_OUT)
    if user.has_role(Role.SUPERVISOR):  # the documents whose instructions ask for action (待转督办)
        return documents.filter(Exists(Reading.objects.filter(document=OuterRef("pk"), requires_action=True)))
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return documents.filter(Exists(UnitCopy.objects.filter(document=OuterRef("pk"), unit_id=user.unit_id)))
    return Document.objects.none()


def register_of_year(user: User, year: int) -> QuerySet[Document]:
    """A year's registration book in number order (for its printout and Excel)."""
    return documents_visible_to(user).filter(reg_year=year).order_by("reg_seq")


def predicted_late(user: User) -> QuerySet[Document]:
    """特急 and 加急 documents in circulation whose plan finishes after their deadline (the board's figure)."""
    return documents_visible_to(user).filter(
        status=Status.CIRCULATING, urgency__in=[Urgency.FLASH, Urgency.URGENT], predicted_done__gt=F("deadline")
    )


def register(
    user: User, *, query: str = "", status: str = "", year: int | None = None, late: bool = False
) -> QuerySet[Document] | Matching[Document]:
    """The registration book (收文登记簿), newest first.

    A query goes through the search index (title, issuing body, numbers, instructions; any piece of them),
    so a search keeps its speed at a million documents; one that cannot be searched finds nothing.
    """
    documents = predicted_late(user) if late else documents_visible_to(user)
    if status in Status.values:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(reg_year=year)
    if query:
        try:
            return matching(documents, "document", query)
        except QueryError:
            return documents.none()
    return documents.order_by("-reg_year", "-reg_seq")


def desk(user: User, keeping: list[int] | None = None) -> QuerySet[Reading]:
    """The user's desk (待阅): copies lying with them or with a leader whose desk they keep.

    `keeping`: those leaders, when the caller has read them already (`delegations_running(user).taken`).
    Pinned first, then by urgency, then deadline (none last), then arrival.
    """
    leaders = [user.pk, *(delegating_leaders(user) if keeping is None else keeping)]
    return (
        Reading.objects.filter(
            leader_id__in=leaders,
            signed_at__isnull=True,
            copy__state=CopyState.ON_DESK,
            copy__holder_id=F("leader_id"),
            document__secrecy__lte=user.clearance,
        )
        .select_related("document", "leader")
        .only(*DESK_FIELDS)
        .annotate(urgency_rank=_URGENCY_RANK)
        .order_by(
            "-pinned", "urgency_rank", F("document__deadline").asc(nulls_last=True), "document__received_at", "pk"
        )
    )


def desk_lines(user: User, keeping: list[int] | None = None) -> QuerySet[Reading, dict[str, Any]]:
    """`desk(user)` as the page lists it: only the values a line shows (`rows.desk_rows`), no model rows.

    A desk may hold dozens of copies; reading three model instances for each cost the page more than its query.
    """
    lines: QuerySet[Reading, dict[str, Any]] = desk(user, keeping).values(*DESK_VALUES)
    return lines


# What the briefing reads of each copy on a desk (`desk(user)` as model rows): a desk may hold dozens.
DESK_FIELDS = (
    "pinned", "delivered_at", "signed_at", "leader__full_name", "document__title", "document__urgency",
    "document__secrecy", "document__reg_year", "document__reg_seq", "document__source_org", "document__deadline",
    "document__received_at",
)  # fmt: skip

DESK_VALUES = (
    "pk", "pinned", "delivered_at", "leader_id", "leader__full_name", "document__title", "document__urgency",
    "document__secrecy", "document__reg_year", "document__reg_seq", "document__source_org", "document__deadline",
)  # fmt: skip


def readings_of(document: Document) -> list[Reading]:
    """The document's readings in reading order, with the leaders and copies they need."""
    return list(
        document.readings.select_related("leader", "leader__leader_profile", "signed_by", "copy").order_by("position")
    )


def delivery_list(viewer: User) -> QuerySet[Copy]:
    """What the clerk carries now: copies to deliver (from the office or a desk) and to collect.

    Only copies of documents up to the viewer's clearance: a classified copy is carried by someone
    cleared for it.
    """
    return (
        Copy.objects.filter(
            state__in=[CopyState.TO_DELIVER, CopyState.TO_COLLECT], document__secrecy__lte=viewer.clearance
        )
        .select_related("document", "holder__leader_profile", "destination__leader_profile", "redirected_from")
        .order_by("state", "destination__leader_profile__rank", "since")
    )


def delivery_runs(viewer: User, now: dt.datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """The delivery list, following the plan: this run, and the next runs (reading planned later)."""
    from shuniu.documents.routing_adapter import is_for_later

    now = now or timezone.now()
    runs: dict[str, list[dict[str, Any]]] = {"now": [], "later": []}
    for copy in delivery_list(viewer):
        if copy.state == CopyState.TO_DELIVER:
            later, start = is_for_later(copy, now)
            if later:
                runs["later"].append({"copy": copy, "when": start})
                continue
        runs["now"].append({"copy": copy, "when": None})
    return runs


def units_due_copies(document: Document, proposal: Proposal) -> list[HandlingUnit]:
    """The handling units that get their own copy at approval: all of them for 特急 and 加急, else as proposed."""
    if document.urgency_rank <= 1 or proposal.copy_to_units:
        return list(document.handling_units.select_related("unit").order_by("-lead", "pk"))
    return []


def unit_copies_of(document: Document) -> list[UnitCopy]:
    """The handling units' copies of a document: sent, received at, by whom (lead unit first)."""
    lead = set(document.handling_units.filter(lead=True).values_list("unit_id", flat=True))
    copies = list(document.unit_copies.select_related("unit", "received_by", "recorded_by", "approved_by"))
    return sorted(copies, key=lambda c: (c.unit_id not in lead, c.pk))


def unit_copy_of(user: User, document: Document) -> UnitCopy | None:
    """The copy the user's unit holds of this document (a liaison's), if any."""
    if user.unit_id is None or not user.has_role(Role.LIAISON):
        return None
    return document.unit_copies.filter(unit_id=user.unit_id).first()


def may_open_attachments(user: User, document: Document) -> bool:
    """Whether the user may open the document's attached files.

    A liaison only with an electronic copy (a paper copy is the paper the clerk carried); everyone
    else who sees the document.
    """
    own = unit_copy_of(user, document)
    return own is None or not own.on_paper


def delegated_desks(now: dt.datetime) -> list[int]:
    """The leaders whose desk someone keeps right now (委托): a copy delivered there is read."""
    return list(_in_force(now).values_list("leader_id", flat=True))


def unit_copies_visible_to(user: User) -> QuerySet[UnitCopy]:
    """Units' copies the user may act on: the office's (up to clearance), a liaison's own unit's."""
    copies = UnitCopy.objects.filter(document__secrecy__lte=user.clearance)
    if user.has_role(*DOCUMENT_STAFF):
        return copies
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return copies.filter(unit_id=user.unit_id)
    return UnitCopy.objects.none()


def unit_inbox(user: User) -> QuerySet[UnitCopy]:
    """A liaison's 本单位来文: their unit's copies, those still to sign for first, newest first."""
    if user.unit_id is None:
        return UnitCopy.objects.none()
    return (
        unit_copies_visible_to(user)
        .filter(unit_id=user.unit_id)
        .select_related("document", "unit", "received_by", "recorded_by")
        .order_by(F("received_at").desc(nulls_first=True), "-sent_at", "-pk")
    )


def receipt_due(copy: UnitCopy, calendar: WorkingCalendar) -> dt.datetime:
    """When the unit should have signed: the set office minutes after the copy went out."""
    return calendar.add_working_minutes(copy.sent_at, settings.UNIT_RECEIPT_MINUTES)


def unreceived_unit_copies(viewer: User | None, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Units' copies not yet signed for (up to the viewer's clearance; None: all, for the chase).

    Paper ones are the clerk's to carry; an urgent document's copy past its receipt time is `overdue`.
    """
    now = now or timezone.now()
    calendar = WorkingCalendar.load()
    copies = UnitCopy.objects.all() if viewer is None else unit_copies_visible_to(viewer)
    copies = copies.filter(received_at__isnull=True, document__status__in=SENT_OUT)
    found = []
    for copy in copies.select_related("document", "unit").order_by("sent_at", "pk"):
        urgent = copy.document.urgency in (Urgency.FLASH, Urgency.URGENT)
        try:
            due = receipt_due(copy, calendar) if urgent else None
        except CalendarNotCovered:
            due = copy.sent_at + dt.timedelta(minutes=settings.UNIT_RECEIPT_MINUTES)
        found.append({"copy": copy, "due": due, "overdue": due is not None and due <= now})
    return found


def stuck_copies(viewer: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Copies on a desk whose leader is away now, or idle there past the threshold (up to the viewer's clearance)."""
    from shuniu.core.workcal import WorkingCalendar
    from shuniu.schedules.selectors import availability

    now = now or timezone.now()
    calendar = WorkingCalendar.load()  # once for the list, however many leaders hold copies
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59)
    idle_limit = now - dt.timedelta(hours=settings.STUCK_COPY_HOURS)
    flagged = []
    away_by_leader: dict[int, bool] = {}  # asked once per leader, however many copies they hold
    on_desks = Copy.objects.filter(state=CopyState.ON_DESK, document__secrecy__lte=viewer.clearance)
    for copy in on_desks.select_related("document", "holder"):
        if copy.holder is None:
            continue
        holder = copy.holder.pk
        if holder not in away_by_leader:
            # Away: no office time left for the leader today (out, on a trip, on leave).
            away_by_leader[holder] = not availability(copy.holder, now, end_of_day, calendar=calendar)
        away = away_by_leader[holder]
        idle = copy.since < idle_limit
        if away or idle:
            flagged.append(
                {"copy": copy, "away": away, "idle": idle, "hours": (now - copy.since).total_seconds() / 3600}
            )
    return flagged


def duplicates(source_org: str, source_number: str, title: str = "", *, exclude: int | None = None) -> list[Document]:
    """Up to five documents already registered that look like this one (newest first).

    The same issuer and number; without a number, the same issuer and title within a year.
    """
    if source_number.strip():
        found = Document.objects.filter(source_org=source_org.strip(), source_number=source_number.strip())
    elif title.strip():
        found = Document.objects.filter(
            source_org=source_org.strip(),
            title=title.strip(),
            received_at__gte=timezone.now() - dt.timedelta(days=366),
        )
    else:
        return []
    if exclude:
        found = found.exclude(pk=exclude)
    return list(found.order_by("-received_at")[:5])


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[\s\W]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def suggestions(document: Document, *, limit: int = 30) -> dict[str, list[tuple[Any, int]]]:
    """Readers and handling units of similar past documents (same source, similar title), ranked."""
    words = _bigrams(document.title)
    past = (
        Document.objects.exclude(pk=document.pk)
        .filter(Q(source_org=document.source_org) | Q(title__icontains=document.title[:6]))
        .exclude(status__in=[Status.REGISTERED, Status.RETURNED])
        .order_by("-received_at")[:limit]
    )
    weights: dict[int, int] = {}
    for doc in past:
        score = (2 if doc.source_org == document.source_org else 0) + len(words & _bigrams(doc.title))
        if score:
            weights[doc.pk] = score
    readers: Counter[int] = Counter()
    units: Counter[int] = Counter()
    for reading in Reading.objects.filter(document_id__in=weights).values("document_id", "leader_id"):
        readers[reading["leader_id"]] += weights[reading["document_id"]]
    from shuniu.documents.models import HandlingUnit

    for row in HandlingUnit.objects.filter(document_id__in=weights).values("document_id", "unit_id"):
        units[row["unit_id"]] += weights[row["document_id"]]
    people = User.objects.in_bulk(list(readers))
    places = Unit.objects.in_bulk(list(units))
    return {
        "readers": [(people[pk], score) for pk, score in readers.most_common(8) if pk in people],
        "units": [(places[pk], score) for pk, score in units.most_common(6) if pk in places],
    }


def figures(viewer: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """Circulation time by urgency, on-time rate, backlog per leader, stuck copies.

    Counted over the documents up to the viewer's clearance, like every other list.
    """
    now = now or timezone.now()
    visible = Document.objects.filter(secrecy__lte=viewer.clearance)
    rows = []
    for urgency, label in Urgency.choices:
        done = [
            (received, read, deadline)
            for received, read, deadline in visible.filter(urgency=urgency, read_at__isnull=False).values_list(
                "received_at", "read_at", "deadline"
            )
            if read is not None
        ]
        hours = [(read - received).total_seconds() / 3600 for received, read, _ in done]
        with_deadline = [(read, deadline) for _, read, deadline in done if deadline is not None]
        on_time = len([1 for read, deadline in with_deadline if read <= deadline])
        rows.append(
            {
                "label": label,
                "count": len(hours),
                "mean": sum(hours) / len(hours) if hours else None,
                "max": max(hours) if hours else None,
                "on_time": f"{on_time}/{len(with_deadline)}" if with_deadline else "—",
                "rate": on_time / len(with_deadline) if with_deadline else None,
            }
        )
    backlog = Counter(
        Reading.objects.filter(
            signed_at__isnull=True, copy__state=CopyState.ON_DESK, document__secrecy__lte=viewer.clearance
        ).values_list("leader_id", flat=True)
    )
    leaders = User.objects.in_bulk(list(backlog))
    return {
        "units": unit_receipt_figures(viewer, now),
        "by_urgency": rows,
        "backlog": sorted(((leaders[pk], n) for pk, n in backlog.items()), key=lambda item: -item[1]),
        "stuck": stuck_copies(viewer, now),
        "circulating": visible.filter(status=Status.CIRCULATING).count(),
    }


def unit_receipt_figures(viewer: User, now: dt.datetime, days: int = 90) -> list[dict[str, Any]]:
    """Per handling unit, its copies sent in the last `days` days; those with copies unsigned first, then the slowest.

    Received, median and longest hours to sign, still open (up to the viewer's clearance).
    """
    since = now - dt.timedelta(days=days)
    rows: dict[int, dict[str, Any]] = {}
    copies = unit_copies_visible_to(viewer).filter(sent_at__gte=since).select_related("unit")
    for copy in copies.order_by("unit__sort_order", "unit_id", "pk"):
        row = rows.setdefault(copy.unit_id, {"unit": copy.unit, "sent": 0, "hours": [], "open": 0})
        row["sent"] += 1
        if copy.received_at is None:
            row["open"] += 1
        else:
            row["hours"].append(max(0.0, (copy.received_at - copy.sent_at).total_seconds() / 3600))
    for row in rows.values():
        hours = sorted(row["hours"])
        row["received"] = len(hours)
        row["median"] = statistics.median(hours) if hours else None
        row["max"] = hours[-1] if hours else None
    return sorted(rows.values(), key=lambda r: (-r["open"], -(r["median"] or 0), r["unit"].name))


def pending_supervision(viewer: User) -> QuerySet[Document]:
    """Documents whose instructions ask for action, waiting for a supervision matter (§4's seam)."""
    return documents_visible_to(viewer).filter(needs_supervision=True).order_by("received_at")


def copy_routes(document: Document) -> list[dict[str, Any]]:
    """Each copy with its place now and its planned route (leaders' names, planned start times)."""
    copies = list(document.copies.select_related("holder", "destination"))
    people = User.objects.in_bulk({stop["leader"] for copy in copies for stop in copy.route})
    return [
        {
            "copy": copy,
            "route": [
                {"leader": people.get(stop["leader"]), "start": dt.datetime.fromisoformat(stop["start"])}
                for stop in copy.route
            ],
        }
        for copy in copies
    ]


def approval_forecast(document: Document, copies: int) -> list[Any]:
    """Before approving: the plan's predicted completion as proposed, and with what might help."""
    from shuniu.documents.routing_adapter import forecast

    return forecast(document, copies)


def instructions_of(user: User, *, query: str = "") -> QuerySet[Reading]:
    """我的批示: the leader's own signed readings that carry an instruction, newest first."""
    readings = Reading.objects.filter(
        leader=user, signed_at__isnull=False, document__secrecy__lte=user.clearance
    ).exclude(instruction="")
    if query:
        readings = readings.filter(
            Q(instruction__icontains=query)
            | Q(document__title__icontains=query)
            | Q(document__source_org__icontains=query)
        )
    return readings.select_related("document").order_by("-signed_at", "-pk")


def awaiting_approval(user: User) -> QuerySet[Document]:
    """待我审批: proposals waiting for the director, the most urgent and the earliest deadline first."""
    return (
        documents_visible_to(user)
        .filter(status=Status.PROPOSED)
        .annotate(
            urgency_order=Case(
                When(urgency=Urgency.FLASH, then=Value(0)),
                When(urgency=Urgency.URGENT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency_order", F("deadline").asc(nulls_last=True), "received_at")
    )


def _sent_back(user: User) -> QuerySet[Document]:
    return documents_visible_to(user).filter(status=Status.SENT_BACK, proposal__proposed_by=user)


def sent_back_to(user: User) -> list[Document]:
    """已退回: proposals the director sent back to this clerk, waiting to be proposed again."""
    return list(_sent_back(user).select_related("proposal").order_by("received_at")[:10])


def office_counts(user: User) -> dict[str, int]:
    """The clerk's figures for the workbench, over what the user may see.

    Each count reads only the rows it counts, through an index (the open statuses; the flagged): at ten
    years a count over the whole register would cost the page a pass over a million documents. All are
    read in one statement, with the proposals sent back to the user (`sent_back_to` is read only when
    there are some).
    """
    documents = documents_visible_to(user)
    return counts(
        registered=documents.filter(status__in=[Status.REGISTERED, Status.PROPOSED, Status.SENT_BACK]),
        circulating=documents.filter(status=Status.CIRCULATING),
        supervision=documents.filter(needs_supervision=True),
        to_carry=delivery_list(user),
        sent_back=_sent_back(user),
    )
