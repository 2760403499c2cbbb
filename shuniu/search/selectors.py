"""The search: a query's hits of each kind, newest first, each checked against what the searcher may see.

Every statement that matches also checks the permission: the entries whose pieces match, that the kind's
own `visible(user)` also returns (an EXISTS on the record's table), newest entry first, one more than a
page so "more" needs no count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import BooleanField, Exists, Model, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from shuniu.core.dbfunctions import unprepared
from shuniu.core.models import User
from shuniu.search import terms
from shuniu.search.models import Entry
from shuniu.search.registry import KINDS, Kind, kinds

M = TypeVar("M", bound=Model)
PER_KIND = 5  # on the page of every kind
PAGE = 20  # on the page of one kind
MAX_WORDS = 8


class QueryError(ValueError):
    """A query that cannot be searched (empty, only punctuation, too many words); the message says why."""


def parse(query: str) -> list[list[str]]:
    """The query's words as pieces, then its whole numbers' tokens; or QueryError with the Chinese reason."""
    if not query.strip():
        raise QueryError("请输入要查找的内容。")
    words = terms.query_terms(query[:200])
    if not words:
        raise QueryError("查找内容中没有可查找的文字或数字（标点符号不参与查找）。")
    if len(words) > MAX_WORDS:
        raise QueryError(f"查找内容最多 {MAX_WORDS} 个词（以空格分隔）。")
    return words + terms.whole_numbers(query[:200])


@dataclass(frozen=True)
class Hit:
    """One result: its title and line as indexed, and the link to the record."""

    title: str
    detail: str
    url: str
    object_id: int
    entry_id: int  # where the next page starts


@dataclass(frozen=True)
class Group:
    """One kind's hits for a query, and whether there are more (then `before` asks for the next page)."""

    kind: Kind
    hits: list[Hit]
    more: bool

    @property
    def before(self) -> int | None:
        """Where the next page starts (the last hit's record), if there is one."""
        return self.hits[-1].entry_id if self.more and self.hits else None


def _matching(entries: QuerySet[Entry], kind: Kind, words: list[list[str]], before: int | None) -> QuerySet[Entry]:
    """`entries` that match `words`, newest first (the entry's id), before the entry `before` when paging.

    SQLite: driven by the FTS5 table in descending rowid order, so the search stops after a page's worth
    of entries the searcher may see (a rare word reads few rows, a common one stops early); the kind is a
    token of its own, so a kind with few records is not searched through another's.

    PostgreSQL: the kind's own GIN index on the tsvector (migration 0002). See `_rows` for when it is not
    asked, and `_newest` for what is asked instead.
    """
    if connection.vendor == "postgresql":
        condition, match = _ts_match(words)
        matched = entries.filter(RawSQL(condition, match, output_field=BooleanField()))  # noqa: S611 - fixed SQL
        return (matched.filter(id__lt=before) if before is not None else matched).order_by("-id")
    where = ["search_entry_fts.rowid = search_entry.id", "search_entry_fts MATCH %s"]
    params: list[object] = [f"{terms.kind_token(kind.key)} AND {terms.fts5_query(words)}"]
    if before is not None:
        where.append("search_entry_fts.rowid < %s")
        params.append(before)
    return entries.extra(  # noqa: S610 - fixed SQL; the words and the page are parameters
        tables=["search_entry_fts"], where=where, params=params, order_by=["-search_entry_fts.rowid"]
    )


def _newest(
    entries: QuerySet[Entry], kind: Kind, words: list[list[str]], before: int | None, window: slice, *fields: str
) -> tuple[str, list[Any]]:
    """PostgreSQL: the statement for a window of `entries` matching `words` among the kind's newest entries.

    Among the kind's newest RECENT entries (`_kind_newest`, before the entry `before` when paging), read
    newest first and stopping at the window's end, the match and the permission checked on each as it
    comes (the vector is wrapped, so the planner cannot take the GIN index there). The subquery is a CTE
    named like the table, which the statement built from `entries` then reads in its place. The outer order
    names the kind too: the subquery's order is then the outer one, and the statement stops at a page
    (ordered by the id alone, PostgreSQL 15 sorted all RECENT entries: 30 ms for a liaison's 督办, against
    1 ms).
    """
    check, match = _ts_match(words, indexed=False)
    rows = entries.filter(RawSQL(check, match, output_field=BooleanField()))  # noqa: S611 - fixed SQL
    sql, params = rows.order_by("-kind", "-id").values_list(*fields)[window].query.sql_with_params()
    newest = f"WITH search_entry AS NOT MATERIALIZED ({_kind_newest('*', RECENT, older=before is not None)}) "
    return newest + sql, [kind.key, kind.key, *([before] if before is not None else []), *params]


