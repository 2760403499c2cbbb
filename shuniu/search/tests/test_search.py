"""The one search: a table of queries and their hits on both databases, scope and clearance inside the query,
no personal data in the index, the index written in the writer's transaction, and the rebuild command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from shuniu.core.models import Clearance, Contact, Role, Unit, UnitKind, User
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.documents import services as documents
from shuniu.documents.models import Document, Reading, Status
from shuniu.knowledge import services as knowledge
from shuniu.knowledge.models import Fact, FactGroup
from shuniu.petitions import services as petitions
from shuniu.petitions.selectors import Person
from shuniu.search import selectors, terms
from shuniu.search.models import Entry
from shuniu.search.registry import kinds
from shuniu.search.services import entry_update, index_missing, index_rebuild
from shuniu.supervision import services as supervision
from shuniu.supervision.models import Source

ID = "11010519491231002X"
PHONE = "13812345678"
OTHER_PHONES = ("１３９ ８７６５ ４３２１", "+86 137-0000-1111", "110105 19491231 002Ｘ")  # as people type them


def _document(clerk: User, title: str, **more: object) -> Document:
    return documents.document_register(
        actor=clerk,
        received_at=timezone.now() - dt.timedelta(hours=1),
        source_org=str(more.pop("source_org", "市委办公室")),
        title=title,
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def county(clerk: User, director: User, leader: User) -> dict[str, object]:
    """A little of everything: documents (one 机密), a matter, a petition, a fact and the directory."""
    township = make_unit("石门乡", UnitKind.TOWNSHIP)
    Unit.objects.filter(pk=township.pk).update(phone="0999-6212345")
    Contact.objects.create(unit=township, name="吴建设", title="党委办主任", office_phone="0999-6212300", mobile=PHONE)
    entry_update(Unit.objects.get(pk=township.pk))
    census = _document(clerk, "关于开展第七次人口普查工作的通知", source_org="市统计局", source_number="统〔2026〕15号")
    border = _document(
        clerk,
        "关于石门乡行政区划调整的请示",
        secrecy=Clearance.CONFIDENTIAL,
        secrecy_term="10年",
        source_org="县民政局",
    )
    heating = _document(clerk, "关于做好冬季供暖保障的通知")
    supervisor = make_user("supervisor", [Role.SUPERVISOR], full_name="赵督查")
    matter = supervision.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="石门乡督办道路修缮",
        content="抓紧修缮石门乡至县城道路，入冬前完工。",
        lead_unit=township,
        instructing_leader=leader,
        instruction="请督办落实。",
        deadline=timezone.now() + dt.timedelta(days=20),
    )
    officer = make_user("officer", [Role.PETITION_OFFICER], full_name="孙接待")
    person = Person(name="张建国", id_number=ID, phone=PHONE, township=township, address="东风村三组 12 号")
    petition = petitions.petition_register(
        actor=officer,
        channel="visit",
        received_at=timezone.now() - dt.timedelta(minutes=5),
        category="request",
        topic="land",
        summary=f"张建国反映征地补偿款至今未发放，联系电话{PHONE}，身份证{ID}。",
        appeal=f"请求足额发放补偿款。家属电话{OTHER_PHONES[0]}，村委会{OTHER_PHONES[1]}，另{OTHER_PHONES[2]}。",
        people=[person],
    )
    group = FactGroup.objects.create(name="人口", sort_order=1)
    fact = Fact.objects.create(group=group, name="常住人口", measure="万人")
    knowledge.statement_add(fact=fact, actor=clerk, value="52.3", as_of=dt.date(2025, 12, 31), source="统计公报")
    return {
        "township": township,
        "census": census,
        "border": border,
        "heating": heating,
        "matter": matter,
        "petition": petition,
        "fact": fact,
        "supervisor": supervisor,
        "officer": officer,
    }


def found(user: User, query: str) -> set[tuple[str, int]]:
    return {(g.kind.key, h.object_id) for g in selectors.search(user, query) for h in g.hits}


def key(obj: object) -> tuple[str, int]:
    from shuniu.search.registry import kind_of

    return kind_of(obj).key, obj.pk  # type: ignore[arg-type,attr-defined]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("乡", {"township", "border", "matter"}),  # one character, mid-word and at the end
        ("督办", {"matter"}),  # two characters (the matter's title and the leader's instruction)
        ("人口普查", {"census"}),  # four
        ("口普", {"census"}),  # from the middle of a word
        ("人口", {"census", "fact"}),
        ("统〔2026〕15号", {"census"}),  # an issuing number with its brackets (and its whole number's token)
        ("〔2026〕15", {"census"}),
        ("6〕15号", {"census"}),  # a number at the word's edge asks for no token (615 is part of 202615)
        ("局统〔2026〕15号", set()),  # the long number's token is there, the phrase (across two fields) is not:
        # on PostgreSQL, the phrase checked on the entries the token's lookup found
        ("2026 15号", {"census"}),  # two words, both required
        ("6212345", {"township"}),  # a phone number in the directory, from its middle
        ("0999-6212300", {"township"}),  # a contact's office phone, with its hyphen
        ("smx", {"township"}),  # pinyin initials of a unit
        ("wjs", {"township"}),  # …and of a contact
        ("ＳＭＸ", {"township"}),  # full-width capitals fold
        ("供暖", {"heating"}),
        ("征地", {"petition"}),
        ("人口调查", set()),  # the pieces must follow one another
        ("石门 供暖", set()),  # every word must be found in one record
    ],
)
def test_query_table(county: dict[str, object], director: User, query: str, expected: set[str]) -> None:
    """The director (机密 clearance, every module) finds exactly these records."""
    assert found(director, query) == {key(county[name]) for name in expected}


def test_clearance_inside_the_query(county: dict[str, object], clerk: User, leader: User) -> None:
    """A clerk without clearance, and a leader whose copy is on record but whose clearance is too low, never see the 机密 title."""
    border = county["border"]
    assert key(border) not in found(clerk, "行政区划")
    Reading.objects.create(document=border, leader=leader)  # type: ignore[misc]
    Document.objects.filter(pk=border.pk).update(status=Status.CIRCULATING)  # type: ignore[attr-defined]
    User.objects.filter(pk=leader.pk).update(clearance=Clearance.SECRET)
    leader.refresh_from_db()
    assert key(border) not in found(leader, "行政区划")
    User.objects.filter(pk=leader.pk).update(clearance=Clearance.CONFIDENTIAL)
    leader.refresh_from_db()
    assert key(border) in found(leader, "行政区划")


def test_scope_by_role(county: dict[str, object], liaison: User, outsider: User, leader: User) -> None:
    """A liaison finds their unit's matter only; nobody outside petition work finds a petition; a leader finds what they instructed."""
    township_liaison = make_user("wuxia", [Role.LIAISON], unit=county["township"])  # type: ignore[arg-type]
    assert key(county["matter"]) in found(township_liaison, "修缮")
    assert key(county["matter"]) not in found(liaison, "修缮")
    assert found(outsider, "征地") == set()
    assert key(county["petition"]) in found(county["officer"], "征地")  # type: ignore[arg-type]
    assert key(county["petition"]) not in found(county["supervisor"], "征地")  # type: ignore[arg-type]
    assert key(county["matter"]) in found(leader, "修缮")
    assert found(leader, "供暖") == set()  # a registered document not sent to them


