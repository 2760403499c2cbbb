import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from shuniu.audit.models import AuditEntry
from shuniu.core.models import Role, User
from shuniu.core.testing import client_for, xlsx_sheet
from shuniu.documents import services
from shuniu.documents.models import CopyState, Document, Reading, Status, Urgency

from .conftest import PDF, Register, set_windows


def form(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "source_org": "市委办公室",
        "source_number": "市委办发〔2026〕7号",
        "title": "关于做好年终岁末安全稳定工作的通知",
        "urgency": "normal",
        "kind": "read",
        "secrecy": 0,
        "copies_received": 2,
        "pages": 4,
    }
    data.update(extra)
    return data


@pytest.mark.django_db
class TestRegistrationPages:
    URL = reverse("documents:new")

    def test_clerk_registers_with_an_attachment(self, clerk: User, settings: Settings, tmp_path: Path) -> None:
        settings.VAR_DIR = tmp_path
        data = form(uploads=SimpleUploadedFile("正文.pdf", PDF, content_type="application/pdf"))
        response = client_for(clerk).post(self.URL, data)
        assert response.status_code == 302
        document = Document.objects.get()
        assert document.attachments.count() == 1
        download = client_for(clerk).get(
            reverse("documents:attachment", args=[document.pk, document.attachments.get().pk])
        )
        assert download.getvalue() == PDF

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"title": ""}, "请填写标题"),
            ({"urgency": "flash"}, "必须填写办理时限"),
            ({"received_at": "昨天"}, "时间格式不正确"),
            (
                {"uploads": SimpleUploadedFile("a.pdf", b"GIF89a....", content_type="application/pdf")},
                "不是 PDF、OFD、PNG、JPEG",
            ),
            ({"secrecy": 1, "uploads": SimpleUploadedFile("a.pdf", PDF)}, "不得上传附件"),
        ],
    )
    def test_bad_input_gets_a_message_and_saves_nothing(
        self, clerk: User, extra: dict[str, object], message: str, settings: Settings, tmp_path: Path
    ) -> None:
        settings.VAR_DIR = tmp_path
        response = client_for(clerk).post(self.URL, form(**extra))
        assert response.status_code == 200
        assert message in response.text
        assert not Document.objects.exists()

    def test_duplicate_is_shown_and_needs_the_tick(self, clerk: User, register: Register) -> None:
        original = register(source_org="市委办公室", source_number="市委办发〔2026〕7号")
        client = client_for(clerk)
        response = client.post(self.URL, form())
        assert original.reg_number in response.text
        assert 'type="checkbox" name="confirm"' in response.text
        assert Document.objects.count() == 1
        assert client.post(self.URL, form(confirm="on")).status_code == 302
        assert Document.objects.count() == 2

    def test_only_staff_register(self, leader: User, outsider: User) -> None:
        assert client_for(leader).post(self.URL, form()).status_code == 403
        assert client_for(outsider).get(self.URL).status_code == 403
        assert not Document.objects.exists()


@pytest.mark.django_db
class TestPermissions:
    @pytest.mark.parametrize("name", ["documents:detail", "documents:slip"])
    def test_outsider_and_uninvolved_leader_get_404_or_403(
        self, circulating: Document, outsider: User, request: pytest.FixtureRequest, name: str
    ) -> None:
        other_leader = request.getfixturevalue("leader2")
        url = reverse(name, args=[circulating.pk])
        assert client_for(outsider).get(url).status_code in (403, 404)  # a liaison opens only their unit's
        Reading.objects.filter(document=circulating, leader=other_leader).delete()
        status = client_for(other_leader).get(url).status_code
        assert status in (403, 404)

    def test_leader_sees_a_document_routed_to_them(self, circulating: Document, leader: User) -> None:
        assert client_for(leader).get(reverse("documents:detail", args=[circulating.pk])).status_code == 200

    def test_a_leader_cannot_approve(self, register: Register, clerk: User, leader: User) -> None:
        doc = register()
        services.proposal_submit(document=doc, readers=[leader], actor=clerk)
        assert (
            client_for(leader).post(reverse("documents:approve", args=[doc.pk]), {"copies_allowed": 1}).status_code
            == 403
        )
        assert (
            client_for(clerk).post(reverse("documents:approve", args=[doc.pk]), {"copies_allowed": 1}).status_code
            == 403
        )
        doc.refresh_from_db()
        assert doc.status == Status.PROPOSED

    @pytest.mark.parametrize("name", ["documents:approve", "documents:close", "documents:return"])
    def test_mutations_reject_get(self, director: User, circulating: Document, name: str) -> None:
        assert client_for(director).get(reverse(name, args=[circulating.pk])).status_code == 405


