"""The pairs of writes that deadlocked under load, run at once: both succeed, or one gets a clear message.

Each service locks its business rows first and the audit chain's head last, in one short step just
before commit (`audit.atomic`); see README, "Concurrent writes". These ran into `deadlock detected`
on PostgreSQL when the head was locked as the first audit record was written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoCaptureOnCommitCallbacks

from shuniu.audit.services import verify
from shuniu.core import services as core_services
from shuniu.core.models import User
from shuniu.core.testing import PASSWORD, at_once
from shuniu.documents import services
from shuniu.documents.models import Copy, CopyState, Document, Reading, Urgency
from shuniu.documents.tests.conftest import Register

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 3


def in_circulation(register: Register, clerk: User, director: User, readers: list[User], copies: int = 1) -> Document:
    document = register(f"并发测试文件 {Document.objects.count() + 1}", urgency=Urgency.URGENT)
    services.proposal_submit(document=document, readers=readers, copies_allowed=copies, actor=clerk)
    services.proposal_approve(document=document, actor=director)
    return document


def to_deliver(document: Document) -> Copy:
    return Copy.objects.filter(document=document, state=CopyState.TO_DELIVER).order_by("pk").first()  # type: ignore[return-value]


def on_desk(document: Document, clerk: User) -> Reading:
    """Deliver the document's first copy and return the reading now waiting on that desk."""
    copy = to_deliver(document)
    services.copy_deliver(copy=copy, actor=clerk)
    return Reading.objects.get(copy=copy, delivered_at__isnull=False, signed_at__isnull=True)


def settled(outcomes: list[object]) -> None:
    """Both writes went through, or one was refused with a message in Chinese — never a database error."""
    for outcome in outcomes:
        assert not isinstance(outcome, BaseException) or isinstance(outcome, ValidationError), repr(outcome)
    assert verify().ok


def test_a_sign_off_and_a_delivery_at_once(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> None:
    for _ in range(ROUNDS):
        signed = in_circulation(register, clerk, director, [leader, leader2])
        reading = on_desk(signed, clerk)
        other = in_circulation(register, clerk, director, [leader, leader2])
        copy = to_deliver(other)
        outcomes = at_once(
            partial(services.reading_sign, reading=reading, actor=reading.leader, instruction="已阅"),
            partial(services.copy_deliver, copy=copy, actor=clerk),
        )
        settled(outcomes)
        assert Reading.objects.get(pk=reading.pk).signed_at is not None
        assert Copy.objects.get(pk=copy.pk).state == CopyState.ON_DESK


def test_a_sign_off_and_a_delivery_of_the_same_document_at_once(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> None:
    for _ in range(ROUNDS):
        document = in_circulation(register, clerk, director, [leader, leader2], copies=2)
        reading = on_desk(document, clerk)
        copy = to_deliver(document)
        assert copy is not None
        settled(
            at_once(
                partial(services.reading_sign, reading=reading, actor=reading.leader, instruction="已阅"),
                partial(services.copy_deliver, copy=copy, actor=clerk),
            )
        )


def test_a_sign_off_and_a_take_back_of_the_same_document_both_replanning(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> None:
    """Two writes on two copies of one document, each having to plan: neither writes the other's copy."""
    for _ in range(ROUNDS):
        document = in_circulation(register, clerk, director, [leader, leader2], copies=2)
        reading = on_desk(document, clerk)
        other = to_deliver(document)
        services.copy_deliver(copy=other, actor=clerk)
        Copy.objects.filter(document=document).update(route=[])  # stored routes gone: both must plan
        outcomes = at_once(
            partial(services.reading_sign, reading=reading, actor=reading.leader, instruction="已阅"),
            partial(services.copy_take_back, copy=other, actor=clerk),
        )
        settled(outcomes)
        assert Reading.objects.get(pk=reading.pk).signed_at is not None
        assert Copy.objects.get(pk=other.pk).state != CopyState.ON_DESK


def test_an_approval_and_a_delivery_at_once(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> None:
    for _ in range(ROUNDS):
        waiting = register(f"待审批的文件 {Document.objects.count() + 1}", urgency=Urgency.URGENT)
        services.proposal_submit(document=waiting, readers=[leader, leader2], copies_allowed=1, actor=clerk)
        copy = to_deliver(in_circulation(register, clerk, director, [leader2, leader]))
        settled(
            at_once(
                partial(services.proposal_approve, document=waiting, actor=director),
                partial(services.copy_deliver, copy=copy, actor=clerk),
            )
        )


def test_a_login_and_a_write_by_the_same_person_at_once(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> None:
    for _ in range(ROUNDS):
        reading = on_desk(in_circulation(register, clerk, director, [leader, leader2]), clerk)
        outcomes = at_once(
            partial(core_services.login_attempt, request=None, username=reading.leader.username, password=PASSWORD),
            partial(services.reading_sign, reading=reading, actor=reading.leader, instruction="已阅"),
        )
        assert outcomes[0].user == reading.leader
        settled([outcomes[1]])


def writes_after_the_head(run: Callable[[], object]) -> list[str]:
    """The statements a write runs after it locks the audit chain's head (they must be the chain's own)."""
    with CaptureQueriesContext(connection) as queries:
        run()
    statements = [q["sql"] for q in queries.captured_queries]
    # The head is read FOR UPDATE (SQLite has no row locks: there its first read stands for the lock).
    locked = next((n for n, sql in enumerate(statements) if "audit_audithead" in sql), None)
    assert locked is not None, "the write recorded nothing in the audit log"
    own = ("audit_auditentry", "audit_audithead", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [sql for sql in statements[locked + 1 :] if not any(word in sql for word in own)]


@pytest.mark.django_db
def test_every_step_of_the_flow_locks_the_audit_head_last(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> None:
    """The design that keeps the office free of deadlocks: business rows first, the chain's head last."""
    document = register("锁顺序")
    assert writes_after_the_head(partial(register, "锁顺序之二")) == []
    assert (
        writes_after_the_head(
            partial(services.proposal_submit, document=document, readers=[leader, leader2], actor=clerk)
        )
        == []
    )
    assert writes_after_the_head(partial(services.proposal_approve, document=document, actor=director)) == []
    copy = to_deliver(document)
    assert writes_after_the_head(partial(services.copy_deliver, copy=copy, actor=clerk)) == []
    reading = Reading.objects.get(copy=copy, signed_at__isnull=True)
    sign = partial(services.reading_sign, reading=reading, actor=reading.leader, instruction="已阅")
    assert writes_after_the_head(sign) == []
    login = partial(core_services.login_attempt, request=None, username=leader.username, password=PASSWORD)
    assert writes_after_the_head(login) == []


@pytest.mark.django_db
def test_a_write_goes_through_when_the_queue_cannot_be_reached(
    register: Register,
    clerk: User,
    director: User,
    leader: User,
    leader2: User,
    always_in: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    def redis_stopped(*args: object) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("shuniu.documents.tasks.replan_circulation", redis_stopped)
    document = register("队列停了也能审批")
    services.proposal_submit(document=document, readers=[leader, leader2], actor=clerk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.proposal_approve(document=document, actor=director)
    assert callbacks  # the replan was asked for, and its failure did not reach the director
    assert to_deliver(document) is not None