def test_no_personal_data_in_the_index(county: dict[str, object]) -> None:
    """The petitioner's name, ID number and phone are nowhere in the index table (nor its search structures)."""
    rows = " ".join(" ".join(map(str, row)) for row in Entry.objects.values_list("title", "detail", "terms"))
    assert "张建国" not in rows
    assert ID not in rows
    assert ID[:-1] not in rows  # nor its digits as a whole number's token
    assert PHONE not in rows
    for secret in ("张建国", ID.lower(), PHONE):
        assert " ".join(terms.pieces(secret)) not in rows
    petition_terms = Entry.objects.get(kind="petition").terms
    assert "征地" in petition_terms  # the matter itself is there
    assert "张建" not in petition_terms
    assert " ".join(terms.pieces(PHONE)[:5]) not in rows  # not even the first six digits in order
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_entry_fts WHERE search_entry_fts MATCH %s", ['"张建 建国"'])
            assert cursor.fetchone()[0] == 0
    for typed in OTHER_PHONES:
        digits = terms.normalize(typed)
        assert " ".join(terms.pieces(digits[-7:])) not in rows, typed
    officer = county["officer"]
    assert found(officer, "张建国") == set()  # type: ignore[arg-type]
    assert found(officer, "87654321") == set()  # type: ignore[arg-type]
    assert found(officer, "补偿款") == {key(county["petition"])}  # type: ignore[arg-type]
    assert found(officer, PHONE[3:]) == set()  # type: ignore[arg-type]


