import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from shuniu.core.models import CalendarYear, User
from shuniu.core.testing import client_for
from shuniu.schedules import services
from shuniu.schedules.models import Engagement, KeyWork

WORKBENCH = reverse("board:workbench")


@pytest.mark.django_db
class TestWorkbench:
    def test_leader_sees_their_profile(self, leader: User) -> None:
        response = client_for(leader).get(WORKBENCH)
        assert "我的信息" in response.text
        assert "第 1 位" in response.text
        assert "系统状况" not in response.text

    def test_clerk_sees_units_and_leaders(self, clerk: User, leader: User, leader2: User) -> None:
        response = client_for(clerk).get(WORKBENCH)
        assert "全县单位" in response.text
        assert "领导1" in response.text
        assert "领导2" in response.text
        assert "我的信息" not in response.text
        User.objects.filter(pk=leader2.pk).update(is_active=False)  # left office: no longer among the leaders
        assert "领导2" not in client_for(clerk).get(WORKBENCH).text

    def test_liaison_sees_only_their_unit(self, liaison: User) -> None:
        response = client_for(liaison).get(WORKBENCH)
        assert "县财政局" in response.text
        assert "全县单位" not in response.text

    def test_auditor_sees_audit_figures(self, auditor: User) -> None:
        response = client_for(auditor).get(WORKBENCH)
        assert "审计记录" in response.text
        assert "全县单位" not in response.text

    def test_admin_is_warned_of_uncovered_years(self, sysadmin: User, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("shuniu.board.selectors.timezone.localdate", lambda: dt.date(2040, 3, 2))
        CalendarYear.objects.create(year=2040)
        response = client_for(sysadmin).get(WORKBENCH)
        assert "系统状况" in response.text
        assert "2041年的节假日安排尚未收录" in response.text
        assert "2040年的节假日安排尚未收录" not in response.text
        assert f"在用账号 {User.objects.filter(is_active=True).count()} 个" in response.text
        assert "未设置密码的账号 0 个" in response.text
        User.objects.create(username="imported", is_active=True, password="!unusable")
        assert "未设置密码的账号 1 个" in client_for(sysadmin).get(WORKBENCH).text

    @pytest.mark.parametrize(
        ("persona", "present", "absent"),
        [
            ("clerk", "通讯录", "审计日志"),
            ("auditor", "审计日志", "通讯录"),
            ("sysadmin", "系统管理", "审计日志"),
        ],
    )
    def test_navigation_follows_the_role(
        self, request: pytest.FixtureRequest, persona: str, present: str, absent: str
    ) -> None:
        response = client_for(request.getfixturevalue(persona)).get(WORKBENCH)
        nav = response.text.split("</nav>")[0]
        assert present in nav
        assert absent not in nav

    def test_workbench_query_count(
        self, clerk: User, leader: User, leader2: User, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        now = timezone.localtime()
        for who in (leader, leader2, leader):
            Engagement.objects.create(
                leader=who, kind="meeting", title="会", start=now, end=now + dt.timedelta(minutes=1), created_by=clerk
            )
        client = client_for(clerk)
        client.get(WORKBENCH)
        with django_assert_max_num_queries(12):  # fixed: the clerk's five counts in one, none per item
            response = client.get(WORKBENCH)
        assert response.text.count("<strong>领导") == 3

    def test_leader_sees_today_and_key_work(self, leader: User, clerk: User) -> None:
        now = timezone.localtime()
        Engagement.objects.create(
            leader=leader,
            kind="meeting",
            title="今日常委会",
            start=now,
            end=now + dt.timedelta(hours=1),
            created_by=clerk,
        )
        services.key_work_create(
            title="筹备经济会", owner=clerk, leader=leader, start=now + dt.timedelta(days=2), actor=clerk
        )
        text = client_for(leader).get(WORKBENCH).text
        assert "今日常委会" in text
        item = KeyWork.objects.get(title="筹备经济会")
        assert f'<a href="{reverse("schedules:key_work", args=[item.pk])}">筹备经济会</a>' in text

    def test_clerk_sees_the_documents_card(self, clerk: User) -> None:
        text = client_for(clerk).get(WORKBENCH).text
        assert "传阅中" in text
        assert "送文清单" in text

    def test_clerk_sees_what_was_sent_back_to_them(self, clerk: User, director: User, leader: User) -> None:
        from shuniu.core.models import Role
        from shuniu.core.testing import make_user
        from shuniu.documents import services as documents

        document = documents.document_register(
            actor=clerk, received_at=timezone.now(), source_org="市委办公室", title="关于冬季防火的通知"
        )
        documents.proposal_submit(document=document, readers=[leader], actor=clerk)
        assert "已退回" not in client_for(clerk).get(WORKBENCH).text
        documents.proposal_send_back(document=document, reason="请补充阅件领导", actor=director)
        text = client_for(clerk).get(WORKBENCH).text
        assert "已退回，待修改拟办" in text
        assert "请补充阅件领导" in text
        other = make_user("clerk_b", [Role.CLERK], full_name="另一位文书")
        assert "已退回" not in client_for(other).get(WORKBENCH).text  # sent back to whoever proposed it

    def test_leader_sees_the_desk_count(self, leader: User) -> None:
        text = client_for(leader).get(WORKBENCH).text
        assert "待阅文件" in text
