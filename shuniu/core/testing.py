"""Test personas, from one place: `def test_x(clerk, leader, outsider): ...`.

Loaded as a pytest plugin by the root conftest. Every persona is made through the services, so
the role rules hold for them as for real users.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from django.test import Client

from shuniu.core import services
from shuniu.core.models import Clearance, LeaderProfile, Role, Unit, UnitKind, User

PASSWORD = "Test-pass-2026"  # noqa: S105 - test personas only


def make_unit(name: str = "县财政局", kind: str = UnitKind.DEPARTMENT) -> Unit:
    unit, _ = Unit.objects.get_or_create(name=name, defaults={"kind": kind})
    return unit


def make_user(
    username: str,
    roles: Iterable[str],
    *,
    full_name: str = "",
    unit: Unit | None = None,
    clearance: int = Clearance.NONE,
) -> User:
    return services.user_create(
        username=username,
        full_name=full_name or username,
        roles=list(roles),
        unit=unit,
        clearance=clearance,
        password=PASSWORD,
        actor=None,
    )


def make_leader(username: str, rank: int, *, clearance: int = Clearance.CONFIDENTIAL) -> User:
    user = make_user(username, [Role.LEADER], full_name=f"领导{rank}", clearance=clearance)
    LeaderProfile.objects.create(user=user, rank=rank, post="县委常委")
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk", [Role.CLERK], full_name="王文书", unit=make_unit("秘书室", UnitKind.SECTION))


@pytest.fixture
def director(db: None) -> User:
    return make_user("director", [Role.DIRECTOR], full_name="黄主任", clearance=Clearance.CONFIDENTIAL)


@pytest.fixture
def leader(db: None) -> User:
    return make_leader("leader", 1)


@pytest.fixture
def leader2(db: None) -> User:
    return make_leader("leader2", 2, clearance=Clearance.SECRET)


@pytest.fixture
def liaison(db: None) -> User:
    return make_user("liaison", [Role.LIAISON], full_name="周联络", unit=make_unit("县财政局"))


@pytest.fixture
def outsider(db: None) -> User:
    """A liaison of another unit: entitled to nothing of the office's business."""
    return make_user("outsider", [Role.LIAISON], full_name="外单位", unit=make_unit("石门乡", UnitKind.TOWNSHIP))


@pytest.fixture
def auditor(db: None) -> User:
    return make_user("auditor", [Role.AUDITOR], full_name="钱审计")


@pytest.fixture
def sysadmin(db: None) -> User:
    return make_user("sysadmin", [Role.ADMIN], full_name="冯管理")