def _kind_newest(columns: str, limit: int, *, older: bool = False, kind: str = "%s") -> str:
    """PostgreSQL: the SQL of a kind's newest `limit` entries' `columns`, newest first (before an entry, if `older`).

    Its parameters: the kind's key twice (unless `kind` is its literal), then the entry when `older`. Read backwards through the
    (kind, id) index, lazily. The kind is asked as a range, not an equality, so the planner keeps it in the
    order and must read that index: with `kind = …` it read the primary key backwards instead, through
    every newer entry of other kinds (180,000 matters and petitions before the newest document, 150 ms, in
    a table loaded kind by kind).
    """
    before = " AND search_entry.id < %s" if older else ""
    return (
        f"SELECT {columns} FROM search_entry "  # noqa: S608 - fixed SQL: our columns, the values are parameters
        f"WHERE search_entry.kind >= {kind} AND search_entry.kind <= {kind}{before} "
        f"ORDER BY search_entry.kind DESC, search_entry.id DESC LIMIT {limit:d}"
    )


def _ts_match(words: list[list[str]], *, indexed: bool = True, seen: bool = True) -> tuple[str, list[str]]:
    """PostgreSQL: the condition that an entry matches `words`, and its parameters.

    `indexed`: for the kind's GIN index to answer. (A kind's index is partial, so the planner must see the
    kind's value: the statements that read entries are never prepared (`_rows`: `unprepared`), as one
    plan for any values could take none of the kinds' indexes; `_matches` writes the kinds into its
    statement.) A query with a long whole
    number (第99999项, a phone number) has the index look up only that number's token, and its pieces are
    checked on the few entries that hold it: the index reads every piece's list of entries whole, so
    第9 99 9项 (each in thousands of titles) cost 6.8 ms with the number's token among them, and 0.08 ms
    after it. Any other query is looked up whole. Not `indexed` (entries read one by one, newest first),
    the vector is wrapped, so the planner cannot take the index.

    Not `seen`: the words looked up are a subquery the planner does not read, so it does not guess from
    them how many entries match and takes the index. It guesses from the words' frequency in every kind:
    通知, in every document's title, it took for a word in 83 % of the matters as well, and read all
    100,000 of them one by one (88 ms) instead of asking the matters' index (0.1 ms: none).

    The words an entry is checked against one by one are a subquery too, turned into a tsquery once: in a
    plan kept for any values (`_matches`), `to_tsquery` of a parameter ran again for every entry checked,
    and a sample of 100 cost 0.4 ms instead of 0.16.
    """
    check = "(search_entry.terms_vector || ''::tsvector) @@ (SELECT to_tsquery('simple'::regconfig, %s))"
    lookup = "search_entry.terms_vector @@ to_tsquery('simple'::regconfig, %s)"
    if not seen:
        lookup = "search_entry.terms_vector @@ (SELECT to_tsquery('simple'::regconfig, %s))"
    if not indexed:
        return check, [terms.tsquery(words)]
    if rare := terms.long_numbers(words):
        return f"{lookup} AND {check}", [terms.tsquery(rare), terms.tsquery(words)]
    return lookup, [terms.tsquery(words)]


def _literal(kind: Kind) -> str:
    """A kind's key as an SQL literal: the registry's own name, letters checked when registered (never what a user typed)."""
    return f"'{kind.key}'"


RECENT = 2_000  # PostgreSQL: a kind's newest entries tried first, newest first, for a common word
FEW = 1_000  # PostgreSQL: below this many matches of a kind (or of the searcher's records of it), they are read at once
SAMPLE, HOT = 100, 3  # PostgreSQL: a kind whose newest SAMPLE entries hold HOT matches is read newest first