def test_index_is_written_in_the_writers_transaction(clerk: User, director: User) -> None:
    """A registration that rolls back leaves no entry; a correction is found by its new title at once."""

    inside: set[tuple[str, int]] = set()

    def register_then_fail() -> None:
        with transaction.atomic():
            _document(clerk, "关于秸秆禁烧的紧急通知")
            inside.update(found(director, "秸秆"))  # inside the transaction, already searchable
            raise RuntimeError

    with pytest.raises(RuntimeError):
        register_then_fail()
    assert len(inside) == 1
    assert found(director, "秸秆") == set()
    assert not Entry.objects.filter(title__contains="秸秆").exists()
    document = _document(clerk, "关于防汛抗旱的通知")
    documents.document_correct(document=document, actor=clerk, reason="标题有误", title="关于森林防火的通知")
    assert found(director, "森林防火") == {key(document)}
    assert found(director, "防汛") == set()


def test_rebuild_command(county: dict[str, object], director: User) -> None:
    before = found(director, "乡")
    Entry.objects.all().delete()
    assert found(director, "乡") == set()
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    assert found(director, "乡") == before
    assert "收文：3 条" in out.getvalue()
    assert index_rebuild(only="fact") == {"fact": 1}
    Entry.objects.filter(kind="unit").delete()  # as if loaded without a service
    assert index_missing()["unit"] == Unit.objects.count()
    assert set(index_missing().values()) == {0}  # nothing left to do, nothing audited
    assert found(director, "乡") == before


def test_match_and_permission_in_one_statement(county: dict[str, object], director: User, liaison: User) -> None:
    """Every statement that reads hits also checks the permission (EXISTS on the module's scoped query),
    whatever the number of hits: one per kind on SQLite (after one pass for a rare word's ids of every kind,
    which reads nothing else); on PostgreSQL the index asked for a few candidates first, then (a common word)
    the newest entries, then the index if they did not fill the page."""

    per_kind = 1 if connection.vendor == "sqlite" else 3
    with CaptureQueriesContext(connection) as queries:
        selectors.search(director, "乡")
    reading = [q["sql"] for q in queries.captured_queries if "search_entry" in q["sql"] and "detail" in q["sql"]]
    assert 0 < len(reading) <= len(kinds()) * 2  # a kind with no candidate is not read at all
    assert all("EXISTS" in sql for sql in reading)
    probes = [
        q["sql"]
        for q in queries.captured_queries
        if "detail" not in q["sql"] and ("MATCH" in q["sql"] or "@@" in q["sql"])
    ]
    assert probes
    # The first statement asks every kind at once for the entries' ids, no record read from them: SQLite's
    # pass, PostgreSQL's probe of each kind (its few matches, or "many"), whoever searches. Every statement
    # after it that matches words checks the permission.
    if connection.vendor == "sqlite":
        assert "search_entry_fts MATCH" in probes[0]
    else:
        assert len(kinds()) == probes[0].count(") UNION ALL (") + 1
        assert "EXISTS" not in probes[0]
        assert "title" not in probes[0]
    for sql in probes[1:]:
        assert "EXISTS" in sql, sql
    shared = 1  # the one pass for every kind
    assert len([q for q in queries.captured_queries if "search_entry" in q["sql"]]) <= len(kinds()) * per_kind + shared
    with CaptureQueriesContext(connection) as queries:
        selectors.search(liaison, "乡")  # calls are none of a liaison's: not asked at all
    asked = [q["sql"] for q in queries.captured_queries if "search_entry" in q["sql"]]
    assert 0 < len(asked) < len(kinds()) * per_kind + shared
    assert not any("notices_call" in sql for sql in asked)
    # Documents are asked (those their unit holds a copy of), the unit's copy checked in the same statement.
    assert all("documents_unitcopy" in sql for sql in asked if "documents_document" in sql)


