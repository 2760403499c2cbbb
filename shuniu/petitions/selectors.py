"""Reads of petitions, narrowed to who may see them inside the query; the repeat check before saving."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shuniu.core.access import get_visible_or_404
from shuniu.core.models import Role, Unit, User, Village
from shuniu.core.personal import blind_index, digits
from shuniu.petitions.models import Party, Petition, Petitioner, Status


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
        return blind_index("id", self.id_number)

    @property
    def phone_index(self) -> str:
        """The phone's blind index (digits only)."""
        return blind_index("phone", digits(self.phone))


def petitions_for(user: User) -> QuerySet[Petition]:
    """The petitions `user` may see.

    Petition staff and the director all of them; a unit's liaison those assigned to their unit (the
    matter, never the petitioner's particulars); nobody else any.
    """
    if user.has_role(Role.PETITION_OFFICER, Role.DIRECTOR):
        return Petition.objects.all()
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return Petition.objects.filter(
            handling_unit_id=user.unit_id, status__in=(Status.ASSIGNED, Status.REPLIED, Status.CLOSED)
        )
    return Petition.objects.none()


def sees_petitioners(user: User) -> bool:
    """Petitioners' particulars are for petition staff and the director (PIPL: no further than needed)."""
    return user.has_role(Role.PETITION_OFFICER, Role.DIRECTOR)


def petition_list(user: User, *, status: str = "") -> QuerySet[Petition]:
    """The register, newest first (an index), with each petition's people and repeat count."""
    rows = petitions_for(user)
    if status:
        rows = rows.filter(status=status)
    people = Party.objects.select_related("petitioner__township", "petitioner__village")
    later = Petition.objects.filter(repeat_of=OuterRef("pk")).values("repeat_of").annotate(n=Count("pk")).values("n")
    return (
        rows.select_related("repeat_of")
        .prefetch_related(Prefetch("parties", queryset=people))
        .annotate(repeat_count=Coalesce(Subquery(later), 0))  # for the page's rows only, not a GROUP BY of all
        .order_by("-received_at", "-pk")
    )


def petition_for(user: User, pk: object) -> Petition:
    """One petition the user may see (404 otherwise)."""
    return get_visible_or_404(petitions_for(user).select_related("receptionist", "repeat_of"), pk)


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


def possible_repeats(people: Sequence[Person], *, limit: int = 10) -> list[Repeat]:
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