def _matches(asked: list[Kind], words: list[list[str]]) -> dict[str, list[int] | None]:
    """PostgreSQL: each kind's entries matching `words` (their ids, fewer than FEW), or None where they are many.

    Nothing here depends on who searches, and nothing it finds is shown: it only decides how each kind is
    read, and the reading checks the permission inside its statement (`_rows`). A kind without a match is
    not read at all.

    Every kind is asked in one statement, a UNION ALL of one probe a kind. A kind's matches are many when
    HOT of its newest SAMPLE entries match (checked one by one: 100 entries cost 0.15 ms), or else when its
    GIN index holds FEW of them. The index is the kind's own (a partial index, migration 0002): a word
    common in matters costs a search of documents nothing, and a kind without the word answers at once.

    The statement holds no one's scope. When it held each kind's permission (an EXISTS, to keep only the
    matches the searcher may see), PostgreSQL planned six scopes on every search: the probe cost a
    leader's 督办 2 ms, most of it planning, and composing the scopes in Python as much again, for kinds
    that then had nothing to show.
    Now a kind's scope is composed only for a kind with matches, once, for the statement that reads it.
    That a kind holds a match the searcher may not see shows in time only (one statement more, which
    finds nothing), as the index's work on those matches always did.

    What the sample saves, at 100,000 matters: 督办 is in every one, and reading its GIN matches cost 7.7 ms
    (the index returns all 100,000 before the first). The sample is the kind's newest entries,
    `_kind_newest`.

    The GIN matches are a MATERIALIZED CTE, cut at FEW by a second one. Planned with a LIMIT, PostgreSQL took
    督办 for a word in 7 % of the documents, expected a thousand of them within the first 1.4 % of the table,
    and read all 1,200,000 entries sequentially to find none (390 ms at a million documents). The inner CTE
    is planned for all its rows, so the GIN index answers, and read lazily, so a word common in the kind
    still stops at FEW. Neither is read for a kind found hot: the conditions on the sample are evaluated
    first, once.

    Its plan does not depend on its values, so it is prepared like any statement asked again (settings),
    and PostgreSQL keeps one plan for it (its own choice, `plan_cache_mode` auto): planning seven kinds'
    probes again on every search cost more than running them (第99999项 at a million documents: 2.0 ms
    a probe planned each time, 0.7 ms with the kept plan). For that plan to be as quick, the words are
    turned into a tsquery once (`_ts_match`), and the kinds are written into it (`_literal`), so each kind's
    partial index is known to apply, and the words are hidden from the planner in the lookup (not
    `seen`) and unindexable in the sample's check. (With the kinds as parameters, a plan for any values
    could take none of the partial indexes; the statement was then never prepared, and PostgreSQL parsed
    and planned it on every search: 0.3 ms of a clerk's 督办, about 1 ms of 第99999项.)
    """
    condition, match = _ts_match(words, seen=False)
    check, sampled = _ts_match(words, indexed=False)

    def probe(kind: Kind) -> str:  # fixed SQL: our conditions and the registry's kinds; the words are parameters
        key = _literal(kind)
        sample = _kind_newest("search_entry.terms_vector", SAMPLE, kind=key)
        return (
            f"WITH hot AS MATERIALIZED (SELECT COUNT(*) >= {HOT:d} AS hot FROM ({sample}) search_entry WHERE {check}), "  # noqa: S608
            "matches AS MATERIALIZED (WITH found AS MATERIALIZED (SELECT search_entry.kind, search_entry.id "
            f"FROM search_entry WHERE search_entry.kind = {key} AND {condition}) SELECT * FROM found LIMIT {FEW:d}) "
            f"SELECT kind, id FROM matches WHERE NOT (SELECT hot FROM hot) AND (SELECT COUNT(*) FROM matches) < {FEW:d} "
            f"UNION ALL SELECT {key}, NULL WHERE (SELECT hot FROM hot) OR (SELECT COUNT(*) FROM matches) >= {FEW:d}"
        )

    params: list[Any] = []
    for _ in asked:
        params += [*sampled, *match]
    found: dict[str, list[int] | None] = {kind.key: [] for kind in asked}
    if asked:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(f"({probe(kind)})" for kind in asked), params)
            for key, pk in cursor.fetchall():
                ids = found[key]
                if pk is None:
                    found[key] = None
                elif ids is not None:
                    ids.append(pk)
    return found


