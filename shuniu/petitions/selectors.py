"""Reads of petitions, narrowed to who may see them inside the query; the repeat check before saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from shuniu.core.access import get_visible_or_404
from shuniu.core.deadlines import clock_state
from shuniu.core.idcard import canonical, normalise_id
from shuniu.core.models import Attachment, Clock, ClockEvent, Role, StatusHistory, Unit, User, Village
from shuniu.core.personal import blind_index, digits
from shuniu.core.workcal import WorkingCalendar, this_week
from shuniu.petitions.flow import PETITION_FLOW
from shuniu.petitions.models import (
    ANSWERED,
    UNKNOWN_NAME,
    Category,
    Channel,
    Contact,
    Instruction,
    OrderFlag,
    Party,
    Petition,
    Petitioner,
    Recusal,
    Reply,
    Review,
    Status,
    Topic,
)


@dataclass(frozen=True)
class Person:
    """One petitioner as the officer types them at the desk (an ID number already checked)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    township: Unit | None = None
    village: Village | None = None
    address: str = ""
    representative: bool = False

    @property
    def id_index(self) -> str:
        """The ID number's blind index."""
        return blind_index("id", canonical(self.id_number))

    @property
    def phone_index(self) -> str:
        """The phone's blind index (digits only)."""
        return blind_index("phone", digits(self.phone))


def in_charge_of_petitions(user: User) -> bool:
    """A county leader whose responsibilities (分管领域) include petition work."""
    if not user.has_role(Role.LEADER):
        return False
    profile = getattr(user, "leader_profile", None)
    return profile is not None and "信访" in profile.responsibilities


def petitions_for(user: User) -> QuerySet[Petition]:
    """The petitions `user` may see.

    Petition staff and the director all of them; the leader in charge of petition work all of them,
    another leader those they hold (包案) or were asked to instruct on; supervision staff those a leader
    asked them to follow; a unit's liaison those assigned to their unit or sent to it for review (the
    matter, never the petitioner's particulars); nobody else any. Whoever stepped aside (art. 28) none
    of that petition.
    """
    liaison = user.has_role(Role.LIAISON) and user.unit_id is not None
    all_of_them = user.has_role(Role.PETITION_OFFICER, Role.DIRECTOR) or in_charge_of_petitions(user)
    if not (all_of_them or liaison or user.has_role(Role.LEADER, Role.SUPERVISOR)):
        return Petition.objects.none()  # nobody else any (a clerk's search): their recusals are not even read
    aside = list(Recusal.objects.filter(user=user).values_list("petition_id", flat=True))  # a few at most
    rows = Petition.objects.exclude(pk__in=aside) if aside else Petition.objects.all()
    if all_of_them:
        return rows
    # The instructions and reviews are asked once (`pk__in` a subquery PostgreSQL hashes), not once a
    # petition: an EXISTS in an OR was checked on each of 100,000 petitions (42 ms for a leader's none).
    scope = Q(pk__in=[])
    if user.has_role(Role.LEADER):
        scope |= Q(lead_leader=user) | Q(pk__in=Instruction.objects.filter(leader=user).values("petition_id"))
    if user.has_role(Role.SUPERVISOR):
        scope |= Q(needs_supervision=True) | Q(pk__in=Instruction.objects.filter(supervise=True).values("petition_id"))
    if liaison:
        scope |= Q(handling_unit_id=user.unit_id, status__in=(Status.ASSIGNED, *ANSWERED))
        scope |= Q(pk__in=Review.objects.filter(body_id=user.unit_id).values("petition_id"))
    return rows.filter(scope)


def without_recused(people: Iterable[User], petition: Petition) -> list[User]:
    """`people` less whoever stepped aside from the petition (art. 28): nothing about it reaches them."""
    aside = set(Recusal.objects.filter(petition=petition).values_list("user_id", flat=True))
    return [p for p in people if p.pk not in aside]


def review_open(petition: Petition, reviews: Sequence[Review] | None = None, opinions: Sequence[str] = ()) -> str:
    """Which review the petitioner may still ask for on this matter: "review" (复查), "rereview" (复核) or "".

    A 申诉求决 matter answered in writing may go to review once; a review answered, to re-review once.
    """
    if petition.category != Category.REQUEST or petition.status not in (Status.REPLIED, Status.CLOSED, Status.REVIEWED):
        return ""
    asked = {r.stage for r in (reviews if reviews is not None else petition.reviews.all())}
    given = set(opinions) or set(petition.replies.values_list("stage", flat=True))
    if "review" not in asked and "handling" in given:
        return "review"
    if "rereview" not in asked and "review" in given:
        return "rereview"
    return ""


