"""Supervision's pages: who gets which, the register form, and each action through its form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from shuniu.core.models import Role, Unit, UnitKind, User
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.supervision import services
from shuniu.supervision.models import Assignment, Chase, Cycle, Matter, Receipt, Report, Source, Status


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("supervisor", [Role.SUPERVISOR], full_name="赵督查", unit=make_unit("督查室", UnitKind.SECTION))


@pytest.fixture
def finance(db: None) -> Unit:
    return make_unit("县财政局")


@pytest.fixture
def matter(supervisor: User, leader: User, finance: Unit) -> Matter:
    return services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="冬季供暖保障",
        content="确保按时供暖。",
        lead_unit=finance,
        instructing_leader=leader,
        deadline=timezone.now() + dt.timedelta(days=15),
    )


@pytest.fixture
def cz(finance: Unit) -> User:
    return make_user("cz", [Role.LIAISON], full_name="财政联络员", unit=finance)


def test_who_may_open_the_pages(
    matter: Matter, supervisor: User, leader: User, cz: User, outsider: User, clerk: User
) -> None:
    detail = reverse("supervision:detail", args=[matter.pk])
    for user in (supervisor, leader, cz):
        assert matter.title in client_for(user).get(reverse("supervision:list")).text
        assert client_for(user).get(detail).status_code == 200
    line = client_for(supervisor).get(reverse("supervision:list")).text  # the line's values, no model row
    assert f"{matter.number} {matter.title}" in line
    assert f"交办领导 {leader.full_name}" in line
    assert "绿灯 正常" in line  # 15 days ahead: the light computed from the line's deadline
    assert client_for(outsider).get(detail).status_code == 404  # a liaison of another unit
    assert client_for(outsider).get(reverse("supervision:list")).status_code == 200
    assert matter.title not in client_for(outsider).get(reverse("supervision:list")).text
    assert client_for(clerk).get(reverse("supervision:list")).status_code == 403
    assert client_for(cz).get(reverse("supervision:new")).status_code == 403


def test_registering_through_the_form_with_the_default_deadline(supervisor: User, leader: User, finance: Unit) -> None:
    response = client_for(supervisor).post(
        reverse("supervision:new"),
        {
            "source": Source.INSTRUCTION,
            "title": "秸秆禁烧",
            "content": "加强巡查。",
            "instructing_leader": leader.pk,
            "lead_unit": finance.pk,
            "urgency": "urgent",
        },
    )
    matter = Matter.objects.get()
    assert response["Location"] == reverse("supervision:detail", args=[matter.pk])
    assert matter.deadline is not None
    assert 4 <= (matter.deadline - timezone.now()).days <= 9  # five days, run on past a day off


def test_a_bad_registration_says_why_and_saves_nothing(supervisor: User, finance: Unit) -> None:
    response = client_for(supervisor).post(
        reverse("supervision:new"),
        {"source": Source.INSTRUCTION, "title": "x", "content": "y", "lead_unit": finance.pk, "urgency": "normal"},
    )
    assert response.status_code == 200
    assert "交办领导" in response.text
    assert not Matter.objects.exists()


def test_the_liaison_signs_reports_and_the_staff_chase(matter: Matter, supervisor: User, cz: User) -> None:
    lead = Assignment.objects.get(matter=matter)
    liaison = client_for(cz)
    assert "签收" in liaison.get(reverse("supervision:detail", args=[matter.pk])).text
    liaison.post(reverse("supervision:sign", args=[matter.pk, lead.pk]))
    lead.refresh_from_db()
    assert lead.receipt == Receipt.SIGNED
    liaison.post(reverse("supervision:report", args=[matter.pk, lead.pk]), {"text": "已完成检修", "percent": "60"})
    assert Report.objects.get().percent == 60
    page = liaison.post(
        reverse("supervision:report", args=[matter.pk, lead.pk]), {"text": "", "percent": "300"}, follow=True
    ).text
    assert "请填写进展情况" in page
    assert Report.objects.count() == 1
    client_for(supervisor).post(
        reverse("supervision:chase", args=[matter.pk]),
        {"method": "phone", "reached": "王科长", "outcome": "周五前报送"},
    )
    assert Chase.objects.get().reached == "王科长"
    liaison.post(
        reverse("supervision:report", args=[matter.pk, lead.pk]),
        {"text": "供暖已启动", "percent": "100", "completion": "on"},
    )
    matter.refresh_from_db()
    assert matter.status == Status.REPORTED


def test_another_units_liaison_cannot_act_on_the_matter(matter: Matter, outsider: User) -> None:
    lead = Assignment.objects.get(matter=matter)
    response = client_for(outsider).post(reverse("supervision:sign", args=[matter.pk, lead.pk]))
    assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.receipt == Receipt.TO_SIGN


def test_an_objection_and_the_reassignment_through_the_pages(matter: Matter, supervisor: User, cz: User) -> None:
    lead = Assignment.objects.get(matter=matter)
    client_for(cz).post(reverse("supervision:object", args=[matter.pk, lead.pk]), {"reason": "属于住建局职责"})
    lead.refresh_from_db()
    assert lead.receipt == Receipt.OBJECTED
    housing = make_unit("县住房和城乡建设局")
    client_for(supervisor).post(reverse("supervision:reassign", args=[matter.pk, lead.pk]), {"unit": housing.pk})
    assert Assignment.objects.get(matter=matter, receipt=Receipt.TO_SIGN).unit == housing
    assert client_for(cz).get(reverse("supervision:detail", args=[matter.pk])).status_code == 404


def test_the_list_query_count_is_fixed(
    supervisor: User, leader: User, finance: Unit, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(25):
        services.matter_register(
            actor=supervisor,
            source=Source.INSTRUCTION,
            title=f"事项{n}",
            content="内容",
            lead_unit=finance,
            instructing_leader=leader,
            deadline=timezone.now() + dt.timedelta(days=n + 1),
            cycle=Cycle.WEEKLY if n % 2 else Cycle.NONE,  # a light that reads the report cycle too
        )
    client = client_for(supervisor)
    client.get(reverse("supervision:list"))
    # the session, the user, the roles, the menu's counts, the calendar, the page of matters, their units
    with django_assert_num_queries(7):
        page = client.get(reverse("supervision:list"))
    assert page.status_code == 200
    assert page.text.count("交办领导 ") == 25


def test_a_leaders_instruction_on_a_document_opens_a_prefilled_matter_linked_both_ways(
    supervisor: User, clerk: User, director: User, leader: User, finance: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shuniu.core.models import InboxItem
    from shuniu.documents import services as documents
    from shuniu.documents.models import Copy, Document, Reading

    monkeypatch.setattr(
        "shuniu.documents.routing_adapter._windows", lambda leader, start, end, calendar: [(start, end)]
    )
    document = documents.document_register(
        actor=clerk,
        received_at=timezone.now() - dt.timedelta(hours=1),
        source_org="市委办公室",
        title="关于冬季供暖的通知",
    )
    township = make_unit("石门乡", UnitKind.TOWNSHIP)
    documents.proposal_submit(
        document=document, readers=[leader], units=[township, finance], lead_unit=finance, actor=clerk
    )
    documents.proposal_approve(document=document, actor=director)
    documents.copy_deliver(copy=Copy.objects.get(document=document), actor=clerk)
    reading = Reading.objects.get(document=document, leader=leader)
    documents.reading_sign(reading=reading, actor=leader, instruction="请财政局抓紧落实。", requires_action=True)
    document.refresh_from_db()
    assert document.needs_supervision

    staff = client_for(supervisor)
    page = staff.get(reverse("documents:detail", args=[document.pk])).text
    assert f"{reverse('supervision:new')}?document={document.pk}" in page
    form = staff.get(f"{reverse('supervision:new')}?document={document.pk}").text
    assert "请财政局抓紧落实。" in form
    assert 'value="关于冬季供暖的通知"' in form
    assert f'<option value="{finance.pk}" selected>' in form  # the proposal's lead unit leads the matter
    assert re.search(rf'name="co_units" value="{township.pk}" id="[^"]+" checked', form)
    staff.post(
        reverse("supervision:new"),
        {
            "document": document.pk,
            "source": Source.INSTRUCTION,
            "title": "关于冬季供暖的通知",
            "content": "领导1：请财政局抓紧落实。",
            "instructing_leader": leader.pk,
            "lead_unit": finance.pk,
            "urgency": "normal",
        },
    )
    matter = Matter.objects.get()
    assert matter.document == document
    document = Document.objects.get(pk=document.pk)
    assert not document.needs_supervision
    assert not InboxItem.objects.filter(key__endswith=":supervise", done_at__isnull=True).exists()
    assert matter.number in staff.get(reverse("documents:detail", args=[document.pk])).text
    assert document.reg_number in staff.get(reverse("supervision:detail", args=[matter.pk])).text
