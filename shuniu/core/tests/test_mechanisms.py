"""The core mechanisms every module shares, each on its own."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from shuniu import audit
from shuniu.audit.models import AuditEntry
from shuniu.audit.services import verify
from shuniu.core import excel, files
from shuniu.core.deadlines import (
    Rule,
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    clock_state,
    clock_stop,
    light,
)
from shuniu.core.inbox import inbox_counts, inbox_done, inbox_list, inbox_put, inbox_withdraw
from shuniu.core.models import Clearance, ClockUnit, Counter, InboxItem, InboxKind, Notification, Unit, User
from shuniu.core.numbering import next_number, official_number
from shuniu.core.reminders import Due, remind_once, reminders_run
from shuniu.core.testing import client_for, make_unit, xlsx_sheet
from shuniu.core.workcal import WorkingCalendar
from shuniu.documents import services as document_services
from shuniu.documents.flow import DOCUMENT_FLOW
from shuniu.documents.models import Document, Status

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, s, tzinfo=TZ)


# A working calendar without the database: 2030 entered locally (plain weeks), 1 May 2030 off.
CAL = WorkingCalendar(
    overrides={dt.date(2030, 5, 1): False, dt.date(2030, 5, 11): True},
    local_years=frozenset({2030}),
    hours=((dt.time(8, 30), dt.time(12)), (dt.time(14, 30), dt.time(18))),
    tz=TZ,
)


# Workflow ---------------------------------------------------------------------------------------


@pytest.fixture
def document(clerk: User) -> Document:
    return document_services.document_register(
        actor=clerk, received_at=timezone.now() - dt.timedelta(hours=1), source_org="市委办公室", title="关于x的通知"
    )


@pytest.mark.django_db
class TestWorkflow:
    def test_actions_come_from_the_table_and_the_user(
        self, document: Document, clerk: User, director: User, leader: User
    ) -> None:
        assert [a.name for a in DOCUMENT_FLOW.actions_for(document, clerk)] == ["correct", "propose", "return"]
        assert [a.name for a in DOCUMENT_FLOW.actions_for(document, leader)] == []
        document.status = Status.PROPOSED
        assert [a.name for a in DOCUMENT_FLOW.actions_for(document, director)] == [
            "correct",
            "repropose",
            "approve",
            "send_back",
        ]
        assert "approve" not in [a.name for a in DOCUMENT_FLOW.actions_for(document, clerk)]

    def test_an_action_that_stays_keeps_the_status_and_is_recorded(self, document: Document, clerk: User) -> None:
        with transaction.atomic():
            DOCUMENT_FLOW.apply(document, "correct", actor=clerk, reason="标题有误", title="关于y的通知")
        document.refresh_from_db()
        assert (document.status, document.title) == (Status.REGISTERED, "关于y的通知")
        row = DOCUMENT_FLOW.history(document)[-1]
        assert (row.action, row.old, row.new, row.reason) == (
            "correct",
            Status.REGISTERED,
            Status.REGISTERED,
            "标题有误",
        )

    def test_apply_writes_history_and_audit(self, document: Document, clerk: User) -> None:
        DOCUMENT_FLOW.apply(document, "return", actor=clerk, reason="缺页")
        assert document.status == Status.RETURNED
        history = DOCUMENT_FLOW.history(document)
        assert [(h.old, h.new, h.actor, h.reason) for h in history] == [("registered", "returned", clerk, "缺页")]
        assert AuditEntry.objects.filter(action="document.return", object_id=str(document.pk)).exists()

    def test_two_people_at_once_one_wins(self, document: Document, clerk: User) -> None:
        stale = Document.objects.get(pk=document.pk)
        DOCUMENT_FLOW.apply(document, "return", actor=clerk, reason="缺页")
        with pytest.raises(ValidationError, match="已被他人改变"):
            DOCUMENT_FLOW.apply(stale, "return", actor=clerk, reason="又退")
        assert len(DOCUMENT_FLOW.history(document)) == 1

    def test_refused_moves_change_nothing(self, document: Document, clerk: User, leader: User) -> None:
        with pytest.raises(ValidationError, match="不能批准传阅"):
            DOCUMENT_FLOW.apply(document, "approve", actor=clerk)
        with pytest.raises(ValidationError, match="您不能"):
            DOCUMENT_FLOW.apply(document, "return", actor=leader, reason="x")
        with pytest.raises(ValidationError, match="理由"):
            DOCUMENT_FLOW.apply(document, "return", actor=clerk, reason="  ")
        document.refresh_from_db()
        assert document.status == Status.REGISTERED
        assert not DOCUMENT_FLOW.history(document)


# Numbering --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestNumbering:
    def test_consecutive_per_series_and_year(self) -> None:
        with transaction.atomic():
            assert [next_number("督", 2026) for _ in range(3)] == [1, 2, 3]
            assert next_number("信", 2026) == 1
            assert next_number("督", 2027) == 1
        assert official_number("督", 2026, 8) == "督〔2026〕8号"

    def test_a_rolled_back_number_is_given_again(self) -> None:
        with transaction.atomic():
            next_number("信", 2026)

        def number_then_fail() -> None:
            with transaction.atomic():
                assert next_number("信", 2026) == 2
                raise RuntimeError("the registration failed")

        with pytest.raises(RuntimeError, match="the registration failed"):
            number_then_fail()
        with transaction.atomic():
            assert next_number("信", 2026) == 2
        assert Counter.objects.get(series="信", year=2026).last == 2


# Inbox ------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestInbox:
    def put(self, people: Iterable[User], key: str = "x:1:approve", secrecy: int = Clearance.NONE) -> int:
        with transaction.atomic():
            return inbox_put(
                recipients=people,
                key=key,
                kind=InboxKind.TODO,
                category="待审批",
                title="关于x的通知",
                url="/x/",
                secrecy=secrecy,
            )

    def test_every_page_shows_the_counts_in_the_menu_and_on_the_phone_menu_button(self, director: User) -> None:
        browser = client_for(director)

        def menu() -> str:
            return browser.get(reverse("core:directory")).text.split("</nav>")[0]

        assert "待办" not in menu()
        assert "toggler-badge" not in menu()
        self.put([director])
        self.put([director], key="x:2:approve")
        nav = menu()  # the menu bar is rendered once for its values: new counts are a new menu at once
        assert "待办 2" in nav
        assert "toggler-badge" in nav
        assert "（待办 2，待阅 0，未读通知 2）" in nav
        inbox_done(key="x:1:approve", by=director)
        after = menu()
        assert "（待办 1，" in after
        assert "待办 2" not in after

    def test_the_layout_without_a_request_has_no_menu_bar(self, director: User) -> None:
        from django.template.loader import render_to_string

        assert "navbar" not in render_to_string("base.html", {"user": director})  # a page rendered without a request

    def test_put_notifies_once_and_a_retry_adds_nothing(self, director: User, clerk: User) -> None:
        assert self.put([director, clerk]) == 2
        assert self.put([director]) == 0
        assert InboxItem.objects.filter(recipient=director).count() == 1
        assert Notification.objects.filter(recipient=director, title="待审批：关于x的通知").count() == 1

    def test_done_moves_to_the_done_tab_for_everyone_and_can_reopen(self, director: User, clerk: User) -> None:
        self.put([director, clerk])
        assert inbox_done(key="x:1:approve", by=director) == 2
        assert not inbox_list(clerk, tab="todo").exists()
        done = inbox_list(clerk, tab="done").get()
        assert done.done_by == director
        assert self.put([clerk]) == 1  # sent back again: open again, told again
        assert inbox_list(clerk, tab="todo").count() == 1

    def test_withdrawn_items_vanish(self, leader: User) -> None:
        self.put([leader], key="doc:1:read:7")
        inbox_withdraw(key="doc:1:read:7")
        assert not InboxItem.objects.exists()

    def test_search(self, clerk: User) -> None:
        self.put([clerk])
        assert inbox_list(clerk, tab="todo", query="x的").count() == 1
        assert inbox_list(clerk, tab="todo", query="预算").count() == 0

    def test_counts_are_one_query_and_respect_clearance(
        self, clerk: User, django_assert_num_queries: DjangoAssertNumQueries
    ) -> None:
        self.put([clerk], key="a")
        assert self.put([clerk], key="b", secrecy=Clearance.SECRET) == 0  # not handed to anyone below it
        assert not InboxItem.objects.filter(key="b").exists()
        User.objects.filter(pk=clerk.pk).update(clearance=Clearance.SECRET)
        clerk.refresh_from_db()
        self.put([clerk], key="c", secrecy=Clearance.SECRET)
        User.objects.filter(pk=clerk.pk).update(clearance=Clearance.NONE)  # cleared then, not now
        clerk.refresh_from_db()
        with django_assert_num_queries(1):
            counts = inbox_counts(clerk)
        assert (counts.todo, counts.toread, counts.unread) == (1, 0, 2)
        assert inbox_list(clerk, tab="todo").count() == 1


# Attachments ------------------------------------------------------------------------------------


def ofd(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OFD_XML = b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
BODY = b'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages/></ofd:Document>'


class TestFiles:
    def test_a_real_ofd_is_accepted(self) -> None:
        assert files.check_upload(files.Upload("a.ofd", ofd({"OFD.xml": OFD_XML, "Doc_0/Document.xml": BODY})))[1] == (
            "application/ofd"
        )

    @pytest.mark.parametrize(
        ("members", "reason"),
        [
            ({"readme.txt": b"hi"}, "缺少 OFD.xml"),
            ({"OFD.xml": b"<OFD/>"}, "DocRoot"),
            ({"OFD.xml": OFD_XML}, "不在文件中"),
            ({"OFD.xml": OFD_XML, "Doc_0/Document.xml": b"<not xml"}, "损坏"),
            ({"OFD.xml": OFD_XML, "Doc_0/Document.xml": BODY, "pad.bin": b"\0" * (4 * 1024 * 1024)}, "压缩比"),
        ],
    )
    def test_what_is_not_a_readable_ofd_is_refused(self, members: dict[str, bytes], reason: str) -> None:
        with pytest.raises(ValidationError, match=reason):
            files.check_upload(files.Upload("x.ofd", ofd(members)))

    def test_an_entity_bomb_is_refused(self) -> None:
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><OFD>&b;</OFD>'
        with pytest.raises(ValidationError, match="损坏"):
            files.check_upload(files.Upload("x.ofd", ofd({"OFD.xml": bomb})))


# Excel ------------------------------------------------------------------------------------------


class TestExcel:
    def test_formulas_stay_text_and_dates_stay_dates(self) -> None:
        when = at(2026, 11, 27, 9, 30)
        data = excel.xlsx_bytes(
            [excel.Sheet("表", [excel.Column("A"), excel.Column("B"), excel.Column("C")], [["=1+1", "-2", when]])]
        )
        sheet = xlsx_sheet(data)
        assert sheet["A2"].value == "=1+1"
        assert sheet["A2"].data_type == "s"
        assert sheet["B2"].value == "-2"
        assert sheet["B2"].data_type == "s"
        assert sheet["C2"].value == dt.datetime(2026, 11, 27, 9, 30)  # local time, a real date
        assert sheet.freeze_panes == "A2"

    def test_the_reader_refuses_what_expands_too_far(self, monkeypatch: pytest.MonkeyPatch) -> None:
        data = excel.xlsx_bytes([excel.Sheet("表", [excel.Column("名称")], [["x" * 5000]])])
        monkeypatch.setattr(excel, "MAX_EXPANDED_BYTES", 1000)
        with pytest.raises(excel.ImportRejected, match="解压后超过"):
            excel.read_workbook(data, {"表": ["名称"]}, {"表": ["名称"]})

    def test_error_messages_do_not_echo_huge_cells(self) -> None:
        data = excel.xlsx_bytes([excel.Sheet("表", [excel.Column("名称"), excel.Column("x" * 500)], [])])
        _, errors = excel.read_workbook(data, {"表": ["名称"]}, {"表": ["名称"]})
        assert errors
        assert all(len(e) < 200 for e in errors)


# Deadlines and clocks ---------------------------------------------------------------------------


class TestRules:
    def test_working_days_skip_weekends_and_holidays(self) -> None:
        # Monday 29 April 2030 + 3 working days: 30 Apr, (1 May off), 2 May, 3 May.
        assert Rule(ClockUnit.WORKDAYS, 3).due(at(2030, 4, 29, 10), CAL) == at(2030, 5, 3, 23, 59, 59)

    def test_calendar_days_roll_past_a_day_off_when_the_rule_says_so(self) -> None:
        start = at(2030, 4, 26, 10)  # Friday; +15 days = Saturday 11 May, a make-up working day here
        assert Rule(ClockUnit.CALENDAR_DAYS, 15).due(start, CAL).date() == dt.date(2030, 5, 11)
        start = at(2030, 4, 27, 10)  # +15 = Sunday 12 May: rolls to Monday 13 May
        assert Rule(ClockUnit.CALENDAR_DAYS, 15, roll_holidays=True).due(start, CAL).date() == dt.date(2030, 5, 13)
        assert Rule(ClockUnit.CALENDAR_DAYS, 15).due(start, CAL).date() == dt.date(2030, 5, 12)

    def test_office_minutes_count_only_office_hours(self) -> None:
        assert Rule(ClockUnit.OFFICE_MINUTES, 60).due(at(2030, 4, 29, 11, 30), CAL) == at(2030, 4, 29, 15)

    def test_lights(self) -> None:
        due = at(2030, 5, 10, 23, 59, 59)  # Friday
        assert light(ClockUnit.WORKDAYS, 3, due, at(2030, 5, 2, 9), CAL) == "green"  # 5 working days left
        assert light(ClockUnit.WORKDAYS, 3, due, at(2030, 5, 7, 9), CAL) == "yellow"
        assert light(ClockUnit.WORKDAYS, 3, due, at(2030, 5, 11, 9), CAL) == "red"


@pytest.mark.django_db
class TestClocks:
    def test_extend_pause_resume_keep_the_history(self, clerk: User) -> None:
        unit = Unit.objects.create(name="县信访局", kind="department")
        with transaction.atomic():
            clock = clock_start(
                obj=unit,
                name="告知期限",
                rule=Rule(ClockUnit.WORKDAYS, 5),
                start=at(2030, 4, 29, 9),
                actor=clerk,
                calendar=CAL,
            )
        assert clock.due_at == at(2030, 5, 7, 23, 59, 59)
        with transaction.atomic():
            clock = clock_pause(clock=clock, reason="补充地址", actor=clerk, at=at(2030, 5, 2, 9))
        assert clock_state(clock, at(2030, 5, 3, 9), CAL)["label"] == "暂停计时"
        with transaction.atomic():
            clock = clock_resume(clock=clock, actor=clerk, calendar=CAL, at=at(2030, 5, 6, 9))
        assert clock.due_at == at(2030, 5, 9, 23, 59, 59)  # paused over 2 working days (3 and 6 May)
        with pytest.raises(ValidationError, match="理由"), transaction.atomic():
            clock_extend(clock=clock, amount=2, reason="", actor=clerk, calendar=CAL)
        with transaction.atomic():
            clock = clock_extend(clock=clock, amount=2, reason="案情复杂", actor=clerk, calendar=CAL)
        assert clock.due_at == at(2030, 5, 11, 23, 59, 59)  # Saturday 11 May is a make-up working day
        kinds = [(e.kind, e.reason) for e in clock.events.all()]
        assert kinds == [("start", ""), ("pause", "补充地址"), ("resume", ""), ("extend", "案情复杂")]
        assert clock_state(clock, at(2030, 5, 14, 9), CAL)["light"] == "red"

    def test_a_pause_moves_the_period_s_own_end_not_a_last_day_already_rolled(self, clerk: User) -> None:
        unit = Unit.objects.create(name="县信访局", kind="department")
        rule = Rule(ClockUnit.CALENDAR_DAYS, 18, roll_holidays=True)
        with transaction.atomic():
            clock = clock_start(
                obj=unit, name="告知期限", rule=rule, start=at(2030, 4, 13, 9), actor=clerk, calendar=CAL
            )
        assert clock.due_at.date() == dt.date(2030, 5, 2)  # day 18 is 1 May, a holiday: rolled to the 2nd
        with transaction.atomic():
            clock = clock_pause(clock=clock, reason="听证", actor=clerk, at=at(2030, 4, 20, 9))
            clock = clock_resume(clock=clock, actor=clerk, calendar=CAL, at=at(2030, 4, 21, 9))
        assert clock.due_at.date() == dt.date(2030, 5, 2)  # 1 May + 1 day waited = 2 May, not 2 May + 1
        assert clock.waited_days == 1

    def test_a_clock_stopped_while_paused_does_not_count_the_pause(self, clerk: User) -> None:
        unit = Unit.objects.create(name="县信访局", kind="department")
        with transaction.atomic():
            clock = clock_start(
                obj=unit,
                name="告知期限",
                rule=Rule(ClockUnit.CALENDAR_DAYS, 15),
                start=at(2030, 5, 6, 9),
                actor=clerk,
                calendar=CAL,
            )
            clock = clock_pause(clock=clock, reason="姓名不详", actor=clerk, at=at(2030, 5, 10, 9))
            clock = clock_stop(clock=clock, actor=clerk, reason="已告知", at=at(2030, 5, 30, 9))
        assert clock.paused_at is None
        assert clock.due_at == at(2030, 6, 10, 23, 59, 59)  # 21 May + the 20 days it waited
        assert clock.stopped_at is not None
        assert clock.stopped_at <= clock.due_at


# Reminders --------------------------------------------------------------------------------------


def broken_source(now: dt.datetime, calendar: WorkingCalendar) -> None:
    raise RuntimeError("a module's bug")


@pytest.mark.django_db
class TestReminders:
    def test_a_key_goes_to_a_person_once(self, clerk: User, leader: User) -> None:
        due = Due(key="matter:8:overdue:2026-11-27", recipient=clerk, title="督办事项已超期")
        assert remind_once(due, now=timezone.now())
        assert not remind_once(due, now=timezone.now())
        assert remind_once(Due(key=due.key, recipient=leader, title=due.title), now=timezone.now())
        assert Notification.objects.filter(title="督办事项已超期").count() == 2

    def test_a_failing_source_does_not_silence_the_others(self, clerk: User, settings: Settings) -> None:
        settings.REMINDER_SOURCES = ["shuniu.core.tests.test_mechanisms.broken_source"]
        assert reminders_run(now=timezone.now()) == 0


# The audit record comes last --------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_entries_are_written_when_the_service_is_done(clerk: User) -> None:
    seen_inside = []

    @audit.atomic
    def service() -> None:
        audit.record(actor=clerk, action="test.first")
        audit.record(actor=clerk, action="test.second")
        seen_inside.append(AuditEntry.objects.filter(action__startswith="test.").count())

    service()
    assert seen_inside == [0]  # nothing locked the chain's head while the work ran
    assert list(
        AuditEntry.objects.filter(action__startswith="test.").order_by("seq").values_list("action", flat=True)
    ) == [
        "test.first",
        "test.second",
    ]

    @audit.atomic
    def failing() -> None:
        audit.record(actor=clerk, action="test.failed")
        raise ValidationError("不行")

    with pytest.raises(ValidationError):
        failing()
    assert not AuditEntry.objects.filter(action="test.failed").exists()
    assert verify().ok


def test_stored_files_are_the_services_own(tmp_path: Path, settings: Settings) -> None:
    import os
    import stat

    from shuniu.core.files import path_for, store

    settings.VAR_DIR = tmp_path
    old = os.umask(0o022)  # a permissive umask must not matter
    try:
        store("ab" * 32, b"%PDF-1.4 x")
    finally:
        os.umask(old)
    path = path_for("ab" * 32)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_console_command_makes_private_files(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = "import os, shuniu.cli as c; c.main(['check']); print(oct(os.umask(0)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={**os.environ, "DEBUG": "1"}
    )
    assert out.stdout.strip().endswith("0o77")


def test_pages_are_read_without_counting(clerk: User) -> None:
    """A list page reads one row more than a page instead of counting the whole list (flat at ten years of data)."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from shuniu.core.paging import page_of

    Unit.objects.bulk_create([Unit(name=f"单位{n:02d}", kind="department") for n in range(45)])
    rows = Unit.objects.order_by("name")
    factory = RequestFactory()
    first = page_of(factory.get("/", {"q": "乡", "page": "x"}), rows, 20)
    assert (first.number, len(first), first.has_next, first.has_previous) == (1, 20, True, False)
    assert first.query == "q=%E4%B9%A1"
    with CaptureQueriesContext(connection) as queries:
        third = page_of(factory.get("/", {"page": "3"}), rows, 20)
    assert [u.name for u in third] == [u.name for u in rows][40:]
    assert (third.has_next, third.previous_page_number) == (False, 2)
    assert len(queries.captured_queries) == 1
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()
    beyond = page_of(factory.get("/", {"page": "99"}), rows, 20)
    assert (len(beyond), beyond.has_previous) == (0, True)
    with CaptureQueriesContext(connection) as queries:
        assert client_for(clerk).get("/documents/").status_code == 200
    assert not [
        q for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "documents_document" in q["sql"]
    ]