def sees_petitioners(user: User, petition: Petition | None = None) -> bool:
    """Whether `user` sees petitioners' particulars (PIPL: no further than needed).

    Petition staff and the director do, and a leader for the case they hold.
    """
    if user.has_role(Role.PETITION_OFFICER, Role.DIRECTOR):
        return True
    return petition is not None and petition.lead_leader_id == user.pk


def petitioners_matching(text: str) -> Q:
    """A person asked after at the desk or on the phone: an ID number or a phone (by blind index), or a name."""
    text = text.strip()[:30]
    try:
        return Q(id_index=blind_index("id", canonical(normalise_id(text))))
    except ValidationError:
        pass
    number = digits(text)
    if 7 <= len(number) <= 13 and len(number) >= len(text.replace("-", "").replace(" ", "")) - 1:
        return Q(phone_index=blind_index("phone", number))
    return Q(name__contains=text) if text else Q(pk__in=[])


CLOCK_SOON = dt.timedelta(days=3)
NARROWINGS = {"clock": "办理时限 3 日内到期或已逾期", "repeat": "本周重复访"}


def clock_due(rows: QuerySet[Petition], now: dt.datetime) -> QuerySet[Petition]:
    """Those of `rows` with a running clock due within three days, or already past (the board's figure)."""
    due = Clock.objects.filter(  # the few running clocks due soon, through their partial index; then the petitions
        content_type=ContentType.objects.get_for_model(Petition),
        stopped_at__isnull=True,
        paused_at__isnull=True,
        due_at__lt=now + CLOCK_SOON,
    )
    return rows.filter(pk__in=due.values("object_id"))


def repeats_this_week(rows: QuerySet[Petition], now: dt.datetime) -> QuerySet[Petition]:
    """Those of `rows` that are repeat visits received this week (the board's figure)."""
    return rows.filter(received_at__gte=this_week(now)[0], repeat_of__isnull=False)


def petition_list(user: User, *, status: str = "", person: str = "", narrowing: str = "") -> QuerySet[Petition]:
    """The register, newest first (an index), with each petition's people and repeat count.

    `person` (staff who see petitioners only) narrows it to one person's petitions: by ID number, phone or name;
    `narrowing` to one of the office board's figures (`NARROWINGS`).
    """
    rows = petitions_for(user)
    if narrowing == "clock":
        rows = clock_due(rows, timezone.now())
    elif narrowing == "repeat":
        rows = repeats_this_week(rows, timezone.now())
    if status:
        rows = rows.filter(status=status)
    if person.strip() and sees_petitioners(user):
        found = Party.objects.filter(
            petition=OuterRef("pk"), petitioner__in=Petitioner.objects.filter(petitioners_matching(person))
        )
        rows = rows.filter(Exists(found))
    later = Petition.objects.filter(repeat_of=OuterRef("pk")).values("repeat_of").annotate(n=Count("pk")).values("n")
    # the count for the page's rows only, not a GROUP BY of all
    return rows.annotate(repeat_count=Coalesce(Subquery(later), 0)).order_by("-received_at", "-pk")


class ListedPetitioner(NamedTuple):
    """A petitioner as the register lists them: the name, a joint visit's representative, the place."""

    name: str
    representative: bool
    place: str


def listed_people(user: User, petitions: Sequence[Petition]) -> dict[int, list[ListedPetitioner]]:
    """The people of a page of the register, by petition (representatives first); nothing for who may not see them.

    `petitions`: a page of `petition_list(user)`, so already what the user may see (their recusals too).

    One query of plain values: names and places only, so no sealed number, phone or address is read or
    decrypted, and no model is built for a row that shows two words.
    """
    if not petitions or not sees_petitioners(user):
        return {}
    rows = (
        Party.objects.filter(petition__in=[p.pk for p in petitions])
        .order_by("petition", "-representative", "pk")
        .values_list(
            "petition", "petitioner__name", "representative", "petitioner__township__name", "petitioner__village__name"
        )
    )
    people: dict[int, list[ListedPetitioner]] = {}
    for petition, name, representative, township, village in rows:
        people.setdefault(petition, []).append(
            ListedPetitioner(name or UNKNOWN_NAME, representative, (township or "") + (village or ""))
        )
    return people


