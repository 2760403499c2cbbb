"""Reading scenarios and plans from JSON and writing them back (the formats of ROUTING.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from shuniu.routing.model import URGENCIES, Document, DocumentPlan, Leader, Plan, RoutingError, Scenario, Visit

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def parse_time(text: Any, where: str) -> tuple[int, int]:
    """(minutes since the epoch, UTC offset in minutes) of an ISO 8601 time that carries an offset."""
    if not isinstance(text, str):
        raise RoutingError(f"{where}: time must be a string, got {text!r}")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RoutingError(f"{where}: {text!r} is not an ISO 8601 time") from None
    offset = moment.utcoffset()
    if offset is None:
        raise RoutingError(f"{where}: time {text!r} has no UTC offset")
    seconds = (moment - EPOCH).total_seconds()
    if seconds % 60:
        raise RoutingError(f"{where}: time {text!r} is not on a whole minute")
    return int(seconds // 60), int(offset.total_seconds() // 60)


def format_time(minutes: int, offset: int) -> str:
    zone = dt.timezone(dt.timedelta(minutes=offset))
    return (EPOCH + dt.timedelta(minutes=minutes)).astimezone(zone).isoformat()


def _need(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise RoutingError(f"{where}: missing field {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RoutingError(f"{where}: field {key!r} has the wrong type")
    return value


def scenario_from_dict(data: Any) -> Scenario:
    if not isinstance(data, dict):
        raise RoutingError("scenario: the top level must be a JSON object")
    if data.get("version") != 1:
        raise RoutingError(f"scenario: unsupported version {data.get('version')!r} (expected 1)")
    start, offset = parse_time(data.get("start"), "scenario.start")
    handoff = _need(data, "handoff_minutes", int, "scenario")
    copy_minutes = _need(data, "copy_minutes", int, "scenario")
    if handoff < 0 or copy_minutes < 0:
        raise RoutingError("scenario: handoff_minutes and copy_minutes must not be negative")
    leaders: list[Leader] = []
    seen: set[str] = set()
    for index, raw in enumerate(_need(data, "leaders", list, "scenario")):
        where = f"leader #{index}"
        if not isinstance(raw, dict):
            raise RoutingError(f"{where}: must be an object")
        leader_id = _need(raw, "id", str, where)
        where = f"leader {leader_id}"
        if leader_id in seen:
            raise RoutingError(f"{where}: duplicate id")
        seen.add(leader_id)
        windows: list[tuple[int, int]] = []
        for w_index, pair in enumerate(_need(raw, "available", list, where)):
            w_where = f"{where} window #{w_index}"
            if not isinstance(pair, list) or len(pair) != 2:
                raise RoutingError(f"{w_where}: must be a [start, end] pair")
            w_start, _ = parse_time(pair[0], w_where)
            w_end, _ = parse_time(pair[1], w_where)
            if w_end <= w_start:
                raise RoutingError(f"{w_where}: ends before it starts")
            if windows and w_start < windows[-1][1]:
                raise RoutingError(f"{w_where}: windows must be sorted and must not overlap")
            windows.append((w_start, w_end))
        rank = _need(raw, "rank", int, where)
        leaders.append(Leader(leader_id, str(raw.get("name", leader_id)), rank, tuple(windows)))
    documents: list[Document] = []
    doc_ids: set[str] = set()
    for index, raw in enumerate(_need(data, "documents", list, "scenario")):
        if not isinstance(raw, dict):
            raise RoutingError(f"document #{index}: must be an object")
        doc_id = _need(raw, "id", str, f"document #{index}")
        documents.append(_document(raw, doc_id, seen, doc_ids))
    documents.sort(key=lambda d: (d.arrival, d.id))
    return Scenario(start, offset, handoff, copy_minutes, tuple(leaders), tuple(documents))


def _document(raw: dict[str, Any], doc_id: str, leader_ids: set[str], doc_ids: set[str]) -> Document:
    where = f"document {doc_id}"
    if doc_id in doc_ids:
        raise RoutingError(f"{where}: duplicate id")
    doc_ids.add(doc_id)
    arrival, _ = parse_time(raw.get("arrival"), f"{where} arrival")
    due, _ = parse_time(raw.get("due"), f"{where} due")
    urgency = _need(raw, "urgency", str, where)
    if urgency not in URGENCIES:
        raise RoutingError(f"{where}: urgency {urgency!r} is not one of {', '.join(URGENCIES)}")
    readers = _need(raw, "readers", list, where)
    if not readers:
        raise RoutingError(f"{where}: has no readers")
    if len(set(readers)) != len(readers):
        raise RoutingError(f"{where}: a reader is listed twice")
    for reader in readers:
        if reader not in leader_ids:
            raise RoutingError(f"{where}: unknown leader {reader!r} among the readers")
    minutes = _need(raw, "read_minutes", dict, where)
    for reader in readers:
        value = minutes.get(reader)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise RoutingError(f"{where}: reading time of {reader} must be a positive whole number of minutes")
    before: list[tuple[str, str]] = []
    for pair in raw.get("before", []):
        if not isinstance(pair, list) or len(pair) != 2 or not all(p in readers for p in pair) or pair[0] == pair[1]:
            raise RoutingError(f"{where}: order constraint {pair!r} must name two different readers")
        before.append((pair[0], pair[1]))
    _check_acyclic(where, readers, before)
    max_copies = _need(raw, "max_copies", int, where)
    if max_copies < 1:
        raise RoutingError(f"{where}: max_copies must be at least 1")
    return Document(
        doc_id,
        arrival,
        urgency,
        due,
        tuple(readers),
        tuple((r, minutes[r]) for r in readers),
        tuple(before),
        max_copies,
    )


def _check_acyclic(where: str, readers: list[str], before: list[tuple[str, str]]) -> None:
    successors: dict[str, list[str]] = {r: [] for r in readers}
    indegree = dict.fromkeys(readers, 0)
    for a, b in before:
        successors[a].append(b)
        indegree[b] += 1
    ready = [r for r in readers if indegree[r] == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for nxt in successors[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    if seen != len(readers):
        cyclic = sorted(r for r, d in indegree.items() if d > 0)
        raise RoutingError(f"{where}: order constraints form a cycle among {', '.join(cyclic)}")


def load_scenario(text: str) -> Scenario:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RoutingError(f"scenario: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    return scenario_from_dict(data)


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    off = scenario.offset_minutes
    return {
        "version": 1,
        "start": format_time(scenario.start, off),
        "handoff_minutes": scenario.handoff,
        "copy_minutes": scenario.copy_minutes,
        "leaders": [
            {
                "id": leader.id,
                "name": leader.name,
                "rank": leader.rank,
                "available": [[format_time(s, off), format_time(e, off)] for s, e in leader.windows],
            }
            for leader in scenario.leaders
        ],
        "documents": [
            {
                "id": doc.id,
                "arrival": format_time(doc.arrival, off),
                "urgency": doc.urgency,
                "due": format_time(doc.due, off),
                "readers": list(doc.readers),
                "read_minutes": dict(doc.read_minutes),
                "before": [list(pair) for pair in doc.before],
                "max_copies": doc.max_copies,
            }
            for doc in scenario.documents
        ],
    }


def plan_to_dict(plan: Plan, offset: int) -> dict[str, Any]:
    return {
        "documents": [
            {
                "id": doc.id,
                "copies": [
                    [
                        {"leader": v.leader, "start": format_time(v.start, offset), "end": format_time(v.end, offset)}
                        for v in copy
                    ]
                    for copy in doc.copies
                ],
            }
            for doc in plan.documents
        ]
    }


def load_plan(text: str) -> Plan:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RoutingError(f"plan: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise RoutingError("plan: the top level must be an object with a 'documents' list")
    documents: list[DocumentPlan] = []
    for index, raw in enumerate(data["documents"]):
        if not isinstance(raw, dict):
            raise RoutingError(f"plan document #{index}: must be an object")
        doc_id = _need(raw, "id", str, f"plan document #{index}")
        copies: list[tuple[Visit, ...]] = []
        for c_index, copy in enumerate(_need(raw, "copies", list, f"plan document {doc_id}")):
            if not isinstance(copy, list):
                raise RoutingError(f"plan document {doc_id} copy {c_index}: must be a list of visits")
            visits = []
            for v_index, visit in enumerate(copy):
                where = f"plan document {doc_id} copy {c_index} visit {v_index}"
                if not isinstance(visit, dict):
                    raise RoutingError(f"{where}: must be an object")
                start, _ = parse_time(visit.get("start"), where)
                end, _ = parse_time(visit.get("end"), where)
                visits.append(Visit(_need(visit, "leader", str, where), start, end))
            copies.append(tuple(visits))
        documents.append(DocumentPlan(doc_id, tuple(copies)))
    return Plan(tuple(documents))