@pytest.mark.django_db
class TestCirculationPages:
    def test_proposal_form_with_suggestions(
        self, clerk: User, register: Register, leader: User, director: User, always_in: None
    ) -> None:
        past = register("关于做好冬季安全生产工作的通知（一）")
        services.proposal_submit(document=past, readers=[leader], actor=clerk)
        services.proposal_approve(document=past, actor=director)
        doc = register("关于做好冬季安全生产工作的通知（二）")
        response = client_for(clerk).get(reverse("documents:propose", args=[doc.pk]))
        assert leader.full_name in response.text.split('id="suggested-readers"')[1][:400]

    def test_leader_signs_from_the_desk(self, circulating: Document, leader: User, clerk: User) -> None:
        copy = circulating.copies.get(state=CopyState.TO_DELIVER)
        client_for(clerk).post(reverse("documents:deliver", args=[copy.pk]))
        client = client_for(leader)
        desk = client.get(reverse("documents:desk"))
        assert circulating.title in desk.text
        reading = Reading.objects.get(document=circulating, leader=leader)
        response = client.post(
            reverse("documents:sign", args=[reading.pk]), {"instruction": "同意", "requires_action": ""}
        )
        assert response.status_code == 302
        reading.refresh_from_db()
        assert reading.signed_at is not None
        assert reading.instruction == "同意"
        again = client.post(reverse("documents:sign", args=[reading.pk]), {"instruction": "再签"})
        assert "不能重复签阅" in again.text

    def test_a_full_desk_is_read_a_page_at_a_time_most_urgent_first(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        always_in: None,
        django_assert_num_queries: DjangoAssertNumQueries,
    ) -> None:
        for i in range(32):
            doc = register(f"文件{i}", urgency=Urgency.URGENT if i == 31 else Urgency.NORMAL)
            services.proposal_submit(document=doc, readers=[leader], actor=clerk)
            services.proposal_approve(document=doc, actor=director)
            services.copy_deliver(copy=doc.copies.get(), actor=clerk)
        urgent = doc
        client = client_for(leader)
        client.get(reverse("documents:desk"))
        with django_assert_num_queries(6):  # the page carries the desk's count: no query apart for it
            first = client.get(reverse("documents:desk")).text
        assert first.count("list-group-item-action") == 30
        assert '<span class="badge text-bg-secondary">32</span>' in first  # the whole desk, counted
        assert first.index("文件31") < first.index("文件0")  # the urgent one heads the first page
        assert f"{urgent.reg_number} · {urgent.source_org}" in first  # its number, from the row's values
        second = client.get(reverse("documents:desk") + "?page=2").text
        assert second.count("list-group-item-action") == 2
        assert "上一页" in second
        assert '<span class="badge text-bg-secondary">32</span>' in second
        beyond = client.get(reverse("documents:desk") + "?page=9").text  # past the end: counted apart
        assert "没有待阅文件" in beyond
        assert '<span class="badge text-bg-secondary">32</span>' in beyond

    def test_desk_query_count_does_not_grow(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        always_in: None,
        django_assert_num_queries: DjangoAssertNumQueries,
    ) -> None:
        for i in range(12):
            doc = register(f"文件{i}")
            services.proposal_submit(document=doc, readers=[leader], actor=clerk)
            services.proposal_approve(document=doc, actor=director)
            services.copy_deliver(copy=doc.copies.get(), actor=clerk)
        client = client_for(leader)
        client.get(reverse("documents:desk"))
        # the session, the user, the roles, the menu's counts, the delegations both ways, the page of copies
        with django_assert_num_queries(6):
            response = client.get(reverse("documents:desk"))
        assert response.text.count("list-group-item-action") == 12

    def test_register_query_count_does_not_grow(
        self, register: Register, clerk: User, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        for i in range(30):
            register(f"文件{i}")
        client = client_for(clerk)
        client.get(reverse("documents:register"))
        with django_assert_max_num_queries(8):
            response = client.get(reverse("documents:register"))
        assert response.text.count("收〔") >= 30

    def test_register_rows_show_each_change_at_once(self, register: Register, clerk: User) -> None:
        document = register("关于冬季防火的通知", urgency=Urgency.FLASH, secrecy=1, source_number="市委发〔2026〕3号")
        clerk.clearance = 1
        clerk.save(update_fields=["clearance"])
        client = client_for(clerk)
        row = client.get(reverse("documents:register")).text
        for shown in ("关于冬季防火的通知", "特急", "秘密", "市委发〔2026〕3号", document.reg_number, "已登记"):
            assert shown in row
        assert "待转督办" not in row
        Document.objects.filter(pk=document.pk).update(
            title="关于冬季防火的补充通知", urgency=Urgency.NORMAL, needs_supervision=True, status=Status.CLOSED
        )
        again = client.get(reverse("documents:register")).text  # the row's HTML is remembered for its values
        assert "关于冬季防火的补充通知" in again
        assert "特急" not in again
        assert "待转督办" in again
        assert "已办结" in again

    def test_printouts(self, circulating: Document, clerk: User) -> None:
        client = client_for(clerk)
        for url in (
            reverse("documents:slip", args=[circulating.pk]),
            reverse("documents:register_export", args=["pdf"]),
            reverse("documents:deliveries") + "?format=pdf",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.content.startswith(b"%PDF"), url
        xlsx = client.get(reverse("documents:register_export", args=["xlsx"]))
        sheet = xlsx_sheet(xlsx.getvalue())
        assert sheet["A2"].value == circulating.reg_number
        assert isinstance(sheet["B2"].value, dt.datetime)  # a real date, not text

    def test_figures_page(self, circulating: Document, clerk: User, leader: User) -> None:
        assert "传阅用时" in client_for(clerk).get(reverse("documents:figures")).text
        assert client_for(leader).get(reverse("documents:figures")).status_code == 403


@pytest.mark.django_db
def test_delivery_list_splits_this_run_from_the_next(
    register: Register, clerk: User, director: User, leader: User, leader2: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    doc_in = register("送在的领导")
    doc_out = register("送不在的领导")
    services.proposal_submit(document=doc_in, readers=[leader], actor=clerk)
    services.proposal_submit(document=doc_out, readers=[leader2], actor=clerk)
    back = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    set_windows(monkeypatch, {leader2.pk: back})
    services.proposal_approve(document=doc_in, actor=director)
    services.proposal_approve(document=doc_out, actor=director)
    response = client_for(clerk).get(reverse("documents:deliveries"))
    runs = response.context["runs"]
    assert [item["copy"].document for item in runs["now"]] == [doc_in]
    assert [(item["copy"].document, item["when"]) for item in runs["later"]] == [(doc_out, back)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("documents:register", "get"),
        ("documents:new", "get"),
        ("documents:desk", "get"),
        ("documents:deliveries", "get"),
        ("documents:figures", "get"),
        ("documents:delegate", "get"),
        ("documents:detail", "get"),
        ("documents:slip", "get"),
        ("documents:propose", "get"),
        ("documents:return", "post"),
        ("documents:reopen", "post"),
        ("documents:approve", "post"),
        ("documents:send_back", "post"),
        ("documents:close", "post"),
        ("documents:archive", "post"),
        ("documents:sign", "post"),
        ("documents:paper_sign", "post"),
        ("documents:pin", "post"),
        ("documents:deliver", "post"),
        ("documents:collect", "post"),
        ("documents:take_back", "post"),
    ],
)
def test_the_outsider_gets_nothing_from_any_document_page(
    circulating: Document, outsider: User, name: str, method: str
) -> None:
    from django.urls import NoReverseMatch

    copy = circulating.copies.first()
    reading = circulating.readings.first()
    assert copy is not None
    assert reading is not None
    for args in ([], [circulating.pk], [reading.pk], [copy.pk]):
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        response = getattr(client_for(outsider), method)(url)
        assert response.status_code in (403, 404), (name, response.status_code)
        break
    circulating.refresh_from_db()
    assert circulating.status == Status.CIRCULATING


@pytest.mark.django_db
def test_leader_delegates_the_desk_through_the_form(
    circulating: Document, leader: User, leader2: User, clerk: User
) -> None:
    import datetime as dt

    now = timezone.localtime()
    client = client_for(leader)
    bad = client.post(
        reverse("documents:delegate"),
        {
            "leader": leader.pk,
            "acting": leader.pk,
            "start": now.strftime("%Y-%m-%dT%H:%M"),
            "end": now.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "不能委托给本人" in bad.text or "结束时间必须晚于开始时间" in bad.text
    response = client.post(
        reverse("documents:delegate"),
        {
            "leader": leader.pk,
            "acting": leader2.pk,
            "start": (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "end": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=clerk)
    desk = client_for(leader2).get(reverse("documents:desk"))
    assert circulating.title in desk.text
    assert "代 领导1 阅" in desk.text
    assert "您正受 <strong>领导1</strong> 委托代阅" in desk.text
    own = client_for(leader).get(reverse("documents:desk")).text
    assert "您的文件正由 <strong>领导2</strong> 代阅" in own
    assert circulating.title in own
    assert "代 领导1 阅" not in own  # the same copy's row, remembered for leader2 with the note, is another row here
    assert "撤销委托" in own
    page = client_for(leader).get(reverse("documents:delegate")).text
    assert "正在代阅" in page
    assert 'name="leader"' not in page


@pytest.mark.django_db
class TestClearanceEverywhere:
    """A copy of a classified document is invisible, in every list, to staff below its level."""

    @pytest.fixture
    def secret(
        self, register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
    ) -> Document:
        document = register("绝密级测试文件标题", urgency="urgent", secrecy=1)
        services.proposal_submit(document=document, readers=[leader2], actor=director)
        services.proposal_approve(document=document, actor=director)
        copy = document.copies.get()
        services.copy_deliver(copy=copy, actor=director)
        return document

    def test_delivery_list_stuck_copies_and_figures_stop_at_clearance(
        self, secret: Document, clerk: User, director: User, settings: Settings
    ) -> None:
        settings.STUCK_COPY_HOURS = 1
        from shuniu.documents.models import Copy

        Copy.objects.filter(document=secret).update(since=timezone.now() - dt.timedelta(hours=5))
        for url in (reverse("documents:deliveries"), reverse("documents:figures")):
            assert secret.reg_number in client_for(director).get(url).text, url  # a stuck copy
            assert secret.reg_number not in client_for(clerk).get(url).text, url
        assert "领导2" not in client_for(clerk).get(reverse("documents:figures")).text  # no backlog from it

    def test_the_workbench_counts_only_what_the_viewer_may_see(
        self, secret: Document, clerk: User, director: User
    ) -> None:
        from shuniu.documents.selectors import office_counts

        assert office_counts(director)["circulating"] == 1
        assert office_counts(clerk)["circulating"] == 0


@pytest.mark.django_db
class TestWorkbenchPanels:
    def test_director_has_awaiting_approval_one_click_away(
        self, register: Register, clerk: User, director: User, leader: User
    ) -> None:
        urgent = register("急件待批", urgency="urgent")
        services.proposal_submit(document=urgent, readers=[leader], actor=clerk)
        hidden = register("绝密待批", secrecy=3)
        Document.objects.filter(pk=hidden.pk).update(status=Status.PROPOSED)
        text = client_for(director).get(reverse("board:workbench")).text
        assert "待我审批" in text
        assert "急件待批" in text
        assert reverse("documents:detail", args=[urgent.pk]) in text
        assert "绝密待批" not in text
        assert '待我审批 <span class="badge text-bg-warning">1</span>' in text  # counted as listed: not the 绝密
        for n in range(6):
            services.proposal_submit(document=register(f"第{n}件待批"), readers=[leader], actor=clerk)
        text = client_for(director).get(reverse("board:workbench")).text
        assert '待我审批 <span class="badge text-bg-warning">7</span>' in text
        assert "全部 7 件" in text  # five shown
        assert "待我审批" not in client_for(clerk).get(reverse("board:workbench")).text

    def test_clerk_sees_what_was_sent_back_with_the_reason(
        self, register: Register, clerk: User, director: User, leader: User
    ) -> None:
        document = register("退回的文件")
        services.proposal_submit(document=document, readers=[leader], actor=clerk)
        services.proposal_send_back(document=document, reason="请增加分管副县长", actor=director)
        text = client_for(clerk).get(reverse("board:workbench")).text
        assert "已退回，待修改拟办" in text
        assert "请增加分管副县长" in text
        assert reverse("documents:propose", args=[document.pk]) in text


@pytest.mark.django_db
class TestMyInstructions:
    def test_a_leader_finds_their_own_instructions(
        self, circulating: Document, clerk: User, leader: User, leader2: User
    ) -> None:
        first = circulating.copies.get(state=CopyState.TO_DELIVER)
        services.copy_deliver(copy=first, actor=clerk)
        reading = Reading.objects.get(document=circulating, leader=leader)
        services.reading_sign(reading=reading, actor=leader, instruction="请应急局牵头落实", requires_action=True)
        url = reverse("documents:instructions")
        text = client_for(leader).get(url).text
        assert "请应急局牵头落实" in text
        assert "要求办理" in text
        assert "请应急局牵头落实" not in client_for(leader).get(url, {"q": "财政"}).text
        assert "请应急局牵头落实" in client_for(leader).get(url, {"q": "应急"}).text
        assert "请应急局牵头落实" not in client_for(leader2).get(url).text
        assert client_for(clerk).get(url).status_code == 403


@pytest.mark.django_db
class TestApprovalForecast:
    def test_the_director_is_warned_before_approving_a_late_plan(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        leader2: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # Both leaders are away for two days; the deadline is tomorrow.
        back = timezone.now() + dt.timedelta(days=2)
        set_windows(monkeypatch, {leader.pk: back, leader2.pk: back})
        document = register("急件", urgency="urgent", deadline=timezone.now() + dt.timedelta(days=1))
        services.proposal_submit(document=document, readers=[leader, leader2], actor=clerk)
        text = client_for(director).get(reverse("documents:detail", args=[document.pk])).text
        assert "晚于办理时限" in text
        assert "增加到 2 份" in text

    def test_no_warning_when_the_plan_meets_the_deadline(
        self, register: Register, clerk: User, director: User, leader: User, always_in: None
    ) -> None:
        document = register("急件", urgency="urgent", deadline=timezone.now() + dt.timedelta(days=2))
        services.proposal_submit(document=document, readers=[leader], actor=clerk)
        text = client_for(director).get(reverse("documents:detail", args=[document.pk])).text
        assert "晚于办理时限" not in text
        assert "传阅完毕（办理时限" in text


@pytest.mark.django_db
class TestCorrectionAndReproposal:
    def test_a_registered_document_is_corrected_and_the_change_recorded(self, register: Register, clerk: User) -> None:
        document = register("关于做好冬季防火工作的通和")
        url = reverse("documents:correct", args=[document.pk])
        data = form(title="关于做好冬季防火工作的通知", reason="标题录入有误")
        data["received_at"] = timezone.localtime(document.received_at).strftime("%Y-%m-%dT%H:%M")
        data["source_number"] = ""
        data["copies_received"], data["pages"] = 1, 1
        no_reason = client_for(clerk).post(url, {**data, "reason": ""})
        assert "请填写更正说明" in no_reason.text
        document.refresh_from_db()
        assert document.title.endswith("通和")  # nothing changed
        response = client_for(clerk).post(url, data, follow=True)
        document.refresh_from_db()
        assert document.title == "关于做好冬季防火工作的通知"
        assert document.status == Status.REGISTERED
        assert "已更正" in response.text
        assert "更正登记" in response.text
        assert "标题录入有误" in response.text
        entry = AuditEntry.objects.get(action="document.correct")
        assert entry.data["changes"]["title"] == ["关于做好冬季防火工作的通和", "关于做好冬季防火工作的通知"]
        again = client_for(clerk).post(url, data)
        assert "没有修改任何内容" in again.text

    def test_no_correction_once_circulating(self, circulating: Document, clerk: User) -> None:
        response = client_for(clerk).get(reverse("documents:correct", args=[circulating.pk]), follow=True)
        assert "不能更正登记信息" in response.text
        assert reverse("documents:correct", args=[circulating.pk]) not in response.text

    def test_the_year_of_receipt_cannot_change(self, register: Register, clerk: User) -> None:
        document = register()
        with pytest.raises(ValidationError, match="收文年度不能更改"):
            services.document_correct(
                document=document,
                actor=clerk,
                reason="时间有误",
                received_at=document.received_at.replace(year=document.reg_year - 1),
            )

    def test_modifying_a_submitted_proposal_works(
        self, register: Register, clerk: User, leader: User, leader2: User
    ) -> None:
        document = register()
        services.proposal_submit(document=document, readers=[leader], actor=clerk)
        url = reverse("documents:propose", args=[document.pk])
        page = client_for(clerk).get(url)
        assert page.status_code == 200
        response = client_for(clerk).post(url, {"readers": [leader.pk, leader2.pk], "copies_allowed": 1})
        assert response.status_code == 302, response.text
        assert set(document.readings.values_list("leader_id", flat=True)) == {leader.pk, leader2.pk}
        document.refresh_from_db()
        assert document.status == Status.PROPOSED


@pytest.mark.django_db
def test_a_chosen_attachment_survives_a_form_error(clerk: User, settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    client = client_for(clerk)
    upload = SimpleUploadedFile("正文.pdf", PDF, content_type="application/pdf")
    first = client.post(reverse("documents:new"), form(title="", uploads=upload))
    assert "请填写标题" in first.text
    assert "已选附件已保留" in first.text
    assert "正文.pdf" in first.text
    assert not Document.objects.exists()
    token = first.context["form"].data["kept"]
    second = client.post(reverse("documents:new"), form(kept=token))
    assert second.status_code == 302
    document = Document.objects.get()
    assert [a.name for a in document.attachments.all()] == ["正文.pdf"]
    forged = client.post(reverse("documents:new"), form(kept=token + "x", source_number="另一号"))
    assert "先前选择的附件已失效" in forged.text
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_a_registration_in_year_one_is_refused_in_chinese(clerk: User) -> None:
    response = client_for(clerk).post(reverse("documents:new"), form(received_at="0001-01-01T00:00"))
    assert response.status_code == 200
    assert "日期应在 2000 年至 2100 年之间" in response.text
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_supervision_staff_are_offered_the_registration(circulating: Document, clerk: User, leader: User) -> None:
    from shuniu.core.models import InboxItem
    from shuniu.core.testing import make_user

    supervisor = make_user("dc", [Role.SUPERVISOR], full_name="督查员")
    services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=clerk)
    services.reading_sign(
        reading=Reading.objects.get(document=circulating, leader=leader),
        actor=leader,
        instruction="请应急局牵头",
        requires_action=True,
    )
    url = reverse("documents:detail", args=[circulating.pk])
    register = f"{reverse('supervision:new')}?document={circulating.pk}"
    assert register in client_for(supervisor).get(url).text  # 待转督办 opens the registration (supervision's tests)
    assert register not in client_for(clerk).get(url).text
    assert InboxItem.objects.get(recipient=supervisor, category="待转督办").done_at is None


@pytest.mark.django_db
def test_the_sign_page_says_why_instead_of_offering_a_form(circulating: Document, clerk: User, leader: User) -> None:
    services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=clerk)
    reading = Reading.objects.get(document=circulating, leader=leader)
    url = reverse("documents:sign", args=[reading.pk])
    clerk_page = client_for(clerk).get(url).text
    assert "您不是该领导，也未受其委托" in clerk_page
    assert "bi-pen" not in clerk_page
    assert "bi-pen" in client_for(leader).get(url).text
    services.reading_sign(reading=reading, actor=leader)
    again = client_for(leader).get(url).text
    assert "已于" in again
    assert "bi-pen" not in again


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "１２", "1900", "99999999999"])
def test_odd_years_in_a_register_export_are_not_a_500(clerk: User, year: str) -> None:
    response = client_for(clerk).get(reverse("documents:register_export", args=["xlsx"]), {"year": year})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_title_of_only_invisible_characters_is_empty(clerk: User) -> None:
    response = client_for(clerk).post(reverse("documents:new"), form(title="\u200b\u200b\ufeff"))
    assert "不能为空" in response.text
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_copy_actions_never_redirect_elsewhere(circulating: Document, clerk: User) -> None:
    copy = circulating.copies.get(state=CopyState.TO_DELIVER)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client_for(clerk).post(reverse("documents:deliver", args=[copy.pk]), {"next": target})
        assert response["Location"] == reverse("documents:deliveries"), target


@pytest.mark.django_db
def test_exported_register_keeps_formula_looking_text_as_text(register: Register, clerk: User) -> None:
    register('=HYPERLINK("http://evil","点我")')
    response = client_for(clerk).get(reverse("documents:register_export", args=["xlsx"]))
    from shuniu.core.testing import xlsx_sheet

    sheet = xlsx_sheet(response.getvalue())
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells
    assert all(c.data_type == "s" for c in cells)