def petition_for(user: User, pk: object) -> Petition:
    """One petition the user may see (404 otherwise)."""
    return get_visible_or_404(petitions_for(user).select_related("receptionist", "repeat_of"), pk)


@dataclass(frozen=True)
class ClockLine:
    """One of a petition's clocks as its page shows it: the state, why it waits, any extension."""

    name: str
    clock: Clock
    state: dict[str, object]
    paused_because: str
    extensions: Sequence[ClockEvent]


@dataclass(frozen=True)
class PetitionPage:
    """Everything a petition's page shows, for this user (petitioners only to whom they are due)."""

    petition: Petition
    parties: Sequence[Party] | None
    repeats: Sequence[Petition]
    clocks: Sequence[ClockLine]
    attachments: Sequence[Attachment]  # brought to the desk or sent with the letter
    replies: Sequence[Reply]
    reviews: Sequence[Review]
    instructions: Sequence[Instruction]
    flags: Sequence[OrderFlag]
    contacts: Sequence[Contact]
    recusals: Sequence[Recusal]
    calls: Sequence[object]  # incoming calls it was registered from (they carry the caller's number)
    history: Sequence[tuple[StatusHistory, str, str]]
    final: bool  # the matter was re-reviewed: the same facts and reasons are not accepted again
    review: Review | None  # the review or re-review now waited on

    @property
    def paused(self) -> list[ClockLine]:
        """The clocks waiting now."""
        return [c for c in self.clocks if c.clock.paused_at is not None and c.clock.stopped_at is None]


def is_final(petition: Petition) -> bool:
    """The matter this petition belongs to has been re-reviewed (复核终结, art. 36)."""
    root = petition.repeat_of_id or petition.pk
    return Petition.objects.filter(Q(pk=root) | Q(repeat_of_id=root), status=Status.FINAL).exists()


def petition_page(user: User, petition: Petition, now: dt.datetime | None = None) -> PetitionPage:
    """A petition's page for `user` (who may see it: `petition_for`)."""
    now, calendar = now or timezone.now(), WorkingCalendar.load()
    lines = []
    for clock in Clock.objects.filter(**Clock.of(petition)).prefetch_related("events").order_by("pk"):
        events = list(clock.events.all())
        pauses = [e.reason for e in events if e.kind == "pause"]
        lines.append(
            ClockLine(
                clock.name,
                clock,
                clock_state(clock, now, calendar),
                pauses[-1] if pauses and clock.paused_at else "",
                [e for e in events if e.kind == "extend"],
            )
        )
    stage = {Status.REVIEW: "review", Status.REREVIEW: "rereview"}.get(Status(petition.status))
    reviews = list(petition.reviews.select_related("body"))
    sees = sees_petitioners(user, petition)
    return PetitionPage(
        petition=petition,
        parties=list(
            petition.parties.select_related("petitioner__township", "petitioner__village").annotate(
                visits=Count("petitioner__parties")  # 重复访 per person: how often they have come
            )
        )
        if sees
        else None,
        repeats=list(petition.repeats.order_by("received_at")),
        clocks=lines,
        attachments=list(petition.attachments.all()) if sees else [],
        replies=list(petition.replies.select_related("unit", "author").prefetch_related("attachments")),
        reviews=reviews,
        instructions=list(petition.instructions.select_related("leader", "asked_by")),
        flags=list(petition.flags.select_related("recorded_by")) if sees else [],
        contacts=list(petition.contacts.select_related("unit", "recorded_by")) if sees else [],
        recusals=list(petition.recusals.select_related("user")) if sees else [],
        calls=list(petition.calls.all()) if sees else [],
        # The reasons typed at each step may name people: for those who see petitioners only.
        history=[
            (h, PETITION_FLOW.actions[h.action].label, h.reason if sees else "")
            for h in PETITION_FLOW.history(petition)
        ],
        final=is_final(petition),
        review=next((r for r in reviews if r.stage == stage), None),
    )


def similar_names(a: str, b: str) -> bool:
    """The same name, one inside the other, or the same length and at most one character apart."""
    if not a or not b:
        return False
    if a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a)):
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


@dataclass(frozen=True)
class Repeat:
    """An earlier petitioner who may be the person at the desk, why, and their petitions."""

    petitioner: Petitioner
    reasons: tuple[str, ...]
    petitions: Sequence[Petition]


