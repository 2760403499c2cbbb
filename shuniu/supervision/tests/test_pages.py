"""Supervision's follow-up pages: extensions, the ladder, the leader's comment, printouts, figures and the
bulletin — each through its form, refused to those it is not for, and with fixed query counts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shuniu.core.files import Upload
from shuniu.core.models import Role, Unit, UnitKind, User
from shuniu.core.testing import client_for, make_unit, make_user, xlsx_sheet
from shuniu.supervision import services
from shuniu.supervision.models import Assignment, Escalation, Extension, ExtensionStatus, Level, Matter, Source, Status

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("supervisor", [Role.SUPERVISOR], full_name="赵督查", unit=make_unit("督查室", UnitKind.SECTION))


@pytest.fixture
def finance(db: None) -> Unit:
    return make_unit("县财政局")


@pytest.fixture
def cz(finance: Unit) -> User:
    return make_user("cz", [Role.LIAISON], full_name="财政联络员", unit=finance)


def register(supervisor: User, leader: User, unit: Unit, *, days: int = 15, title: str = "冬季供暖保障") -> Matter:
    return services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title=title,
        content="确保按时供暖。",
        lead_unit=unit,
        instructing_leader=leader,
        deadline=timezone.now() + dt.timedelta(days=days),
    )


@pytest.fixture
def acting(supervisor: User, leader: User, finance: Unit, cz: User) -> Matter:
    matter = register(supervisor, leader, finance)
    services.assignment_sign(assignment=Assignment.objects.get(matter=matter), actor=cz)
    matter.refresh_from_db()
    return matter


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_extension_asked_and_approved_through_the_pages(acting: Matter, supervisor: User, cz: User) -> None:
    lead = Assignment.objects.get(matter=acting)
    assert acting.deadline is not None
    page = client_for(cz).get(reverse("supervision:detail", args=[acting.pk])).text
    assert "申请延期" in page
    url = reverse("supervision:extend", args=[acting.pk, lead.pk])
    bad = client_for(cz).post(url, {"reason": "资金", "progress": "六成", "expected": ""}, follow=True).text
    assert "请填写预计办结时间" in bad
    assert not Extension.objects.exists()
    later = acting.deadline + dt.timedelta(days=10)
    client_for(cz).post(url, {"reason": "资金待研究", "progress": "六成", "expected": local(later)})
    extension = Extension.objects.get()
    decide = reverse("supervision:decide", args=[acting.pk, extension.pk, "approve"])
    assert client_for(cz).post(decide, {"new_deadline": local(later)}).status_code == 403
    client_for(supervisor).post(decide, {"new_deadline": local(later)})
    acting.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert acting.deadline == later.replace(second=0, microsecond=0)
    assert "已批准延期" in client_for(supervisor).get(reverse("supervision:detail", args=[acting.pk])).text


def test_a_notice_of_the_ladder_issued_and_printed(acting: Matter, supervisor: User, cz: User, outsider: User) -> None:
    lead = Assignment.objects.get(matter=acting)
    client_for(supervisor).post(
        reverse("supervision:escalate", args=[acting.pk]),
        {"assignment": lead.pk, "level": Level.YELLOW, "text": "进度滞后，请本周内报送进展。"},
    )
    escalation = Escalation.objects.get()
    pdf = reverse("supervision:escalation", args=[acting.pk, escalation.pk])
    response = client_for(cz).get(pdf)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert client_for(outsider).get(pdf).status_code == 404
    refused = client_for(supervisor).post(
        reverse("supervision:escalate", args=[acting.pk]), {"assignment": lead.pk, "level": "purple", "text": "x"}
    )
    assert refused.status_code == 302
    assert Escalation.objects.count() == 1


def test_the_leader_comments_on_the_feedback_and_a_new_round_opens(
    acting: Matter, supervisor: User, cz: User, leader: User, leader2: User
) -> None:
    lead = Assignment.objects.get(matter=acting)
    services.report_submit(assignment=lead, actor=cz, text="已办结", percent=100, completion=True)
    services.matter_review(matter=acting, actor=supervisor, action="close")
    detail = reverse("supervision:detail", args=[acting.pk])
    page = client_for(leader).get(detail).text
    assert "反馈报告" in page
    assert "阅示意见" in page
    feedback = client_for(leader).get(reverse("supervision:feedback", args=[acting.pk]))
    assert feedback.content.startswith(b"%PDF")
    assert client_for(leader2).post(reverse("supervision:comment", args=[acting.pk]), {"text": "x"}).status_code == 404
    client_for(leader).post(
        reverse("supervision:comment", args=[acting.pk]), {"text": "继续跟踪补贴发放", "more": "on"}
    )
    acting.refresh_from_db()
    assert (acting.status, acting.round) == (Status.ACTING, 2)
    assert "第 2 轮" in client_for(cz).get(detail).text


def test_a_report_with_an_attachment_and_who_may_open_it(acting: Matter, cz: User, outsider: User) -> None:
    lead = Assignment.objects.get(matter=acting)
    client_for(cz).post(
        reverse("supervision:report", args=[acting.pk, lead.pk]),
        {"text": "附凭证", "percent": "50", "uploads": SimpleUploadedFile("凭证.png", PNG, "image/png")},
    )
    report = acting.reports.get()
    attachment = report.attachments.get()
    url = reverse("supervision:attachment", args=[acting.pk, report.pk, attachment.pk])
    assert client_for(cz).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


def test_the_notice_per_unit_prints_for_those_who_may_see(
    acting: Matter, cz: User, outsider: User, clerk: User
) -> None:
    lead = Assignment.objects.get(matter=acting)
    url = reverse("supervision:notice", args=[acting.pk, lead.pk])
    response = client_for(cz).get(url)
    assert response.content.startswith(b"%PDF")
    assert "attachment" not in response["Content-Disposition"]
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(clerk).get(url).status_code == 403


def test_figures_page_excel_and_the_weekly_bulletin(acting: Matter, supervisor: User, leader: User, cz: User) -> None:
    page = client_for(supervisor).get(reverse("supervision:figures"))
    assert page.status_code == 200
    assert "县财政局" in page.text
    xlsx = client_for(supervisor).get(reverse("supervision:figures") + "?format=xlsx&by=leader")
    sheet = xlsx_sheet(xlsx.getvalue())
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[0] == "领导1" and row[1] == 1 for row in rows)  # one matter registered this month
    bulletin = client_for(supervisor).get(reverse("supervision:bulletin", args=["pdf"]))
    assert bulletin.content.startswith(b"%PDF")
    exported = client_for(supervisor).get(reverse("supervision:bulletin", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(exported.getvalue()))
    assert workbook.sheetnames == ["督办统计", "逾期事项"]
    assert client_for(cz).get(reverse("supervision:figures")).status_code == 403  # liaisons have no figures
    assert client_for(leader).get(reverse("supervision:figures") + "?from=garbage&to=2026-13-40").status_code == 200


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("who", ["supervisor", "cz", "leader"])
def test_list_detail_and_figures_keep_their_query_counts(
    who: str, supervisor: User, leader: User, finance: Unit, cz: User, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    pages = [reverse("supervision:list"), reverse("supervision:list") + "?status=acting"]
    if who != "cz":
        pages.append(reverse("supervision:figures"))

    def grow(n: int) -> Matter:
        last = register(supervisor, leader, finance, title=f"x{Matter.objects.count()}")
        for i in range(n):
            last = register(
                supervisor, leader, make_unit(f"单位{i % 7}"), days=20, title=f"事项{Matter.objects.count()}"
            )
            if i % 3:  # some overdue, some near
                Matter.objects.filter(pk=last.pk).update(deadline=timezone.now() + dt.timedelta(days=(i % 20) - 10))
            services.assignment_sign(
                assignment=Assignment.objects.get(matter=last), actor=supervisor, channel="phone", person="某"
            )
        return last

    grow(2)
    client.get(pages[0])

    def counts() -> list[int]:
        return [queries(partial(client.get, url)) for url in pages]

    before = counts()
    grow(30)
    after = counts()
    assert after == before
    assert max(after) <= 16


def test_the_detail_page_query_count_does_not_grow_with_its_history(acting: Matter, supervisor: User, cz: User) -> None:
    lead = Assignment.objects.get(matter=acting)
    client = client_for(supervisor)
    url = reverse("supervision:detail", args=[acting.pk])
    services.report_submit(assignment=lead, actor=cz, text="首报", percent=5)  # one of each kind first
    services.chase_record(matter=acting, actor=supervisor, method="phone", reached="王科长", outcome="首催")
    client.get(url)
    before = queries(lambda: client.get(url))
    for n in range(6):
        services.report_submit(assignment=lead, actor=cz, text=f"进展{n}", percent=10 * n)
        services.chase_record(matter=acting, actor=supervisor, method="phone", reached="王科长", outcome=f"第{n}次")
        services.escalation_issue(
            matter=acting, assignment=lead, actor=supervisor, level=Level.BLUE, text=f"请抓紧（{n}）"
        )
    assert queries(lambda: client.get(url)) == before


def test_the_outsider_and_the_clerk_get_403_or_404_on_every_page_and_action(
    acting: Matter, supervisor: User, cz: User, outsider: User, clerk: User
) -> None:
    from shuniu.audit.models import AuditEntry

    lead = Assignment.objects.get(matter=acting)
    report = services.report_submit(
        assignment=lead, actor=cz, text="附凭证", percent=50, uploads=[Upload("凭证.png", PNG)]
    )
    escalation = services.escalation_issue(
        matter=acting, assignment=lead, actor=supervisor, level=Level.BLUE, text="请抓紧"
    )
    assert acting.deadline is not None
    extension = services.extension_request(
        assignment=lead, actor=cz, reason="r", expected=acting.deadline + dt.timedelta(days=5), progress="p"
    )
    pk, apk = acting.pk, lead.pk
    gets = [
        reverse("supervision:detail", args=[pk]),
        reverse("supervision:notice", args=[pk, apk]),
        reverse("supervision:escalation", args=[pk, escalation.pk]),
        reverse("supervision:feedback", args=[pk]),
        reverse("supervision:attachment", args=[pk, report.pk, report.attachments.get().pk]),
        reverse("supervision:new"),
        reverse("supervision:figures"),
        reverse("supervision:bulletin", args=["pdf"]),
    ]
    posts = [
        reverse("supervision:sign", args=[pk, apk]),
        reverse("supervision:object", args=[pk, apk]),
        reverse("supervision:reassign", args=[pk, apk]),
        reverse("supervision:report", args=[pk, apk]),
        reverse("supervision:extend", args=[pk, apk]),
        reverse("supervision:decide", args=[pk, extension.pk, "approve"]),
        reverse("supervision:escalate", args=[pk]),
        reverse("supervision:chase", args=[pk]),
        reverse("supervision:review", args=[pk, "close"]),
        reverse("supervision:comment", args=[pk]),
        reverse("supervision:new"),
    ]
    entries = AuditEntry.objects.count()
    form = {"text": "x", "percent": "100", "reason": "x", "unit": str(lead.unit_id), "level": "red", "more": "on"}
    for user in (outsider, clerk):
        client = client_for(user)
        for url in gets:
            assert client.get(url).status_code in (403, 404), (user.username, url)
        for url in posts:
            assert client.post(url, form).status_code in (403, 404), (user.username, url)
    assert AuditEntry.objects.count() == entries
    assert acting.reports.count() == 1
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


def test_a_liaison_sees_neither_the_report_to_the_leaders_nor_the_feedback_nor_another_units_notice(
    supervisor: User, leader: User, finance: Unit, cz: User
) -> None:
    township = make_unit("石门乡", UnitKind.TOWNSHIP)
    matter = services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="秸秆禁烧",
        content="巡查。",
        lead_unit=finance,
        co_units=[township],
        instructing_leader=leader,
        deadline=timezone.now() + dt.timedelta(days=9),
    )
    lead = Assignment.objects.get(matter=matter, unit=finance)
    other = Assignment.objects.get(matter=matter, unit=township)
    services.assignment_sign(assignment=lead, actor=cz)
    report = services.escalation_issue(
        matter=matter, assignment=lead, actor=supervisor, level=Level.LEADERS, text="财政局推诿扯皮"
    )
    detail = client_for(cz).get(reverse("supervision:detail", args=[matter.pk])).text
    assert "推诿扯皮" not in detail
    assert "推诿扯皮" in client_for(leader).get(reverse("supervision:detail", args=[matter.pk])).text
    assert client_for(cz).get(reverse("supervision:escalation", args=[matter.pk, report.pk])).status_code == 404
    assert client_for(cz).get(reverse("supervision:notice", args=[matter.pk, other.pk])).status_code == 404
    assert client_for(cz).get(reverse("supervision:notice", args=[matter.pk, lead.pk])).status_code == 200
    services.report_submit(assignment=lead, actor=cz, text="完", percent=100, completion=True)
    services.matter_review(matter=matter, actor=supervisor, action="close")
    assert client_for(cz).get(reverse("supervision:feedback", args=[matter.pk])).status_code == 404
    assert client_for(leader).get(reverse("supervision:feedback", args=[matter.pk])).status_code == 200


def test_the_objection_is_offered_only_while_it_may_be_made(
    supervisor: User, leader: User, finance: Unit, cz: User
) -> None:
    matter = register(supervisor, leader, finance)
    detail = reverse("supervision:detail", args=[matter.pk])
    assert "不属于本单位职责？" in client_for(cz).get(detail).text
    Assignment.objects.filter(matter=matter).update(assigned_at=timezone.now() - dt.timedelta(days=10))
    assert "不属于本单位职责？" not in client_for(cz).get(detail).text