@pytest.mark.django_db
def test_a_statement_asked_again_is_prepared_on_postgresql(clerk: User) -> None:
    """PostgreSQL parses and plans a statement once it has run five times on a connection (settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    for _ in range(6):
        assert list(User.objects.filter(pk=clerk.pk).values_list("username", flat=True)) == [clerk.username]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert (
        'SELECT "core_user"."username" AS "username" FROM "core_user" WHERE "core_user"."id" = $1 ORDER BY 1 ASC'
        in prepared
    )


@pytest.mark.django_db
def test_counts_reads_every_count_in_one_statement(
    clerk: User, leader: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Each queryset counted as its own `count()` would, with its filters and joins, in one statement."""
    from shuniu.core.dbfunctions import counts

    make_unit("石门乡")
    active = User.objects.filter(is_active=True)
    leaders = User.objects.filter(role_grants__role="leader")
    townships = Unit.objects.filter(name__startswith="石门")
    with django_assert_num_queries(1):
        found = counts(active=active, leaders=leaders, townships=townships, none=Unit.objects.filter(pk=-1))
    assert found == {"active": active.count(), "leaders": leaders.count(), "townships": 1, "none": 0}
    assert found["leaders"] >= 1
    assert counts() == {}
    with django_assert_num_queries(0):  # nothing by its very conditions: not asked
        assert counts(nobody=User.objects.none()) == {"nobody": 0}
    expected = {"nobody": 0, "active": active.count()}
    with django_assert_num_queries(1):
        assert counts(nobody=User.objects.none(), active=active) == expected
    shapes = {  # counted as they are, as count() counts them
        "sliced": active.order_by("username")[:2],
        "distinct": User.objects.values("is_active").distinct(),
        "grouped": User.objects.values("is_active").annotate(n=Count("pk")),
    }
    expected = {name: rows.count() for name, rows in shapes.items()}
    assert expected["sliced"] == 2
    assert counts(**shapes) == expected