def possible_repeats(people: Sequence[Person], *, limit: int = 10, actor: User | None = None) -> list[Repeat]:
    """Earlier petitioners matching anyone at the desk, each with their petitions (closed ones too).

    The same ID number or phone (by blind index, never plaintext), or a similar name in the same
    village. A few indexed queries whatever the size of the register.
    """
    ids = {p.id_index for p in people if p.id_number}
    phones = {p.phone_index for p in people if digits(p.phone)}
    by_village = {(p.village.pk, p.name[:1]) for p in people if p.village is not None and p.name}
    scope = Q(id_index__in=ids) | Q(phone_index__in=phones)
    for village, surname in by_village:
        scope |= Q(village_id=village, name__startswith=surname)
    if not ids and not phones and not by_village:
        return []
    found: list[Repeat] = []
    earlier = Petition.objects.order_by("-received_at")
    if actor is not None:  # nothing of a petition they stepped aside from (art. 28)
        earlier = earlier.exclude(Exists(Recusal.objects.filter(petition=OuterRef("pk"), user=actor)))
    candidates = (
        Petitioner.objects.filter(scope)
        .select_related("township", "village")
        .prefetch_related(Prefetch("petitions", queryset=earlier))[:200]
    )
    for candidate in candidates:
        reasons: list[str] = []
        for person in people:
            if person.id_number and candidate.id_index == person.id_index:
                reasons.append("身份证号码相同")
            if digits(person.phone) and candidate.phone_index == person.phone_index:
                reasons.append("联系电话相同")
            if (
                person.village is not None
                and candidate.village_id == person.village.pk
                and similar_names(candidate.name, person.name)
            ):
                reasons.append("同村姓名相近")
        if reasons:
            found.append(Repeat(candidate, tuple(dict.fromkeys(reasons)), list(candidate.petitions.all())))
    found.sort(key=lambda r: (-len(r.reasons), -len(r.petitions)))
    return found[:limit]


def villages_of(township: Unit | None) -> QuerySet[Village]:
    """The villages of a township, for the intake form."""
    return Village.objects.filter(township=township) if township else Village.objects.none()


def visits_of(petitioner: Petitioner) -> int:
    """How many petitions this person has been on (重复访 per person)."""
    return petitioner.parties.count()


# Figures ------------------------------------------------------------------------------------------

DIMENSIONS = {
    "category": ("类别", "category"),
    "topic": ("内容分类", "topic"),
    "channel": ("信访形式", "channel"),
    "month": ("月份", "month"),
    "township": ("乡镇", "parties__petitioner__township__name"),
}


@dataclass
class FigureRow:
    """One row of the petition figures: a category, topic, channel, month or township."""

    key: str
    total: int = 0
    repeats: int = 0  # visits linked to an earlier matter (重复访)
    decided: int = 0
    decided_on_time: int = 0  # told within art. 23's 15 days (pauses and holidays counted as the clock did)
    replied: int = 0
    replied_on_time: int = 0  # the unit's written reply within its period
    satisfied: int = 0
    rated: int = 0

    @property
    def repeat_rate(self) -> float | None:
        """重复访率."""
        return self.repeats / self.total if self.total else None

    @property
    def notify_rate(self) -> float | None:
        """告知按期率 (of those told)."""
        return self.decided_on_time / self.decided if self.decided else None

    @property
    def reply_rate(self) -> float | None:
        """答复按期率 (of those answered)."""
        return self.replied_on_time / self.replied if self.replied else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: satisfied or partly, of those who rated."""
        return self.satisfied / self.rated if self.rated else None


def petition_figures(user: User, *, start: dt.datetime, end: dt.datetime, by: str = "category") -> list[FigureRow]:
    """Petitions received in [start, end), grouped by `by`; one grouped query over the period's rows."""
    _, field = DIMENSIONS.get(by, DIMENSIONS["category"])
    ct = ContentType.objects.get_for_model(Petition)
    clocks = Clock.objects.filter(content_type=ct, object_id=OuterRef("pk"))
    told_in_time = Exists(clocks.filter(name=NOTIFY_CLOCK_NAME, stopped_at__isnull=False, stopped_at__lte=F("due_at")))
    replied_in_time = Exists(  # the clock the reply stopped (not one an objection stopped), before its end
        ClockEvent.objects.filter(
            clock__content_type=ct,
            clock__object_id=OuterRef("pk"),
            clock__name__startswith=HANDLING_CLOCK_NAME,
            kind="stop",
            reason=REPLY_STOP,
            at__lte=F("clock__due_at"),
        )
    )
    rows = petitions_for(user).filter(received_at__gte=start, received_at__lt=end)
    if by == "month":
        rows = rows.annotate(month=TruncMonth("received_at"))
    replied = Q(status__in=ANSWERED)
    counted = (
        rows.annotate(told_in_time=told_in_time, replied_in_time=replied_in_time)
        .values(field)
        .annotate(
            n_total=Count("pk", distinct=True),
            n_repeats=Count("pk", distinct=True, filter=Q(repeat_of__isnull=False)),
            n_decided=Count("pk", distinct=True, filter=Q(decided_at__isnull=False)),
            n_decided_on_time=Count("pk", distinct=True, filter=Q(told_in_time=True)),
            n_replied=Count("pk", distinct=True, filter=replied),
            n_replied_on_time=Count("pk", distinct=True, filter=replied & Q(replied_in_time=True)),
            n_satisfied=Count("pk", distinct=True, filter=Q(satisfaction__in=("satisfied", "partly"))),
            n_rated=Count("pk", distinct=True, filter=~Q(satisfaction="") & ~Q(satisfaction="unreached")),
        )
        .order_by(field)
    )
    names = {
        "category": dict(Category.choices),
        "topic": dict(Topic.choices),
        "channel": dict(Channel.choices),
    }.get(by, {})
    result = []
    for r in counted:
        value = r[field]
        if by == "month" and value is not None:
            key = f"{timezone.localtime(value).year}年{timezone.localtime(value).month}月"
        else:
            key = str(names.get(value, value) if value is not None else "（不详）")
        result.append(FigureRow(key=key, **{k: r[f"n_{k}"] for k in _FIGURE_COUNTS}))
    return result