def test_bad_queries_say_why(director: User) -> None:
    client = client_for(director)
    for query, message in (("   ", "请输入要查找的内容"), ("〔〕，。", "没有可查找的文字")):
        response = client.get(reverse("search:search"), {"q": query})
        assert response.status_code == 200
        assert message in response.content.decode()
    response = client.get(reverse("search:search"), {"q": "人口", "kind": "nonsense"})
    assert response.status_code == 400
    assert "没有这一类资料" in response.content.decode()
    response = client.get(reverse("search:search"), {"q": "人口", "kind": "document", "before": "abc"})
    assert response.status_code == 200


def test_page_groups_and_pages(county: dict[str, object], clerk: User, director: User) -> None:
    for n in range(selectors.PAGE + 3):
        _document(clerk, f"关于第{n + 1}批乡村振兴项目的通知")
    client = client_for(director)
    page = client.get(reverse("search:search"), {"q": "乡村振兴"}).content.decode()
    assert "收文" in page
    assert "查看更多收文" in page
    assert page.count("乡村振兴项目") == selectors.PER_KIND
    first = selectors.search(director, "乡村振兴", only="document")[0]
    assert len(first.hits) == selectors.PAGE
    assert first.more
    second = selectors.search(director, "乡村振兴", only="document", before=first.before)[0]
    assert len(second.hits) == 3
    assert not second.more
    assert {h.object_id for h in first.hits}.isdisjoint({h.object_id for h in second.hits})
    page = client.get(reverse("search:search"), {"q": "乡村振兴", "kind": "document"}).content.decode()
    assert "下一页" in page


def test_menu_box_on_every_page(director: User) -> None:
    page = client_for(director).get(reverse("board:workbench")).content.decode()
    assert 'action="/search/"' in page
    assert 'name="q"' in page


def test_pinyin_initials() -> None:
    assert terms.initials("王芳") == "wf"
    assert terms.initials("石门乡") == "smx"
    assert terms.initials("县财政局2") == "xczj2"


def test_the_register_searches_through_the_index(county: dict[str, object], clerk: User, director: User) -> None:
    """The register's box finds any piece of a title or number, within the other filters and the user's clearance."""
    client = client_for(director)
    page = client.get(reverse("documents:register"), {"q": "口普"}).text
    assert "第七次人口普查" in page
    assert "冬季供暖" not in page
    assert "第七次人口普查" in client.get(reverse("documents:register"), {"q": "〔2026〕15"}).text
    assert "第七次人口普查" not in client.get(reverse("documents:register"), {"q": "口普", "status": "closed"}).text
    assert "行政区划调整" in client.get(reverse("documents:register"), {"q": "区划"}).text
    assert "行政区划调整" not in client_for(clerk).get(reverse("documents:register"), {"q": "区划"}).text  # 机密
    assert client.get(reverse("documents:register"), {"q": "〔〕"}).status_code == 200


