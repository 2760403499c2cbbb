"""Petitions after the written opinion: review (复查, art. 35) and re-review (复核, art. 36) with their clocks,
a hearing not counted, and a final matter not accepted again; leaders (包案, 批示 → 督办); order flags and
contacts (art. 26); stepping aside (art. 28)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.deadlines import clock_of
from shuniu.core.drafts import draft_save
from shuniu.core.files import Upload
from shuniu.core.models import CalendarYear, Draft, InboxItem, LeaderProfile, Role, Unit, UnitKind, User, Village
from shuniu.core.tasks import purge_drafts
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.petitions import services
from shuniu.petitions.models import Petition, Recusal, Reply, Stage, Status
from shuniu.petitions.selectors import Person, petitions_for
from shuniu.supervision.services import matter_register

ID = "11010519491231002X"
TZ = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


@pytest.fixture(autouse=True)
def next_year_declared(db: None) -> None:
    CalendarYear.objects.get_or_create(year=timezone.localdate().year + 1, defaults={"note": "测试"})


@pytest.fixture
def officer(db: None) -> User:
    return make_user(
        "officer", [Role.PETITION_OFFICER], full_name="孙接待", unit=make_unit("信访接待室", UnitKind.SECTION)
    )


@pytest.fixture
def township(db: None) -> Unit:
    return make_unit("石门乡", UnitKind.TOWNSHIP)


@pytest.fixture
def xz(township: Unit) -> User:
    return make_user("xz", [Role.LIAISON], full_name="乡联络员", unit=township)


@pytest.fixture
def county(db: None) -> Unit:
    return make_unit("县人民政府办公室", UnitKind.DEPARTMENT)


@pytest.fixture
def gov(county: Unit) -> User:
    return make_user("gov", [Role.LIAISON], full_name="政府办联络员", unit=county)


def register(officer: User, township: Unit, *, received: dt.datetime | None = None, **kw: object) -> Petition:
    village = Village.objects.get_or_create(township=township, name="东风村")[0]
    fields: dict[str, object] = {
        "channel": "visit",
        "received_at": received or timezone.now() - dt.timedelta(hours=1),
        "category": "request",
        "topic": "land",
        "summary": "征地补偿款未发放。",
        "appeal": "请求发放。",
        "people": [Person("张建国", ID, "13812345678", township, village, "东风村三组")],
        "new_matter_confirmed": True,
    } | kw
    return services.petition_register(actor=officer, **fields)  # type: ignore[arg-type]


def replied(officer: User, township: Unit, xz: User, *, on: dt.datetime | None = None, **kw: Any) -> Petition:
    petition = register(officer, township, **kw)
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
    services.petition_reply(petition=petition, actor=xz, text="补偿款已拨付。", now=on)
    petition.refresh_from_db()
    return petition


def open_categories(user: User) -> list[str]:
    return sorted(InboxItem.objects.filter(recipient=user, done_at__isnull=True).values_list("category", flat=True))


@pytest.mark.django_db
def test_review_then_re_review_with_a_hearing_then_final(
    officer: User, township: Unit, xz: User, county: Unit, gov: User
) -> None:
    petition = replied(officer, township, xz)
    today = timezone.localdate()
    services.petition_close(petition=petition, actor=officer, satisfaction="dissatisfied")
    with pytest.raises(ValidationError, match="上一级机关"):  # the township does not review itself
        services.petition_review_request(
            petition=petition, actor=officer, stage="review", body=township, reason="不服", delivered_on=today
        )
    with pytest.raises(ValidationError, match="尚无复查意见"):
        services.petition_review_request(
            petition=petition, actor=officer, stage="rereview", body=county, reason="不服", delivered_on=today
        )
    services.petition_review_request(
        petition=petition, actor=officer, stage="review", body=county, reason="补偿标准过低", delivered_on=today
    )
    petition.refresh_from_db()
    assert petition.status == Status.REVIEW
    clock = clock_of(petition, "复查期限")
    assert clock is not None
    assert clock.amount == 30
    assert open_categories(gov) == ["信访事项待复查"]
    with pytest.raises(ValidationError, match="已请求过复查"):
        services.petition_review_request(
            petition=petition, actor=officer, stage="review", body=county, reason="再次", delivered_on=today
        )
    # The unit that gave the first opinion does not review itself; the body named does.
    with pytest.raises(ValidationError, match="县人民政府办公室的联络员"):
        services.petition_review_answer(petition=petition, actor=xz, text="维持")
    assert client_for(gov).get(reverse("petitions:detail", args=[petition.pk])).status_code == 200
    client_for(gov).post(reverse("petitions:review_answer", args=[petition.pk]), {"text": "经复查，维持原处理意见。"})
    petition.refresh_from_db()
    assert petition.status == Status.REVIEWED
    assert clock_of(petition, "复查期限").stopped_at is not None  # type: ignore[union-attr]
    assert list(petition.replies.values_list("stage", flat=True).order_by("at")) == [Stage.HANDLING, Stage.REVIEW]
    assert open_categories(gov) == []
    with pytest.raises(ValidationError, match="上一级机关"):  # not the body that reviewed
        services.petition_review_request(
            petition=petition, actor=officer, stage="rereview", body=county, reason="仍不服", delivered_on=today
        )
    city = make_unit("县人民政府", UnitKind.DEPARTMENT)
    mayor_office = make_user("city", [Role.LIAISON], full_name="县政府联络员", unit=city)
    services.petition_review_request(
        petition=petition, actor=officer, stage="rereview", body=city, reason="仍不服", delivered_on=today
    )
    petition.refresh_from_db()
    rereview = clock_of(petition, "复核期限")
    assert rereview is not None
    due = rereview.due_at
    # A hearing: the clock waits, and the days it took do not count.
    with pytest.raises(ValidationError, match="听证安排"):
        services.petition_hearing(petition=petition, actor=officer, start=True, note="")
    services.petition_hearing(petition=petition, actor=officer, start=True, note="12月3日在县信访局听证")
    rereview.refresh_from_db()
    assert rereview.paused_at is not None
    page = client_for(officer).get(reverse("petitions:detail", args=[petition.pk])).text
    assert "听证期间不计入复核期限" in page
    services.petition_hearing(petition=petition, actor=officer, start=False)
    rereview.refresh_from_db()
    assert rereview.paused_at is None
    assert rereview.due_at == due
    services.petition_review_answer(petition=petition, actor=mayor_office, text="经复核，维持复查意见。")
    petition.refresh_from_db()
    assert petition.status == Status.FINAL
    # The same matter again: registered, linked, but not accepted (art. 36).
    again = register(officer, township, repeat_of=petition)
    with pytest.raises(ValidationError, match="不再受理"):
        services.petition_decide(petition=again, actor=officer, decision="accept", note="")
    again.refresh_from_db()
    assert again.status == Status.REGISTERED
    assert "不再受理" in client_for(officer).get(reverse("petitions:detail", args=[again.pk])).text
    services.petition_decide(
        petition=again, actor=officer, decision="decline", note="已复核终结，同一事实和理由不再受理"
    )
    again.refresh_from_db()
    assert again.status == Status.NOT_ACCEPTED


@pytest.mark.django_db
def test_review_is_asked_within_thirty_days_rolled_past_the_national_day(
    officer: User, township: Unit, xz: User, county: Unit
) -> None:
    """Received on 3 September: day 30 is 3 October, inside the holiday, so the last day is 8 October."""
    petition = replied(officer, township, xz, on=at(dt.date(2026, 9, 2)), received=at(dt.date(2026, 8, 20)))
    ask: dict[str, Any] = {"petition": petition, "actor": officer, "stage": "review", "body": county, "reason": "不服"}
    with pytest.raises(ValidationError, match="30 日内提出（至 2026年10月8日）"):
        services.petition_review_request(**ask, delivered_on=dt.date(2026, 9, 3), requested_at=at(dt.date(2026, 10, 9)))
    with pytest.raises(ValidationError, match="收到书面意见的日期"):  # before the opinion was written
        services.petition_review_request(**ask, delivered_on=dt.date(2026, 9, 1), requested_at=at(dt.date(2026, 9, 5)))
    petition.refresh_from_db()
    assert petition.status == Status.REPLIED
    assert not petition.reviews.exists()
    services.petition_review_request(**ask, delivered_on=dt.date(2026, 9, 3), requested_at=at(dt.date(2026, 10, 8)))
    clock = clock_of(petition, "复查期限")
    assert clock is not None
    assert timezone.localtime(clock.due_at).date() == dt.date(2026, 11, 9)  # 7 November is a Saturday


@pytest.mark.django_db
def test_only_a_request_is_reviewed(officer: User, township: Unit, xz: User, county: Unit) -> None:
    petition = replied(officer, township, xz, category="advice")
    with pytest.raises(ValidationError, match="只适用于申诉求决"):
        services.petition_review_request(
            petition=petition,
            actor=officer,
            stage="review",
            body=county,
            reason="不服",
            delivered_on=timezone.localdate(),
        )


@pytest.fixture
def wang(db: None) -> User:
    user = make_user("wang", [Role.LEADER], full_name="王志强")
    LeaderProfile.objects.create(user=user, rank=3, post="县委副书记", responsibilities="党的建设")
    return user


@pytest.mark.django_db
def test_a_leader_holds_a_case_instructs_and_supervision_follows(
    officer: User, township: Unit, xz: User, wang: User
) -> None:
    petition = register(officer, township)
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
    other = make_user("li", [Role.LEADER], full_name="李副县长")
    supervisor = make_user("du", [Role.SUPERVISOR], full_name="督查员")
    assert not petitions_for(supervisor).filter(pk=petition.pk).exists()
    assert not petitions_for(wang).filter(pk=petition.pk).exists()
    services.petition_ask_leader(petition=petition, actor=officer, leader=wang, request="涉及多户，拟请乡政府限期解决")
    with pytest.raises(ValidationError, match="请勿重复呈报"):
        services.petition_ask_leader(petition=petition, actor=officer, leader=wang, request="再次")
    assert open_categories(wang) == ["信访事项请批示"]
    # Asked to instruct, the leader sees the matter but not the petitioner.
    page = client_for(wang).get(reverse("petitions:detail", args=[petition.pk])).text
    assert "征地补偿款未发放" in page
    assert "张建国" not in page
    instruction = petition.instructions.get()
    with pytest.raises(ValidationError, match="被呈报的领导"):
        services.petition_instruct(instruction=instruction, actor=other, text="同意")
    client_for(wang).post(
        reverse("petitions:instruct", args=[petition.pk, instruction.pk]),
        {"text": "请督查室跟踪，月底前解决到位。", "supervise": "on"},
    )
    petition.refresh_from_db()
    assert petition.needs_supervision
    assert open_categories(wang) == []
    assert "信访事项领导批示" in open_categories(xz)  # the handling unit hears the instruction
    assert open_categories(supervisor) == ["待转督办"]
    form = client_for(supervisor).get(reverse("supervision:new") + f"?petition={petition.pk}").text
    assert "请督查室跟踪" in form
    assert "张建国" not in form
    matter = matter_register(
        actor=supervisor,
        source="instruction",
        title=f"{petition.number} 征地补偿",
        content="征地补偿款未发放",
        lead_unit=township,
        instructing_leader=wang,
        deadline=timezone.now() + dt.timedelta(days=20),
        petition=petition,
    )
    petition.refresh_from_db()
    assert not petition.needs_supervision
    assert petition.instructions.get().matter == matter.number
    assert open_categories(supervisor) == []
    # Holding the case (包案), the leader sees its petitioners too.
    services.petition_lead(petition=petition, actor=officer, leader=wang)
    assert "张建国" in client_for(wang).get(reverse("petitions:detail", args=[petition.pk])).text
    with pytest.raises(ValidationError, match="请选择县领导"):
        services.petition_lead(petition=petition, actor=officer, leader=xz)


@pytest.mark.django_db
def test_order_flags_keep_the_matter_moving_and_contacts_name_a_township(
    officer: User, township: Unit, county: Unit
) -> None:
    petition = register(officer, township)
    now = timezone.now()
    with pytest.raises(ValidationError, match="第二十六条"):
        services.petition_flag(petition=petition, actor=officer, conduct="noisy", note="吵闹", at=now)
    services.petition_flag(petition=petition, actor=officer, conduct="loitering", note="下班后滞留接待室不走", at=now)
    petition.refresh_from_db()
    assert petition.status == Status.REGISTERED  # a flag never stops the matter
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    with pytest.raises(ValidationError, match="不是乡镇"):
        services.petition_contact(
            petition=petition, actor=officer, counterpart="township", unit=county, person="", at=now, note="通报"
        )
    services.petition_contact(
        petition=petition, actor=officer, counterpart="bureau", unit=county, person="刘科长", at=now, note="通报情况"
    )
    contact = petition.contacts.get()
    assert contact.unit is None  # the bureau is the bureau
    page = client_for(officer).get(reverse("petitions:detail", args=[petition.pk])).text
    assert "下班后滞留接待室不走" in page
    assert "县信访局" in page


@pytest.mark.django_db
def test_staff_who_step_aside_neither_see_nor_handle_the_matter(officer: User, township: Unit) -> None:
    petition = register(officer, township)
    colleague = make_user("zhou", [Role.PETITION_OFFICER], full_name="周接待")
    with pytest.raises(ValidationError, match="回避理由"):
        services.petition_recuse(petition=petition, actor=officer, user=colleague, reason=" ")
    client_for(officer).post(
        reverse("petitions:recuse", args=[petition.pk]), {"user": colleague.pk, "reason": "信访人系其亲属"}
    )
    assert petition.recusals.filter(user=colleague).exists()
    assert client_for(colleague).get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
    assert petition.number not in client_for(colleague).get(reverse("petitions:list")).text
    with pytest.raises(ValidationError, match="第二十八条"):
        services.petition_decide(petition=petition, actor=colleague, decision="accept", note="")


@pytest.mark.django_db
def test_a_reason_typed_with_a_phone_is_masked_in_the_audit_log(officer: User, township: Unit, xz: User) -> None:
    petition = register(officer, township)
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=30)
    services.petition_object(petition=petition, actor=xz, reason="应由县自然资源局办理，联系人电话13912345678")
    entry = AuditEntry.objects.filter(action="petition.object").get()
    assert "13912345678" not in str(entry.data)
    assert "139****5678" in str(entry.data)
    assert Reply.objects.count() == 0


@pytest.mark.django_db
def test_the_petitioner_enquires_with_the_code_and_rates_and_guessing_is_stopped(
    officer: User, township: Unit, xz: User
) -> None:
    petition = replied(officer, township, xz)
    code = petition.enquiry_code
    assert len(code) == 8
    assert petition.enquiry_index != code  # found by a keyed index
    client = Client()
    url = reverse("petitions:enquiry")
    assert client.get(url).status_code == 200  # open without a login
    wrong = client.post(url, {"number": petition.number, "code": "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"})
    assert "编号或查询码不正确" in wrong.text
    assert "征地补偿款" not in wrong.text
    page = client.post(url, {"number": f"{petition.year}-{petition.seq}", "code": f"{code[:4]}-{code[4:].lower()}"})
    assert "征地补偿款未发放" in page.text
    assert "补偿款已拨付" in page.text  # the written opinion
    assert "张建国" not in page.text
    assert "138" not in page.text
    assert "孙接待" not in page.text  # no staff names either
    rated = client.post(url, {"number": petition.number, "code": code, "satisfaction": "partly"})
    assert "感谢您的评价" in rated.text
    petition.refresh_from_db()
    assert (petition.status, petition.satisfaction) == (Status.CLOSED, "partly")
    again = client.post(url, {"number": petition.number, "code": code, "satisfaction": "dissatisfied"})
    assert "不在待评价状态" in again.text
    petition.refresh_from_db()
    assert petition.satisfaction == "partly"
    # Guessing: five wrong codes from one address, and then even the right one waits.
    for _ in range(5):
        client.post(url, {"number": petition.number, "code": "ZZZZZZZZ"})
    locked = client.post(url, {"number": petition.number, "code": code})
    assert "后再试" in locked.text
    assert "征地补偿款未发放" not in locked.text


@pytest.mark.django_db
def test_staff_find_a_callers_matters_by_id_phone_or_name(officer: User, township: Unit, xz: User) -> None:
    mine = register(officer, township)
    other = register(
        officer,
        township,
        summary="道路破损。",
        people=[Person("李四", "", "13900001111", township, None, "")],
    )
    listed = client_for(officer)
    url = reverse("petitions:list")
    for asked in (ID.lower(), "138-1234-5678", "张建"):
        text = listed.get(url, {"person": asked}).text
        assert mine.number in text
        assert other.number not in text
    assert other.number in listed.get(url, {"person": "13900001111"}).text
    # A unit's liaison searching by person finds nothing of the petitioners.
    services.petition_decide(petition=mine, actor=officer, decision="accept", note="")
    services.petition_assign(petition=mine, actor=officer, unit=township, days=30)
    text = client_for(xz).get(url, {"person": "张建国"}).text
    assert 'name="person"' not in text


@pytest.mark.django_db
def test_materials_contacts_and_reasons_stay_with_those_who_see_petitioners(
    officer: User, township: Unit, xz: User
) -> None:
    letter = Upload("来信.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    petition = register(officer, township, uploads=[letter])
    services.petition_contact(
        petition=petition,
        actor=officer,
        counterpart="bureau",
        unit=None,
        person="办信科",
        at=timezone.now(),
        note="张建国之子来电询问",
    )
    with pytest.raises(ValidationError, match="已经保存过"):  # a second click
        services.petition_contact(
            petition=petition,
            actor=officer,
            counterpart="bureau",
            unit=None,
            person="办信科",
            at=timezone.now(),
            note="张建国之子来电询问",
        )
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="经核，张建国所述不在本乡")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=30)
    attachment = petition.attachments.get()
    page = client_for(xz).get(reverse("petitions:detail", args=[petition.pk]))
    assert page.status_code == 200
    assert "来信.png" not in page.text
    assert "之子来电" not in page.text
    assert "不在本乡" not in page.text  # the history's reasons too
    assert client_for(xz).get(reverse("petitions:material", args=[petition.pk, attachment.pk])).status_code == 404
    assert client_for(officer).get(reverse("petitions:material", args=[petition.pk, attachment.pk])).status_code == 200


@pytest.mark.django_db
def test_stepping_aside_takes_back_what_was_sent_and_sends_nothing_more(
    officer: User, township: Unit, xz: User, wang: User
) -> None:
    colleague = make_user("zhou", [Role.PETITION_OFFICER], full_name="周接待")
    petition = replied(officer, township, xz)
    assert "信访答复待回访" in open_categories(colleague)
    services.petition_recuse(petition=petition, actor=officer, user=colleague, reason="信访人系其亲属")
    assert open_categories(colleague) == []
    with pytest.raises(ValidationError, match="已回避"):
        services.petition_recuse(petition=petition, actor=officer, user=colleague, reason="再次")
    services.petition_recuse(petition=petition, actor=officer, user=wang, reason="与信访人有亲属关系")
    with pytest.raises(ValidationError, match="已回避"):
        services.petition_lead(petition=petition, actor=officer, leader=wang)
    with pytest.raises(ValidationError, match="已回避"):
        services.petition_ask_leader(petition=petition, actor=officer, leader=wang, request="请示")
    county = make_unit("县民政局", UnitKind.DEPARTMENT)
    make_user("mz", [Role.LIAISON], unit=county)
    services.petition_review_request(
        petition=petition, actor=officer, stage="review", body=county, reason="不服", delivered_on=timezone.localdate()
    )
    assert open_categories(colleague) == []
    assert Recusal.objects.count() == 2


@pytest.mark.django_db
def test_an_instruction_becomes_one_matter_and_an_accusation_only_once_the_unit_is_not_the_accused(
    officer: User, township: Unit, xz: User, wang: User
) -> None:
    petition = register(officer, township, category="accusation", summary="反映某站所负责人违规收费。")
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=30, not_accused=True)
    asked = services.petition_ask_leader(petition=petition, actor=officer, leader=wang, request="请批示")
    services.petition_instruct(instruction=asked, actor=wang, text="请纪委监委核查", supervise=True)
    supervisor = make_user("du", [Role.SUPERVISOR], full_name="督查员")
    petition.refresh_from_db()
    fields: dict[str, Any] = {
        "actor": supervisor,
        "source": "instruction",
        "title": f"{petition.number} 违规收费",
        "content": "核查违规收费",
        "lead_unit": township,
        "instructing_leader": wang,
        "deadline": timezone.now() + dt.timedelta(days=20),
        "petition": petition,
    }
    with pytest.raises(ValidationError, match="第三十条"):
        matter_register(**fields)
    matter_register(**fields, not_accused=True)
    with pytest.raises(ValidationError, match="没有待转督办"):  # the second supervisor's click
        matter_register(**fields | {"title": "另一个"}, not_accused=True)
    assert petition.instructions.exclude(matter="").count() == 1


@pytest.mark.django_db
def test_the_petitioner_rates_again_after_a_review_and_codes_are_counted_per_number(
    officer: User, township: Unit, xz: User, county: Unit, gov: User
) -> None:
    first = replied(officer, township, xz)
    other = replied(officer, township, xz, summary="另一件事。")
    client = Client()
    url = reverse("petitions:enquiry")
    client.post(url, {"number": first.number, "code": first.enquiry_code, "satisfaction": "dissatisfied"})
    services.petition_review_request(
        petition=first, actor=officer, stage="review", body=county, reason="不服", delivered_on=timezone.localdate()
    )
    services.petition_review_answer(petition=first, actor=gov, text="经复查，补发差额。")
    page = client.post(url, {"number": first.number, "code": first.enquiry_code})
    assert "提交评价" in page.text  # the review's opinion is rated afresh
    client.post(url, {"number": first.number, "code": first.enquiry_code, "satisfaction": "satisfied"})
    first.refresh_from_db()
    assert (first.status, first.satisfaction) == (Status.CLOSED, "satisfied")
    # Guesses at one number are not cleared by a right code for another.
    for _ in range(4):
        client.post(url, {"number": other.number, "code": "ZZZZZZZZ"})
    client.post(url, {"number": first.number, "code": first.enquiry_code})
    client.post(url, {"number": other.number, "code": "ZZZZZZZY"})
    assert "后再试" in client.post(url, {"number": other.number, "code": other.enquiry_code}).text


@pytest.mark.django_db
def test_drafts_past_their_days_go_and_a_strange_draft_number_is_a_404(officer: User) -> None:
    client = client_for(officer)
    assert client.get(reverse("petitions:new"), {"draft": "²"}).status_code == 404
    assert client.get(reverse("petitions:new"), {"draft": "9" * 40}).status_code == 404
    data = QueryDict(mutable=True)
    data.update({"summary": "宅基地纠纷"})
    old = draft_save(owner=officer, form="petitions.new", data=data, label="旧草稿")
    Draft.objects.filter(pk=old.pk).update(saved_at=timezone.now() - dt.timedelta(days=8))
    draft_save(owner=make_user("x", [Role.PETITION_OFFICER]), form="petitions.new", data=data, label="新草稿")
    assert purge_drafts.call_local() == 1
    assert list(Draft.objects.values_list("label", flat=True)) == ["新草稿"]