_FIGURE_COUNTS = ("total", "repeats", "decided", "decided_on_time", "replied", "replied_on_time", "satisfied", "rated")
NOTIFY_CLOCK_NAME = "告知期限"
REPLY_STOP = "承办单位已答复"
HANDLING_CLOCK_NAME = "办理期限"
REVIEW_CLOCK_NAMES = {"review": "复查期限", "rereview": "复核期限"}
HEARING_PAUSE = "听证期间不计入复核期限"


def supervision_draft(petition: Petition) -> dict[str, object]:
    """A supervision registration filled in from a leader's instruction on a petition (待转督办).

    The matter and the instruction only: no petitioner's particulars leave the module.
    """
    asking = [i for i in petition.instructions.select_related("leader") if i.supervise and i.text]
    instruction = "\n".join(f"{i.leader.full_name}：{i.text}" for i in asking)
    return {
        "lead_unit": petition.handling_unit_id,
        "source": "instruction",
        "title": f"{petition.number} {petition.get_topic_display()}信访事项"[:200],
        "content": f"反映问题：{petition.summary}\n诉求：{petition.appeal}",
        "instruction": instruction,
        "instructing_leader": asking[0].leader_id if asking else None,
        "leader_in_charge": petition.lead_leader_id,
        "petition": petition.pk,
    }


@dataclass(frozen=True)
class EnquiryPage:
    """What the petitioner sees of their matter (art. 21): where it stands, the periods, the written opinions."""

    petition: Petition
    running: Sequence[ClockLine]  # the periods still counting
    opinions: Sequence[Reply]
    may_rate: bool
    may_ask_review: str  # "复查" / "复核" when the petitioner may still ask for it, else ""


def enquiry_page(petition: Petition, now: dt.datetime | None = None) -> EnquiryPage:
    """The petitioner's page: nothing about anyone else, no staff names, no internal notes."""
    now, calendar = now or timezone.now(), WorkingCalendar.load()
    running = [
        ClockLine(clock.name.split("·")[0], clock, clock_state(clock, now, calendar), "", [])
        for clock in Clock.objects.filter(**Clock.of(petition), stopped_at__isnull=True).order_by("pk")
    ]
    opinions = list(petition.replies.select_related("unit").order_by("at"))
    ask = {"review": "复查", "rereview": "复核"}.get(review_open(petition, opinions=[r.stage for r in opinions]), "")
    latest = opinions[-1].at if opinions else None
    rated_since = petition.rated_at is not None and latest is not None and petition.rated_at >= latest
    return EnquiryPage(
        petition=petition,
        running=running,
        opinions=opinions,
        may_rate=petition.status in (Status.REPLIED, Status.REVIEWED) and not rated_since,
        may_ask_review=ask,
    )