@unprepared()
def _rows(
    visible: QuerySet[Any],
    kind: Kind,
    words: list[list[str]],
    before: int | None,
    window: slice,
    *fields: str,
    among: list[int] | None = None,
    common: bool = False,
) -> list[Any]:
    """A window of the `fields` of the kind's entries matching `words` whose records are `visible`.

    Only those of `among` when given (every match is in it).

    `common`: PostgreSQL's `_matches` has already found the kind's matches many, and is not asked again.

    On PostgreSQL the planner guesses how many rows a phrase matches by multiplying its pieces'
    frequencies, as if 人口 and 口普 were independent; it then collects every match through the GIN
    index and sorts them (a common phrase: every one of tens of thousands). So `_matches` first tells a
    kind with few matches, which are the candidates (the permission and the order are checked on them
    alone), from one with many. A common phrase is looked for among the kind's newest RECENT entries, read newest
    first and stopping at a page (`_newest`); only when they do not fill the page (a deep page, a phrase
    common long ago, a searcher who may see few of the matches) is another way tried: when the searcher
    may see fewer than FEW of the kind's records, their entries are the candidates. (A leader who may see
    none of the petitions, searching 乡, in 17,000 of them: the GIN index's matches, each read from the
    table before its permission was checked, cost 56 ms; the leader's petitions, 10 ms to find none.) Only
    then does the GIN index answer after all.
    """
    wanted = (window.stop or 0) - (window.start or 0)
    entries = _entries(kind, visible)
    if among is None and not common and connection.vendor == "postgresql":
        among = _matches([kind], words)[kind.key]
    if among is not None:
        rows = entries.filter(id__in=among)
        rows = rows.filter(id__lt=before) if before is not None else rows
        return list(rows.order_by("-id").values_list(*fields)[window])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*_newest(entries, kind, words, before, window, *fields))
            recent: list[Any] = cursor.fetchall()
        if len(recent) >= wanted:
            return recent
        mine = list(visible.order_by().values_list("pk", flat=True)[: FEW + 1])
        if len(mine) <= FEW:  # the permission is still checked in the statement, as everywhere
            check, match = _ts_match(words, indexed=False)
            rows = entries.filter(object_id__in=mine).filter(RawSQL(check, match, output_field=BooleanField()))  # noqa: S611
            rows = rows.filter(id__lt=before) if before is not None else rows
            return list(rows.order_by("-id").values_list(*fields)[window])
    return list(_matching(entries, kind, words, before).values_list(*fields)[window])


SHARED = 200  # SQLite, the page of every kind: a query's matches read in one pass when fewer than this


def _shared(words: list[list[str]]) -> dict[str, list[int]] | None:
    """SQLite: the entries of any kind that match `words` by kind, if fewer than SHARED; else None.

    FTS5 evaluates a phrase in full whichever kind's token it is joined with: a phrase of common pieces
    (第99999项: 第9, 99, 9项 are in thousands of titles) costs 0.4 ms a kind at a million documents even
    for a kind with no entries, and the page of every kind asks eight. A rare phrase is read once here
    instead, and each kind's statement — still checking what the searcher may see — takes its entries from
    these ids (a kind with none is not asked); a common one (SHARED reached, the pass stopped early) is
    asked kind by kind as before. The ids are never shown. Not asking a kind whose only matches the
    searcher may not see leaves a trace in time only (one statement fewer, a few tenths of a millisecond),
    as reading the index for those matches already does.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_entry.kind, search_entry.id FROM search_entry_fts JOIN search_entry"
            " ON search_entry.id = search_entry_fts.rowid WHERE search_entry_fts MATCH %s"
            " ORDER BY search_entry_fts.rowid DESC LIMIT %s",
            [terms.fts5_query(words), SHARED],
        )
        rows = cursor.fetchall()
    if len(rows) >= SHARED:
        return None
    found: dict[str, list[int]] = {}
    for kind, pk in rows:
        found.setdefault(kind, []).append(pk)
    return found


def hits(user: User, words: list[list[str]], kind: Kind, *, limit: int, before: int | None = None) -> Group:
    """Up to `limit` of `kind`'s records matching `words` that `user` may see, newest first."""
    visible = kind.visible(user)
    if _nothing(visible):  # nothing of this kind is theirs: no query at all
        return Group(kind, [], False)
    return _group(kind, visible, words, limit=limit, before=before)


