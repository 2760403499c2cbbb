"""Petitions, the process so far: art. 23's decision with its notice, assignment with its clock, the unit's
written reply (by that unit only), the petitioner's rating and closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu.core.confirm import NeedsConfirmation
from shuniu.core.deadlines import clock_of
from shuniu.core.models import CalendarYear, InboxItem, Role, Unit, UnitKind, User, Village
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.petitions import services
from shuniu.petitions.models import Petition, Reply, Status
from shuniu.petitions.selectors import Person

ID = "11010519491231002X"


@pytest.fixture
def officer(db: None) -> User:
    return make_user(
        "officer", [Role.PETITION_OFFICER], full_name="孙接待", unit=make_unit("信访接待室", UnitKind.SECTION)
    )


@pytest.fixture(autouse=True)
def next_year_declared(db: None) -> None:
    """Sixty days from late in the year run into a year the national schedule may not hold yet."""
    CalendarYear.objects.get_or_create(year=timezone.localdate().year + 1, defaults={"note": "测试"})


@pytest.fixture
def township(db: None) -> Unit:
    return make_unit("石门乡", UnitKind.TOWNSHIP)


@pytest.fixture
def xz(township: Unit) -> User:
    return make_user("xz", [Role.LIAISON], full_name="乡联络员", unit=township)


@pytest.fixture
def petition(officer: User, township: Unit) -> Petition:
    village = Village.objects.create(township=township, name="东风村")
    return services.petition_register(
        actor=officer,
        channel="visit",
        received_at=timezone.now() - dt.timedelta(hours=1),
        category="request",
        topic="land",
        summary="征地补偿款未发放。",
        appeal="请求发放。",
        people=[Person("张建国", ID, "13812345678", township, village, "东风村三组")],
    )


def open_categories(user: User) -> list[str]:
    return sorted(InboxItem.objects.filter(recipient=user, done_at__isnull=True).values_list("category", flat=True))


@pytest.mark.django_db
class TestDecision:
    def test_forward_and_decline_need_a_reason_and_forward_a_unit(
        self, petition: Petition, officer: User, township: Unit
    ) -> None:
        with pytest.raises(ValidationError, match="写明理由"):
            services.petition_decide(petition=petition, actor=officer, decision="decline", note="")
        with pytest.raises(ValidationError, match="有权处理"):
            services.petition_decide(petition=petition, actor=officer, decision="forward", note="属乡政府职责")
        petition.refresh_from_db()
        assert petition.status == Status.REGISTERED
        services.petition_decide(
            petition=petition, actor=officer, decision="forward", note="属乡政府职责", unit=township
        )
        petition.refresh_from_db()
        assert (petition.status, petition.handling_unit) == (Status.FORWARDED, township)
        clock = clock_of(petition, services.NOTIFY_CLOCK)
        assert clock is not None
        assert clock.stopped_at is not None

    def test_the_notice_prints_for_staff_only(self, petition: Petition, officer: User, xz: User) -> None:
        url = reverse("petitions:notice", args=[petition.pk])
        assert client_for(officer).get(url).status_code == 404  # nothing decided yet
        services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
        response = client_for(officer).get(url)
        assert response.content.startswith(b"%PDF")
        assert client_for(xz).get(url).status_code == 404


@pytest.mark.django_db
def test_assigned_replied_by_the_unit_rated_and_closed(
    petition: Petition, officer: User, township: Unit, xz: User
) -> None:
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    with pytest.raises(ValidationError, match="1 到 90"):
        services.petition_assign(petition=petition, actor=officer, unit=township, days=120)
    services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
    petition.refresh_from_db()
    clock = services.handling_clock(petition)
    assert clock is not None
    assert petition.decided_at is not None
    assert (timezone.localtime(clock.due_at).date() - timezone.localtime(petition.decided_at).date()).days >= 60
    assert open_categories(xz) == ["信访事项待答复"]
    other = make_user("cz", [Role.LIAISON], unit=make_unit("县财政局"))
    with pytest.raises(ValidationError, match="承办单位的联络员"):
        services.petition_reply(petition=petition, actor=other, text="已核实")
    assert not Reply.objects.exists()
    # The unit sees the matter, not the petitioner's particulars.
    page = client_for(xz).get(reverse("petitions:detail", args=[petition.pk])).text
    assert "征地补偿款未发放" in page
    assert "张建国" not in page
    assert "138****5678" not in page
    listed = client_for(xz).get(reverse("petitions:list")).text
    assert petition.number in listed
    assert "张建国" not in listed
    client_for(xz).post(reverse("petitions:reply", args=[petition.pk]), {"text": "补偿款已于本月拨付到户。"})
    petition.refresh_from_db()
    assert petition.status == Status.REPLIED
    assert services.handling_clock(petition) is None  # stopped by the reply
    assert open_categories(xz) == []
    assert open_categories(officer) == ["信访答复待回访"]
    client_for(officer).post(reverse("petitions:close", args=[petition.pk]), {"satisfaction": "satisfied"})
    petition.refresh_from_db()
    assert (petition.status, petition.satisfaction) == (Status.CLOSED, "satisfied")
    assert open_categories(officer) == []


@pytest.mark.django_db
def test_a_period_into_an_undeclared_year_is_refused_in_chinese_and_changes_nothing(
    petition: Petition, officer: User, township: Unit
) -> None:
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    CalendarYear.objects.all().delete()
    Petition.objects.filter(pk=petition.pk).update(decided_at=timezone.make_aware(dt.datetime(2030, 12, 1, 9)))
    petition.refresh_from_db()
    with pytest.raises(ValidationError, match="2031年的节假日安排尚未收录"):
        services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED
    assert services.handling_clock(petition) is None


@pytest.mark.django_db
class TestObjectionAndExtension:
    def assigned(self, petition: Petition, officer: User, township: Unit) -> None:
        services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
        services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
        petition.refresh_from_db()

    def test_the_unit_objects_within_five_working_days_and_the_office_reassigns(
        self, petition: Petition, officer: User, township: Unit, xz: User
    ) -> None:
        self.assigned(petition, officer, township)
        assert petition.assigned_at is not None
        late = petition.assigned_at + dt.timedelta(days=14)
        with pytest.raises(ValidationError, match="5 个工作日内"):
            services.petition_object(petition=petition, actor=xz, reason="属县自然资源局职责", now=late)
        with pytest.raises(ValidationError, match="说明"):
            services.petition_object(petition=petition, actor=xz, reason=" ")
        services.petition_object(petition=petition, actor=xz, reason="征地补偿由县自然资源局负责")
        petition.refresh_from_db()
        assert (petition.status, petition.objection) == (Status.ACCEPTED, "征地补偿由县自然资源局负责")
        assert services.handling_clock(petition) is None
        assert open_categories(officer) == ["信访交办异议待改派"]
        assert open_categories(xz) == []
        with pytest.raises(ValidationError, match="提出过异议"):
            services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
        land = make_unit("县自然资源局")
        services.petition_assign(petition=petition, actor=officer, unit=land, days=60)
        clock = services.handling_clock(petition)
        assert clock is not None
        assert land.name in clock.name

    def test_extended_once_by_at_most_thirty_days_with_the_reason(
        self, petition: Petition, officer: User, township: Unit
    ) -> None:
        self.assigned(petition, officer, township)
        clock = services.handling_clock(petition)
        assert clock is not None
        due = clock.due_at
        with pytest.raises(ValidationError, match="不得超过 30 日"):
            services.petition_extend(petition=petition, actor=officer, days=31, reason="涉及多个部门")
        with pytest.raises(ValidationError, match="延期理由"):
            services.petition_extend(petition=petition, actor=officer, days=30, reason="")
        services.petition_extend(petition=petition, actor=officer, days=30, reason="涉及多个部门，需联合调查")
        clock.refresh_from_db()
        assert (clock.due_at - due).days >= 30
        with pytest.raises(ValidationError, match="只能延长一次"):
            services.petition_extend(petition=petition, actor=officer, days=5, reason="再延")

    def test_only_a_request_may_be_extended(self, officer: User, township: Unit) -> None:
        advice = services.petition_register(
            actor=officer,
            channel="online",
            received_at=timezone.now(),
            category="advice",
            topic="urban",
            summary="建议增设路灯。",
            appeal="建议采纳。",
            people=[Person("赵晓东", phone="13800138000")],
        )
        self.assigned(advice, officer, township)
        with pytest.raises(ValidationError, match="申诉求决"):
            services.petition_extend(petition=advice, actor=officer, days=10, reason="复杂")


@pytest.mark.django_db
def test_figures_count_repeats_notices_replies_and_satisfaction(
    petition: Petition, officer: User, township: Unit, xz: User
) -> None:
    from shuniu.core.testing import xlsx_sheet
    from shuniu.petitions.selectors import petition_figures

    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=30)
    services.petition_reply(petition=petition, actor=xz, text="已发放。")
    services.petition_close(petition=petition, actor=officer, satisfaction="satisfied")
    services.petition_register(
        actor=officer,
        channel="call",
        received_at=timezone.now() - dt.timedelta(minutes=30),
        category="request",
        topic="land",
        summary="再次来电。",
        appeal="请求发放。",
        people=[Person("张建国", ID)],
        repeat_of=petition,
    )
    start, end = timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)
    (row,) = petition_figures(officer, start=start, end=end, by="topic")
    assert row.key == "土地征收"
    assert (row.total, row.repeats, row.decided, row.decided_on_time) == (2, 1, 1, 1)
    assert (row.replied, row.replied_on_time, row.rated, row.satisfied) == (1, 1, 1, 1)
    assert row.repeat_rate == 0.5
    by_channel = {r.key: r.total for r in petition_figures(officer, start=start, end=end, by="channel")}
    assert by_channel == {"来访": 1, "来电": 1}
    # the returning caller is the same person: both petitions count for their township
    assert {r.key: r.total for r in petition_figures(officer, start=start, end=end, by="township")} == {"石门乡": 2}
    page = client_for(officer).get(reverse("petitions:figures") + "?by=topic")
    assert "土地征收" in page.text
    sheet = xlsx_sheet(client_for(officer).get(reverse("petitions:figures") + "?by=topic&format=xlsx").getvalue())
    assert [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))][:3] == ["土地征收", 2, 1]
    assert client_for(officer).get(reverse("petitions:figures") + "?format=pdf").content.startswith(b"%PDF")
    assert client_for(xz).get(reverse("petitions:figures")).status_code == 403
    form = client_for(officer).get(reverse("petitions:form", args=[petition.pk]))
    assert form.content.startswith(b"%PDF")
    assert client_for(xz).get(reverse("petitions:form", args=[petition.pk])).status_code == 404


@pytest.mark.django_db
class TestReviewFindings:
    """What the first review of petitions found, each kept from coming back."""

    def test_an_accusation_goes_to_no_unit_until_it_is_confirmed_not_the_accused(
        self, officer: User, township: Unit
    ) -> None:
        accusation = services.petition_register(
            actor=officer,
            channel="letter",
            received_at=timezone.now() - dt.timedelta(hours=1),
            category="accusation",
            topic="conduct",
            summary="反映某乡干部优亲厚友。",
            appeal="请求调查。",
            people=[Person("李秀英", phone="13912345678", township=township, address="五组")],
        )
        services.petition_decide(petition=accusation, actor=officer, decision="accept", note="")
        with pytest.raises(ValidationError, match="第三十条"):
            services.petition_assign(petition=accusation, actor=officer, unit=township, days=30)
        services.petition_assign(
            petition=accusation, actor=officer, unit=make_unit("县纪委监委"), days=30, not_accused=True
        )

    def test_a_missing_address_supplied_later_starts_the_clock_again(self, officer: User, township: Unit) -> None:
        petition = services.petition_register(
            actor=officer,
            channel="call",
            received_at=timezone.now() - dt.timedelta(days=3),
            category="request",
            topic="civil",
            summary="来电反映津贴未发。",
            appeal="补发。",
            people=[Person(phone="13700001111")],
        )
        clock = clock_of(petition, services.NOTIFY_CLOCK)
        assert clock is not None
        assert clock.paused_at is not None
        person = petition.petitioners.get()
        with pytest.raises(ValidationError, match="只有信访接待人员"):
            services.petitioner_complete(
                petition=petition, petitioner=person, actor=make_user("c", [Role.CLERK]), name="王"
            )
        services.petitioner_complete(
            petition=petition, petitioner=person, actor=officer, name="王春梅", township=township
        )
        clock.refresh_from_db()
        assert clock.paused_at is None
        assert clock.due_at.date() >= (timezone.now() + dt.timedelta(days=14)).date()  # the wait did not count

    def test_repeats_link_to_the_first_visit_and_a_second_click_registers_nothing(
        self, petition: Petition, officer: User
    ) -> None:
        again = dict(
            actor=officer,
            channel="visit",
            received_at=timezone.now().replace(microsecond=0),
            category="request",
            topic="land",
            summary="第二次来访。",
            appeal="请求发放。",
            people=[Person("张建国", ID)],
        )
        second = services.petition_register(**again, repeat_of=petition)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="请勿重复提交"):
            services.petition_register(**again, repeat_of=petition)  # type: ignore[arg-type]
        third = services.petition_register(**{**again, "summary": "第三次来访。"}, repeat_of=second)  # type: ignore[arg-type]
        assert third.repeat_of == petition

    def test_an_old_fifteen_digit_card_finds_the_same_person(self, petition: Petition, officer: User) -> None:
        from shuniu.core.idcard import check_digit

        first17 = "110105" + "19" + "491231" + "002"
        services.petition_register(
            actor=officer,
            channel="visit",
            received_at=timezone.now(),
            category="request",
            topic="land",
            summary="持旧身份证来访。",
            appeal="请求。",
            people=[Person("王五", first17 + check_digit(first17))],
            new_matter_confirmed=True,
        )
        with pytest.raises(NeedsConfirmation, match="身份证号码相同"):
            services.petition_register(
                actor=officer,
                channel="visit",
                received_at=timezone.now(),
                category="request",
                topic="land",
                summary="再来。",
                appeal="请求。",
                people=[Person("王五", "110105491231002")],
            )


@pytest.mark.django_db
def test_choosing_the_earlier_matter_on_the_page_links_it(petition: Petition, officer: User) -> None:
    """The page's radio and no second, empty field of the same name: the officer's choice arrives."""
    client = client_for(officer)
    form = {
        "channel": "visit",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": "request",
        "topic": "land",
        "summary": "又来了。",
        "appeal": "请求发放。",
        "people_count": "1",
        "p-TOTAL_FORMS": "3",
        "p-INITIAL_FORMS": "0",
        "p-0-name": "张建国",
        "p-0-id_number": ID,
    }
    page = client.post(reverse("petitions:new"), form).text
    assert page.count('name="repeat_of"') == 1  # only the radio for the one earlier matter
    client.post(reverse("petitions:new"), {**form, "repeat_of": str(petition.pk)})
    assert Petition.objects.filter(repeat_of=petition).count() == 1
