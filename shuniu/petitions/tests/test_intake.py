"""Petitions, intake: the ID number checked, personal data sealed and masked, repeat petitioners shown
before saving and linked, art. 23's clock started (and waiting while a name or address is unknown)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from shuniu.audit.models import AuditEntry
from shuniu.core.confirm import NeedsConfirmation
from shuniu.core.deadlines import clock_of
from shuniu.core.models import CalendarOverride, CalendarYear, Draft, OverrideKind, Role, Unit, UnitKind, User, Village
from shuniu.core.personal import key_id_of
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.petitions import selectors, services
from shuniu.petitions.models import Party, Petition, Petitioner, Recusal
from shuniu.petitions.selectors import Person, possible_repeats, similar_names

ID = "11010519491231002X"  # GB 11643's own example
PHONE = "13812345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def officer(db: None) -> User:
    return make_user(
        "officer", [Role.PETITION_OFFICER], full_name="孙接待", unit=make_unit("信访接待室", UnitKind.SECTION)
    )


@pytest.fixture
def township(db: None) -> Unit:
    return make_unit("石门乡", UnitKind.TOWNSHIP)


@pytest.fixture
def village(township: Unit) -> Village:
    return Village.objects.create(township=township, name="东风村")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def register(officer: User, *people: Person, received: dt.datetime | None = None, **more: object) -> Petition:
    return services.petition_register(
        actor=officer,
        channel=str(more.pop("channel", "visit")),
        received_at=received or timezone.now() - dt.timedelta(minutes=5),
        category="request",
        topic="land",
        summary="征地补偿款至今未发放到位。",
        appeal="请求足额发放补偿款。",
        people=people,
        **more,  # type: ignore[arg-type]
    )


def zhang(village: Village, **more: object) -> Person:
    fields: dict[str, object] = {
        "name": "张建国",
        "id_number": ID,
        "phone": PHONE,
        "township": village.township,
        "village": village,
        "address": "东风村三组 12 号",
        **more,
    }
    return Person(**fields)  # type: ignore[arg-type]


@pytest.mark.django_db
class TestIntake:
    def test_registered_numbered_sealed_and_masked(self, officer: User, village: Village) -> None:
        petition = register(officer, zhang(village, id_number=ID.lower()))
        assert petition.number == f"信〔{timezone.localdate().year}〕1号"
        person = Petitioner.objects.get()
        assert person.id_number == ID  # normalised (upper-case X) and read back through the seal
        assert person.masked_id == "110105********002X"
        assert person.masked_phone == "138****5678"
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, phone, address FROM petitions_petitioner")
            raw = cursor.fetchone()
        assert all(value.startswith("sm4:") for value in raw)
        assert ID not in "".join(raw)
        assert PHONE not in "".join(raw)
        entry = AuditEntry.objects.get(action="petition.register")
        assert ID not in str(entry.data)
        assert "张建国" not in str(entry.data)

    @pytest.mark.parametrize(
        ("person", "message"),
        [
            ({"id_number": ID[:-1] + "1"}, "校验位"),
            ({"id_number": "12345"}, "18 位"),
            ({"phone": "12"}, "7 到 13 位"),
            ({"name": "", "id_number": "", "phone": ""}, "至少填写一项"),
        ],
    )
    def test_bad_input_says_why_and_saves_nothing(
        self, officer: User, village: Village, person: dict[str, object], message: str
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            register(officer, zhang(village, **person))
        assert not Petition.objects.exists()
        assert not Petitioner.objects.exists()

    def test_at_most_five_representatives(self, officer: User, village: Village) -> None:
        people = [
            Person(name=f"代表{i}", village=village, township=village.township, representative=True) for i in range(6)
        ]
        with pytest.raises(ValidationError, match="不超过 5 名代表"):
            register(officer, *people, people_count=40)
        petition = register(officer, *people[:5], people_count=40)
        assert petition.group_visit
        assert petition.parties.filter(representative=True).count() == 5

    def test_the_register_lists_the_people_representatives_first_with_the_place(
        self, officer: User, village: Village, leader: User
    ) -> None:
        other = Village.objects.create(township=village.township, name="西岭村")
        joint = register(
            officer,
            Person(name="李四", village=other, township=village.township),
            Person(name="王五", village=village, township=village.township, representative=True),
            Person(phone="13900001111"),  # no name given
            people_count=12,
        )
        register(officer, zhang(village))
        listed = selectors.listed_people(officer, list(Petition.objects.all()))
        assert [(p.name, p.representative, p.place) for p in listed[joint.pk]] == [
            ("王五", True, "石门乡东风村"),
            ("李四", False, "石门乡西岭村"),
            ("（姓名不详）", False, ""),
        ]
        text = client_for(officer).get(reverse("petitions:list")).text
        assert "王五（代表）、李四、（姓名不详） 等 12 人" in text
        assert text.split("等 12 人", 1)[1].split()[:2] == ["·", "石门乡东风村"]  # the first listed one's place
        assert "张建国" in text
        assert selectors.listed_people(leader, list(Petition.objects.all())) == {}  # a leader is shown no names
        Petition.objects.filter(pk=joint.pk).update(lead_leader=leader)  # the leader holds it (包案): in their list
        seen = client_for(leader).get(reverse("petitions:list")).text  # the row just shown to the officer, unnamed
        assert joint.number in seen
        assert "王五" not in seen
        assert "等 12 人" not in seen
        assert "石门乡东风村" not in seen

    def test_a_village_of_another_township_is_refused(self, officer: User, village: Village) -> None:
        other = make_unit("白沙乡", UnitKind.TOWNSHIP)
        with pytest.raises(ValidationError, match="不属于所选乡镇"):
            register(officer, zhang(village, township=other))


@pytest.mark.django_db
class TestRepeats:
    def test_the_same_id_number_is_shown_before_saving_then_linked(self, officer: User, village: Village) -> None:
        first = register(officer, zhang(village))
        with pytest.raises(NeedsConfirmation) as asked:
            register(officer, zhang(village, phone="", address=""))
        assert "身份证号码相同" in str(asked.value)
        assert first.number in str(asked.value)
        assert Petition.objects.count() == 1
        second = register(officer, zhang(village, phone=""), repeat_of=first)
        third = register(officer, zhang(village), repeat_of=first)
        assert Petitioner.objects.count() == 1  # one person, three visits
        assert Party.objects.filter(petitioner__name="张建国").count() == 3
        assert list(first.repeats.order_by("pk")) == [second, third]

    def test_the_same_phone_written_differently_matches(self, officer: User, village: Village) -> None:
        register(officer, Person(name="李秀英", phone="138-1234-5678"))
        with pytest.raises(NeedsConfirmation, match="联系电话相同"):
            register(officer, Person(name="李秀", phone="13812345678"))

    def test_a_similar_name_in_the_same_village_matches_and_another_village_does_not(
        self, officer: User, village: Village
    ) -> None:
        register(officer, Person(name="王海波", township=village.township, village=village))
        with pytest.raises(NeedsConfirmation, match="同村姓名相近"):
            register(officer, Person(name="王海坡", township=village.township, village=village))
        elsewhere = Village.objects.create(township=village.township, name="红旗村")
        register(officer, Person(name="王海坡", township=village.township, village=elsewhere))  # no match: saved
        assert Petition.objects.count() == 2

    def test_confirmed_new_is_saved_without_a_link(self, officer: User, village: Village) -> None:
        register(officer, zhang(village))
        second = register(officer, zhang(village), new_matter_confirmed=True)
        assert second.repeat_of is None

    def test_similar_names(self) -> None:
        assert similar_names("张建国", "张建国")
        assert similar_names("张建国", "张建")
        assert similar_names("张建国", "张建图")
        assert not similar_names("张建国", "李建华")
        assert not similar_names("", "张")


@pytest.mark.django_db
class TestNotifyClock:
    def test_fifteen_days_rolled_past_a_holiday(self, officer: User, village: Village) -> None:
        CalendarYear.objects.get_or_create(year=2026, defaults={"note": "测试"})
        for day in range(1, 8):
            CalendarOverride.objects.update_or_create(
                date=dt.date(2026, 10, day), defaults={"kind": OverrideKind.OFF, "note": "国庆"}
            )
        # Received 9月17日: fifteen days end on 10月2日, a holiday — the period runs to 10月8日.
        petition = register(
            officer, zhang(village), received=at(dt.date(2026, 9, 17)), now=at(dt.date(2026, 9, 17), 11)
        )
        clock = clock_of(petition, services.NOTIFY_CLOCK)
        assert clock is not None
        assert timezone.localtime(clock.due_at).date() == dt.date(2026, 10, 8)
        assert clock.paused_at is None

    def test_the_clock_waits_while_name_or_address_is_unknown(self, officer: User) -> None:
        petition = register(officer, Person(phone="13900001111"))  # an anonymous call, no address
        clock = clock_of(petition, services.NOTIFY_CLOCK)
        assert clock is not None
        assert clock.paused_at is not None
        letter = register(officer, channel="letter", new_matter_confirmed=True)  # nobody named at all
        assert not letter.parties.exists()
        clock = clock_of(letter, services.NOTIFY_CLOCK)
        assert clock is not None
        assert clock.paused_at is not None
        assert "匿名" in client_for(officer).get(reverse("petitions:detail", args=[letter.pk])).text


@pytest.mark.django_db
class TestPages:
    def test_the_intake_form_shows_earlier_visits_before_saving_and_links(
        self, officer: User, village: Village
    ) -> None:
        first = register(officer, zhang(village))
        client = client_for(officer)
        form = {
            "channel": "visit",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "request",
            "topic": "land",
            "summary": "补偿款仍未到位。",
            "appeal": "请求尽快发放。",
            "people_count": "1",
            "p-TOTAL_FORMS": "3",
            "p-INITIAL_FORMS": "0",
            "p-0-name": "张建国",
            "p-0-id_number": ID,
            "p-0-village": str(village.pk),
        }
        page = client.post(reverse("petitions:new"), form).text
        assert "此前来访过" in page
        assert first.number in page
        assert page.count(ID) == 1  # only in the officer's own input; the earlier record is masked
        assert "110105********002X" in page
        assert Petition.objects.count() == 1
        response = client.post(reverse("petitions:new"), {**form, "repeat_of": str(first.pk)})
        second = Petition.objects.exclude(pk=first.pk).get()
        assert response["Location"] == reverse("petitions:detail", args=[second.pk])
        assert second.repeat_of == first
        detail = client.get(reverse("petitions:detail", args=[first.pk])).text
        assert second.number in detail
        assert "共来访 2 次" in detail  # per person as well as per matter
        assert ID not in detail
        assert PHONE not in detail

    def test_a_draft_is_saved_sealed_taken_up_again_and_gone_once_registered(
        self, officer: User, village: Village
    ) -> None:
        client = client_for(officer)
        half = {
            "channel": "visit",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "request",
            "topic": "land",
            "summary": "补偿款仍未到位。",
            "p-TOTAL_FORMS": "3",
            "p-INITIAL_FORMS": "0",
            "p-0-name": "张建国",
            "p-0-id_number": ID,
            "p-0-village": str(village.pk),
            "p-0-representative": "on",
            "save_draft": "1",
        }
        response = client.post(reverse("petitions:new"), half)
        draft = Draft.objects.get()
        assert response["Location"] == f"{reverse('petitions:new')}?draft={draft.pk}"
        assert Petition.objects.count() == 0  # the missing appeal is no obstacle to a draft
        with connection.cursor() as cursor:
            cursor.execute("SELECT data, label FROM core_draft")
            ((data, label),) = cursor.fetchall()
        assert ID not in data + label
        assert "补偿款" not in data  # sealed; the label names it for its owner as the register does
        page = client.get(reverse("petitions:new"), {"draft": draft.pk}).text
        assert ID in page
        assert "补偿款仍未到位" in page
        assert "请填写诉求" not in page  # taken up again, not judged yet
        other = make_user("zhou", [Role.PETITION_OFFICER])
        assert client_for(other).get(reverse("petitions:new"), {"draft": draft.pk}).status_code == 404
        assert "张建国" not in client_for(other).get(reverse("petitions:new")).text
        done = {k: v for k, v in half.items() if k != "save_draft"} | {
            "appeal": "请求发放。",
            "people_count": "1",
            "draft": str(draft.pk),
        }
        response = client.post(reverse("petitions:new"), {**done, "confirm": "on"})
        petition = Petition.objects.get()
        assert response["Location"] == reverse("petitions:detail", args=[petition.pk])
        assert petition.parties.get().representative
        assert not Draft.objects.exists()

    def test_materials_registered_with_the_petition_survive_the_repeat_question(
        self, officer: User, village: Village
    ) -> None:
        register(officer, zhang(village))
        client = client_for(officer)
        form = {
            "channel": "letter",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "request",
            "topic": "land",
            "summary": "补偿款仍未到位。",
            "appeal": "请求尽快发放。",
            "people_count": "1",
            "p-TOTAL_FORMS": "3",
            "p-INITIAL_FORMS": "0",
            "p-0-name": "张建国",
            "p-0-id_number": ID,
            "p-0-village": str(village.pk),
        }
        letter = SimpleUploadedFile("来信.png", PNG, content_type="image/png")
        asked = client.post(reverse("petitions:new"), {**form, "uploads": letter}).text
        assert "此前来访过" in asked
        assert "已选附件已保留" in asked
        token = re.search(r'name="kept" value="([^"]+)"', asked)
        assert token is not None
        client.post(reverse("petitions:new"), {**form, "kept": token.group(1), "confirm": "on"})
        petition = Petition.objects.order_by("-pk").first()
        assert petition is not None
        assert [a.name for a in petition.attachments.all()] == ["来信.png"]
        detail = client.get(reverse("petitions:detail", args=[petition.pk])).text
        assert "来信.png" in detail

    def test_revealing_needs_a_reason_and_is_audited(self, officer: User, village: Village) -> None:
        petition = register(officer, zhang(village))
        person = Petitioner.objects.get()
        url = reverse("petitions:reveal", args=[petition.pk, person.pk])
        client = client_for(officer)
        refused = client.post(url, {"reason": ""}, follow=True).text
        assert "理由" in refused
        assert ID not in refused
        assert not AuditEntry.objects.filter(action="petitioner.reveal").exists()
        shown = client.post(url, {"reason": "核实身份后电话回访"}).text
        assert ID in shown
        assert PHONE in shown
        entry = AuditEntry.objects.get(action="petitioner.reveal")
        assert entry.data["reason"] == "核实身份后电话回访"
        assert ID not in str(entry.data)

    def test_nobody_else_sees_petitions(
        self,
        officer: User,
        village: Village,
        clerk: User,
        leader: User,
        django_assert_num_queries: DjangoAssertNumQueries,
    ) -> None:
        petition = register(officer, zhang(village))
        person = Petitioner.objects.get()
        liaison = make_user("cz", [Role.LIAISON], unit=village.township)
        page = client_for(liaison).get(reverse("petitions:list"))  # a unit sees only what it is assigned
        assert page.status_code == 200
        assert petition.number not in page.text
        assert client_for(liaison).get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
        for user in (clerk, leader, liaison):
            client = client_for(user)
            if user is clerk:
                assert client.get(reverse("petitions:list")).status_code == 403
                assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 403
            if user is leader:  # a leader sees the cases they hold or instruct on: none here
                page = client.get(reverse("petitions:list"))
                assert page.status_code == 200
                assert petition.number not in page.text
                assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
            assert (
                client.post(
                    reverse("petitions:reveal", args=[petition.pk, person.pk]), {"reason": "好奇看看"}
                ).status_code
                == 403
            )
        assert not AuditEntry.objects.filter(action="petitioner.reveal").exists()
        from shuniu.petitions.selectors import petitions_for

        Recusal.objects.create(petition=petition, user=clerk, reason="亲属", recorded_by=officer)
        assert Role.CLERK in clerk.roles  # read once for the request, as the middleware does
        with django_assert_num_queries(0):  # by its very conditions: not even the clerk's recusals are read
            assert petitions_for(clerk).query.is_empty()
        assert not petitions_for(leader).query.is_empty()  # a leader's cases are asked of the database
        assert list(petitions_for(officer)) == [petition]


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_plaintext_id_or_phone(officer: User, village: Village) -> None:
    register(officer, zhang(village))
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM petitions_petitioner")
            dump = repr(cursor.fetchall())
    else:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(copy)])
            dump = copy.read_bytes().decode("latin-1")
    assert ID not in dump
    assert PHONE not in dump
    assert "东风村三组" not in dump.encode("latin-1", "replace").decode("utf-8", "replace")


@pytest.mark.django_db
def test_rekeying_moves_every_row_to_the_new_key(officer: User, village: Village) -> None:
    old = {"k1": bytes(range(16))}
    new = {"k2": bytes(range(16, 32)), "k1": bytes(range(16))}
    with override_settings(DATA_KEYS=old):
        register(officer, zhang(village))
    with override_settings(DATA_KEYS=new):
        out = io.StringIO()
        call_command("data_rekey", stdout=out)
        assert re.search(r"信访人：1 条", out.getvalue())
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, phone, address FROM petitions_petitioner")
            assert {key_id_of(v) for v in cursor.fetchone()} == {"k2"}
        assert Petitioner.objects.get().id_number == ID
    with override_settings(DATA_KEYS={"k2": new["k2"]}):
        assert Petitioner.objects.get().phone == PHONE  # the old key can go now
    assert AuditEntry.objects.filter(action="personal.rekey").exists()


@pytest.mark.django_db
def test_the_register_and_a_petitions_page_keep_their_query_counts(officer: User, village: Village) -> None:
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer)

    def counted(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = register(officer, zhang(village))
    client.get(reverse("petitions:list"))
    before = (counted(reverse("petitions:list")), counted(reverse("petitions:detail", args=[first.pk])))
    for n in range(12):
        register(
            officer,
            Person(name=f"来访人{n}", phone=f"1390000{n:04d}", township=village.township, village=village),
            repeat_of=first if n % 2 else None,
            new_matter_confirmed=True,
        )
    after = (counted(reverse("petitions:list")), counted(reverse("petitions:detail", args=[first.pk])))
    assert after == before


@pytest.mark.django_db
def test_the_register_and_the_repeat_check_ask_the_same_number_of_queries_however_many_rows(
    officer: User, village: Village
) -> None:
    """Pinned: a few petitions or thirty, the register's page and the check before saving cost the same."""
    client = client_for(officer)
    person = zhang(village)
    register(officer, person)
    counts = []
    for more in (0, 29):
        for _ in range(more):
            register(officer, person, new_matter_confirmed=True)
        client.get(reverse("petitions:list"))  # the session's first request does its own setting up
        with CaptureQueriesContext(connection) as listed:
            assert client.get(reverse("petitions:list")).status_code == 200
        with CaptureQueriesContext(connection) as checked:
            possible_repeats([services.checked_person(person, "信访人")])
        counts.append((len(listed), len(checked)))
    assert counts[0] == counts[1]
    assert counts[0][1] <= 3