def test_a_common_word_pages_alike_whichever_way_it_is_read(
    county: dict[str, object], clerk: User, director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL reads a word with few matches through the index, a common one newest first: same pages."""
    for n in range(selectors.PAGE + 3):
        _document(clerk, f"关于第{n + 1}批乡村振兴项目的通知")

    def pages() -> list[list[int]]:
        first = selectors.search(director, "乡村振兴", only="document")[0]
        second = selectors.search(director, "乡村振兴", only="document", before=first.before)[0]
        return [[h.object_id for h in first.hits], [h.object_id for h in second.hits]]

    few = pages()
    monkeypatch.setattr(selectors, "HOT", selectors.SAMPLE + 1)  # no kind is found common by its newest entries
    monkeypatch.setattr(selectors, "FEW", 2)  # but by its index: every word is common
    assert pages() == few
    monkeypatch.setattr(selectors, "RECENT", 8)  # and the newest entries do not fill a page
    assert pages() == few
    monkeypatch.setattr(selectors, "FEW", 1_000)
    monkeypatch.setattr(selectors, "HOT", 1)  # the newest entries find every word common
    assert pages() == few
    assert [len(page) for page in few] == [selectors.PAGE, 3]


@pytest.mark.parametrize("query", ["乡", "乡村振兴", "〔2026〕15", "人口 普查", "第2批", "不存在的词语"])
def test_the_page_of_every_kind_is_the_same_whether_a_word_is_rare_or_common(
    county: dict[str, object], clerk: User, director: User, liaison: User, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite reads a rare word's matches of every kind in one pass and each kind takes its own from them;
    a common word is asked kind by kind. PostgreSQL takes a kind's few visible matches from its probe, and
    reads a kind with many newest first (then through the index, when the newest do not fill the page).
    The same groups either way, for a director and for a liaison."""
    for n in range(8):
        _document(clerk, f"关于第{n + 1}批乡村振兴项目的通知")

    def groups(user: User) -> list[tuple[str, list[int], bool]]:
        return [(g.kind.key, [h.object_id for h in g.hits], g.more) for g in selectors.search(user, query)]

    rare = {user.username: groups(user) for user in (director, liaison)}
    monkeypatch.setattr(selectors, "SHARED", 1)  # every word is common
    monkeypatch.setattr(selectors, "HOT", selectors.SAMPLE + 1)  # PostgreSQL: by the index, not the newest entries
    monkeypatch.setattr(selectors, "FEW", 1)
    assert {user.username: groups(user) for user in (director, liaison)} == rare
    monkeypatch.setattr(selectors, "RECENT", 3)  # and the newest entries do not fill a page
    assert {user.username: groups(user) for user in (director, liaison)} == rare
    monkeypatch.setattr(selectors, "FEW", 1_000)
    monkeypatch.setattr(selectors, "HOT", 1)  # by the newest entries, whatever the index holds
    assert {user.username: groups(user) for user in (director, liaison)} == rare
    if query in ("乡", "乡村振兴"):
        assert rare[director.username]  # the table has hits to compare


def test_a_kind_without_the_word_is_not_asked(county: dict[str, object], director: User) -> None:
    """The page of every kind first asks every kind at once for its matches (SQLite: a rare word's, in one
    pass over the index; PostgreSQL: each kind's few ones, in one statement), then reads only the kinds
    that have some."""
    with CaptureQueriesContext(connection) as queries:
        assert found(director, "修缮") == {key(county["matter"])}
    first, *rest = [q["sql"] for q in queries.captured_queries if "search_entry" in q["sql"]]
    assert len(rest) == 1  # the matters' page, with its permission
    assert "supervision_matter" in rest[0]
    for table in ("documents_document", "petitions_petition", "knowledge_fact", "core_unit"):
        assert table not in rest[0], table
    if connection.vendor == "postgresql":
        assert first.count(") UNION ALL (") == len(kinds()) - 1  # the director may see every kind


def test_a_kind_the_searcher_may_see_none_of_is_not_read(
    county: dict[str, object], clerk: User, director: User
) -> None:
    """A module's scope for someone who may see none of its records is `none()` (the clerk holds no role that
    sees supervision matters): the matters are never read, not even with a `false`. (The first statement,
    which holds no one's scope, may ask whether matters hold the word: that chooses statements, and shows
    nothing.) Every module keeps to it: someone with no role at all has every kind's scope `none()`."""
    from shuniu.search.registry import KINDS

    assert selectors._nothing(KINDS["matter"].visible(clerk))
    assert not selectors._nothing(KINDS["matter"].visible(director))
    assert selectors._nothing(KINDS["matter"].visible(director).none())
    nobody = make_user("nobody", [], full_name="无角色")
    assert [kind.key for kind in kinds() if not selectors._nothing(kind.visible(nobody))] == []
    with CaptureQueriesContext(connection) as queries:
        assert found(clerk, "修缮") == set()  # the director finds the matter (above)
    assert queries.captured_queries
    assert not any("supervision_matter" in q["sql"] for q in queries.captured_queries)
    assert not any("'matter'" in q["sql"] for q in queries.captured_queries if "detail" in q["sql"])  # no reading


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's probes")
def test_a_kind_whose_newest_entries_hold_the_word_is_read_newest_first(
    county: dict[str, object], clerk: User, director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe samples each kind's newest entries: when HOT of them match, the kind is read newest first
    and its index's matches are not collected (if the newest do not fill the page: the searcher's records,
    when few, else the index); otherwise (few matches) the candidates come from the index."""
    many = selectors.PER_KIND + 1  # a page, and one more to tell there are more
    for n in range(many):
        _document(clerk, f"关于第{n + 1}批乡村振兴项目的通知")

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert len(found(director, "乡村振兴")) == selectors.PER_KIND
        return [q["sql"] for q in queries.captured_queries if "search_entry" in q["sql"]]

    monkeypatch.setattr(selectors, "HOT", many)
    probe, *reads = statements()
    assert f"LIMIT {selectors.SAMPLE}) search_entry WHERE" in probe  # the sample, in the one statement of every kind
    assert len(reads) == 1  # the documents', newest first
    assert "NOT MATERIALIZED" in reads[0]
    assert "search_entry.id < " not in reads[0]
    monkeypatch.setattr(selectors, "RECENT", 1)  # the newest entries do not fill the page: the director may
    _, *reads = statements()  # see fewer than FEW documents, and those are the candidates
    assert len(reads) == 2
    assert '"search_entry"."object_id" IN (' in reads[1]
    assert "EXISTS" in reads[1]
    monkeypatch.setattr(selectors, "FEW", 1)  # more than FEW: the GIN index answers
    _, *reads = statements()
    assert '"search_entry"."object_id" IN (' not in reads[-1]
    assert "search_entry.terms_vector @@" in reads[-1]
    monkeypatch.setattr(selectors, "FEW", 1_000)
    monkeypatch.setattr(selectors, "RECENT", 1_000)
    monkeypatch.setattr(selectors, "HOT", many + 1)  # one more than the documents hold
    _, *reads = statements()
    assert len(reads) == 1  # the documents' candidates
    assert "NOT MATERIALIZED" not in reads[0]
    assert '"search_entry"."id" IN (' in reads[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
@pytest.mark.django_db
def test_every_kind_has_its_own_index() -> None:
    """A kind's statements are answered by its own partial GIN index (migration 0002): a kind registered
    later without one would be read entry by entry."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'search_entry' AND indexdef LIKE '%gin%'")
        indexed = [definition for (definition,) in cursor.fetchall()]
    for kind in kinds():
        assert any(f"WHERE ((kind)::text = '{kind.key}'::text)" in definition for definition in indexed), kind.key


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_only_the_search_statement_whose_plan_needs_no_values_is_prepared(
    county: dict[str, object], director: User
) -> None:
    """A statement run five times on a connection is prepared (settings), and PostgreSQL may then keep one
    plan for any values. The statements that read a kind's entries are planned with their values every
    time (never prepared); the first statement, which asks every kind, is prepared and PostgreSQL keeps
    a plan for it, and that plan knows each kind as a constant (the kinds are written into it), so each
    kind's partial index applies, and turns the words into a tsquery once, not for every entry it checks.
    (Which index answers depends on the table's size: the search benchmark shows them at a million
    entries.)"""
    for _ in range(8):
        for query in ("督办", "人口普查", "修缮", "乡"):
            found(director, query)
        assert selectors.search(director, "人口普查", only="document")[0].hits
        assert User.objects.filter(pk=director.pk).values_list("username", flat=True).get() == director.username
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement, generic_plans FROM pg_prepared_statements")
        rows = cursor.fetchall()
    prepared = {name: statement for name, statement, _ in rows}
    kept = {name: generic for name, _, generic in rows}
    statements = list(prepared.values())
    reading = [s for s in statements if "to_tsquery" in s and "hot AS MATERIALIZED" not in s]
    assert not reading  # the index's writes may be prepared
    probes = {name: s for name, s in prepared.items() if "hot AS MATERIALIZED" in s and s.count(") UNION ALL (") > 1}
    assert len(probes) == 1  # every kind asked in one statement, the same text whatever the words
    ((name, probe),) = probes.items()
    assert kept[name] > 0  # PostgreSQL chose, by itself, to keep one plan for it rather than plan every search
    assert (
        'SELECT "core_user"."username" AS "username" FROM "core_user" WHERE "core_user"."id" = $1 LIMIT 21'
        in statements
    )
    tsquery = terms.tsquery(selectors.parse("督办")).replace("'", "''")
    arguments = ", ".join([f"'{tsquery}'"] * probe.count("$"))  # the words, for every parameter
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            cursor.execute(f"EXPLAIN EXECUTE {name}({arguments})")
            plan = "\n".join(line for (line,) in cursor.fetchall())
        finally:
            cursor.execute("RESET plan_cache_mode")
    for kind in kinds():  # the kind known when planning: its partial index applies (at a million entries, it answers)
        assert f"(kind)::text = '{kind.key}'::text" in plan, kind.key
    assert "(kind)::text = $" not in plan
    # the words turned into a tsquery once, in a subplan, not again for every entry a kind's sample checks
    assert "@@ to_tsquery(" not in plan
    assert "@@ (InitPlan" in plan or "@@ $" in plan


