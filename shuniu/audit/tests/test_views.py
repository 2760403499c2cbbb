import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from shuniu import audit
from shuniu.audit.models import AuditEntry
from shuniu.core.models import User
from shuniu.core.testing import client_for, xlsx_sheet


@pytest.mark.django_db
class TestAuditorPages:
    def test_auditor_lists_and_filters(self, auditor: User, clerk: User) -> None:
        with transaction.atomic():
            audit.record(actor=clerk, action="doc.test", obj=clerk, data={"k": 1})
        client = client_for(auditor)
        response = client.get(reverse("audit:entries"))
        assert response.status_code == 200
        assert "doc.test" in response.text
        filtered = client.get(reverse("audit:entries"), {"action": "user."})
        assert "doc.test" not in filtered.text
        assert "创建用户" in filtered.text

    def test_bad_filter_gets_a_chinese_message(self, auditor: User) -> None:
        response = client_for(auditor).get(reverse("audit:entries"), {"since": "2026-13-40"})
        assert response.status_code == 200
        assert "起始日期格式" in response.text

    @pytest.mark.parametrize("persona", ["clerk", "sysadmin", "leader", "outsider"])
    def test_others_get_403(self, request: pytest.FixtureRequest, persona: str) -> None:
        user = request.getfixturevalue(persona)
        assert client_for(user).get(reverse("audit:entries")).status_code == 403
        assert client_for(user).get(reverse("audit:verify")).status_code == 403

    def test_verify_page(self, auditor: User) -> None:
        response = client_for(auditor).get(reverse("audit:verify"))
        assert "审计链完整" in response.text

    def test_list_query_count_is_fixed(
        self, auditor: User, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        with transaction.atomic():
            for i in range(60):
                audit.record(actor=auditor, action="bulk", data={"i": i})
        client = client_for(auditor)
        client.get(reverse("audit:entries"))
        # 7 reads, the auditor's second factor, the log's extent (one aggregate, one look for the triggers, one for
        # the checkpoints), and the record of the auditor opening the log
        # (savepoint, head lock, insert, head update, release): fixed however many entries the page lists.
        with django_assert_max_num_queries(16):
            client.get(reverse("audit:entries"))


@pytest.mark.django_db
class TestTheLogInWords:
    def test_operations_people_and_details_read_in_chinese(
        self, auditor: User, clerk: User, director: User, leader: User, leader2: User
    ) -> None:
        from shuniu.documents import services

        now = timezone.now()
        services.delegation_create(
            leader=leader, acting=leader2, start=now, end=now + dt.timedelta(days=1), actor=leader
        )
        with transaction.atomic():
            audit.record(
                actor=director,
                action="user.roles",
                obj=clerk,
                data={"before": ["clerk"], "after": ["clerk", "supervisor"]},
            )
        text = client_for(auditor).get(reverse("audit:entries")).text.split("<tbody>")[1]
        assert "委托代阅" in text
        assert "领导：领导1" in text
        assert "代阅人：领导2" in text
        assert f"开始：{timezone.localtime(now):%Y年%m月%d日 %H:%M}" in text  # times local, in 年月日
        assert "修改角色" in text
        assert "修改前：文书" in text
        assert "修改后：文书、督查" in text
        assert "delegation.create" not in text
        assert "{&#x27;" not in text

    def test_a_workflow_action_names_its_statuses(self, auditor: User, clerk: User) -> None:
        from shuniu.documents import services

        document = services.document_register(
            actor=clerk, received_at=timezone.now(), source_org="市委办公室", title="关于x的通知"
        )
        services.document_return(document=document, reason="缺少附件", actor=clerk)
        text = client_for(auditor).get(reverse("audit:entries"), {"action": "document.return"}).text.split("<tbody>")[1]
        assert "初审退回" in text
        assert "原状态：已登记" in text
        assert "新状态：初审退回" in text
        assert "理由：缺少附件" in text
        assert "登记收文" not in text  # filtered to the one operation

    def test_excel_export_follows_the_filters(self, auditor: User, clerk: User) -> None:

        response = client_for(auditor).get(reverse("audit:entries"), {"action": "user.", "format": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = xlsx_sheet(response.getvalue())
        assert "筛选条件：操作：【用户与角色】全部" in str(sheet.cell(row=1, column=1).value)
        operations = {row[3] for row in sheet.iter_rows(min_row=3, values_only=True)}
        assert operations == {"创建用户", "修改角色"}


@pytest.mark.django_db
class TestReadsThatMatter:
    def test_opening_the_log_and_exporting_it_are_recorded(self, auditor: User) -> None:
        client_for(auditor).get(reverse("audit:entries"))
        client_for(auditor).get(reverse("audit:entries"), {"format": "xlsx", "action": "auth."})
        assert AuditEntry.objects.filter(action="audit.view", actor_id=auditor.pk).exists()
        assert AuditEntry.objects.get(action="export.audit").data == {"action": "auth."}

    def test_logout_is_recorded(self, clerk: User) -> None:
        client_for(clerk).post(reverse("core:logout"))
        assert AuditEntry.objects.filter(action="auth.logout", actor_id=clerk.pk).exists()

    def test_idle_logout_is_recorded(self, clerk: User, settings: Settings) -> None:
        from shuniu.core.middleware import SESSION_KEY

        client = client_for(clerk)
        session = client.session
        session[SESSION_KEY] = 0.0  # long ago
        session.save()
        client.get(reverse("board:workbench"))
        assert AuditEntry.objects.filter(action="auth.idle_logout", actor_id=clerk.pk).exists()

    def test_a_classified_document_page_is_recorded_and_an_ordinary_one_is_not(self, director: User) -> None:
        from shuniu.documents import services

        plain = services.document_register(actor=director, received_at=timezone.now(), source_org="市委", title="普通")
        secret = services.document_register(
            actor=director,
            received_at=timezone.now(),
            source_org="市委",
            title="秘密件",
            secrecy=1,
            secrecy_term="10年",
        )
        for document in (plain, secret):
            client_for(director).get(reverse("documents:detail", args=[document.pk]))
        viewed = set(AuditEntry.objects.filter(action="document.view").values_list("object_id", flat=True))
        assert viewed == {str(secret.pk)}

    def test_register_and_directory_exports_are_recorded(self, clerk: User) -> None:
        client_for(clerk).get(reverse("documents:register_export", args=["xlsx"]))
        client_for(clerk).get(reverse("core:directory_export"))
        assert {"export.register", "export.directory"} <= set(AuditEntry.objects.values_list("action", flat=True))


@pytest.mark.django_db
def test_the_auditor_sees_the_logs_extent_and_a_removed_entry(auditor: User) -> None:
    with transaction.atomic():
        for i in range(3):
            audit.record(actor=None, action="x.y", data={"i": i})
    text = client_for(auditor).get(reverse("audit:entries")).text
    assert "最早一条为" in text
    assert "至少保存 180 天" in text
    assert "序号不连续" not in text
    from django.db import connection

    middle = AuditEntry.objects.order_by("seq")[1]
    from shuniu.audit import triggers

    with triggers.lifted(connection), connection.cursor() as cursor:  # what an intruder with the database does
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [middle.pk])
        assert "触发器不在" in client_for(auditor).get(reverse("audit:entries")).text
    text = client_for(auditor).get(reverse("audit:entries")).text
    assert "序号不连续" in text
    assert "触发器不在" not in text


@pytest.mark.django_db
def test_the_log_names_a_classified_document_by_number_only(auditor: User, director: User) -> None:
    from shuniu.documents import services

    secret = services.document_register(
        actor=director,
        received_at=timezone.now(),
        source_org="市委",
        title="绝不外传的标题",
        secrecy=1,
        secrecy_term="10年",
    )
    text = client_for(auditor).get(reverse("audit:entries")).text  # the auditor's clearance: none
    assert secret.reg_number in text
    assert "绝不外传的标题" not in text


@pytest.mark.django_db
def test_the_auditor_is_warned_of_days_without_a_checkpoint(auditor: User) -> None:
    from django.db import connection

    from shuniu.audit import triggers
    from shuniu.audit.models import AuditCheckpoint
    from shuniu.audit.services import checkpoint_make

    now = timezone.now()
    with transaction.atomic():
        audit.record(actor=None, action="x.y", data={})
    assert "检查点有" not in client_for(auditor).get(reverse("audit:entries")).text  # a young log misses none
    # The log began ten days ago; the worker made checkpoints on the next two nights, then stopped.
    with triggers.lifted(connection):
        AuditEntry.objects.update(at=now - dt.timedelta(days=10))
        for days_ago in (9, 8):
            made = checkpoint_make()
            AuditCheckpoint.objects.filter(pk=made.pk).update(made_at=now - dt.timedelta(days=days_ago))
    assert "审计检查点有 1 段超过 36 小时的空缺" in client_for(auditor).get(reverse("audit:entries")).text
    checkpoint_make()  # the worker runs again: the spell without one stays on record
    assert "审计检查点有 1 段" in client_for(auditor).get(reverse("audit:entries")).text