def _nothing(visible: QuerySet[Any]) -> bool:
    """Whether `visible` is `none()`: every module's scope is, for someone who may see none of its records.

    Such a kind is not read at all. (Read, its permission is `false` and its statement still runs: a
    clerk, who may see no supervision matter, searching 督办, which is in every one.) A scope is not
    compiled to find out: compiling the conditions of every kind a leader may see cost a tenth of the
    leader's search on SQLite, to learn that each held something.
    """
    return visible.query.is_empty()


def _entries(kind: Kind, visible: QuerySet[Any]) -> QuerySet[Entry]:
    """The kind's entries of the records `visible` (the permission an EXISTS on the module's own query)."""
    return Entry.objects.filter(kind=kind.key).filter(Exists(visible.filter(pk=OuterRef("object_id"))))


def _group(
    kind: Kind,
    visible: QuerySet[Any],
    words: list[list[str]],
    *,
    limit: int,
    before: int | None = None,
    among: list[int] | None = None,
    common: bool = False,
) -> Group:
    """`hits` from the kind's records the searcher may see, `visible` (`among`, `common`: `_rows`)."""
    found = _rows(
        visible,
        kind,
        words,
        before,
        slice(0, limit + 1),
        "id",
        "object_id",
        "title",
        "detail",
        among=among,
        common=common,
    )
    return Group(kind, [Hit(t, d, kind.url(pk), pk, eid) for eid, pk, t, d in found[:limit]], len(found) > limit)


@dataclass(frozen=True)
class Matching(Generic[M]):
    """A module's own list narrowed by a search, newest entry first, sliced a page at a time (no count).

    For a list page's search box (the register's): `rows` is the list as the user may see it, with
    its filters; each slice is one FTS-driven query over the kind's entries that `rows` also holds,
    then the page's records read in one query.
    """

    rows: QuerySet[M]
    kind: Kind
    words: list[list[str]]

    def __getitem__(self, window: slice) -> list[M]:
        ids = [pk for (pk,) in _rows(self.rows, self.kind, self.words, None, window, "object_id")]
        found = self.rows.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def matching(rows: QuerySet[M], kind: str, query: str) -> Matching[M]:
    """`rows` narrowed to those whose `kind` entry matches `query` (QueryError for a query that cannot be searched)."""
    return Matching(rows, KINDS[kind], parse(query))


def search(user: User, query: str, *, only: str = "", before: int | None = None) -> list[Group]:
    """Every kind's hits (a few each), or one kind's page of hits; QueryError for a query that cannot be searched."""
    words = parse(query)
    if only:
        kind = KINDS.get(only)
        if kind is None:
            raise QueryError("没有这一类资料。")
        return [hits(user, words, kind, limit=PAGE, before=before)]
    asked = kinds()
    if connection.vendor == "postgresql":
        candidates = _matches(asked, words)  # every kind's few matches at once; None where they are many
    else:
        shared = _shared(words)  # a rare word's matches of every kind at once; None for a common word
        candidates = {kind.key: None if shared is None else shared.get(kind.key, []) for kind in asked}
    groups = []
    for kind in asked:
        among = candidates[kind.key]
        if among == []:  # no match at all: the kind's scope is not even composed
            continue
        visible = kind.visible(user)
        if _nothing(visible):
            continue
        group = _group(kind, visible, words, limit=PER_KIND, among=among, common=among is None)
        if group.hits:
            groups.append(group)
    return groups