def test_whole_numbers() -> None:
    """A number's token is asked only where the query's number has a character on both sides."""
    assert terms.whole_numbers("第99999项") == [["num99999"]]
    assert terms.whole_numbers("收〔2026〕15号 第3批") == [["num202615"], ["num3"]]
    assert terms.whole_numbers("2026 15号 第12") == []  # a run at a word's edge may be longer in the record
    text = terms.index_text(["关于第99999项工作的通知", "统〔2026〕15号", "5"], "document").split()
    assert text[-2:] == ["num99999", "num202615"]  # each field's own runs; a one-character field has no pieces


def test_an_index_written_before_the_numbers_is_brought_up_to_date(county: dict[str, object], director: User) -> None:
    """Migration 0003 gives the entries indexed before the number tokens the same ones a record gets now."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shuniu.search.migrations.0003_whole_numbers")
    now = dict(Entry.objects.values_list("pk", "terms"))
    for pk, text in now.items():
        Entry.objects.filter(pk=pk).update(terms=migration._without_numbers(text))
    assert "num" not in " ".join(Entry.objects.values_list("terms", flat=True))
    assert found(director, "统〔2026〕15号") == set()  # the token is asked, and the old entry has none
    migration._rewrite(apps, migration._with_numbers)
    assert dict(Entry.objects.values_list("pk", "terms")) == now
    assert found(director, "统〔2026〕15号") == {key(county["census"])}
    migration._rewrite(apps, migration._with_numbers)  # again: nothing changes
    assert dict(Entry.objects.values_list("pk", "terms")) == now


FIELD = st.text(alphabet="第项号统局〔〕 12305６①½٣-", max_size=14)


@given(fields=st.lists(FIELD, min_size=1, max_size=3), query=FIELD, cut=st.integers(1, 40))
@settings(max_examples=400, deadline=None)
def test_the_number_tokens_never_change_what_a_query_matches(fields: list[str], query: str, cut: int) -> None:
    """A record matches a query's phrases exactly when it also holds the query's number tokens: the tokens
    only make the lookup cheaper. Checked on the index text itself (phrases in one field, in order; a
    token anywhere), with full-width, circled and Arabic-Indic digits, and the pieces cut short as
    MAX_PIECES cuts them; and migration 0003 gives a text without tokens back its tokens exactly."""
    import importlib

    words = terms.query_terms(query)
    if not words:
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(terms, "MAX_PIECES", cut)
        tokens = terms.index_text(fields, "document").split()
    pieces = tokens[1 : tokens.index(terms.SINGLES)]
    held = set(tokens)
    runs = [" ".join(field.split()) for field in " ".join(pieces).split(terms.FIELD_BREAK)]

    def matches(word: list[str]) -> bool:
        if len(word) == 1:  # one character, or a number's token: anywhere in the record
            return word[0] in held
        return any(f" {' '.join(word)} " in f" {run} " for run in runs)

    assert all(map(matches, words)) == all(map(matches, words + terms.whole_numbers(query)))
    migration = importlib.import_module("shuniu.search.migrations.0003_whole_numbers")
    text = " ".join(tokens)
    assert migration._with_numbers(migration._without_numbers(text)) == text


def test_a_kind_key_is_a_name_the_statements_may_hold() -> None:
    """PostgreSQL's first statement writes each kind's key as a literal: a key is checked when registered."""
    from dataclasses import replace

    from shuniu.search.registry import register

    for kind in kinds():
        assert selectors._literal(kind) == f"'{kind.key}'"
    with pytest.raises(ValueError, match="小写字母"):
        register(replace(kinds()[0], key="document'; DROP TABLE search_entry; --"))
    assert all("'" not in kind.key for kind in kinds())
