"""The REST API on the demo county: tokens, scoping as the pages, masking, writes through the services, errors."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from shuniu.audit.models import AuditEntry
from shuniu.core.models import AccessToken, Clearance, Role, TokenScope, User
from shuniu.core.testing import client_for
from shuniu.core.tokens import digest, token_issue, token_revoke
from shuniu.documents.selectors import documents_visible_to
from shuniu.notices.models import Notice, Recipient, State
from shuniu.notices.models import Status as NoticeStatus
from shuniu.petitions.models import Petition
from shuniu.petitions.selectors import petitions_for
from shuniu.schedules.services import engagement_create
from shuniu.supervision.models import Assignment, Receipt, Report
from shuniu.supervision.models import Status as MatterStatus
from shuniu.supervision.selectors import matters_for

pytestmark = pytest.mark.usefixtures("county")


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


NAMES = itertools.count(1)


def token_for(username: str, scope: str = TokenScope.READ) -> str:
    user = User.objects.get(username=username)
    return token_issue(user=user, name=f"测试对接{next(NAMES)}", scope=scope, actor=user)[1]


def call(method: str, path: str, secret: str | None, body: Any = None) -> tuple[int, Any]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    client = Client()
    if method == "get":
        response = client.get(path, **headers)  # type: ignore[arg-type]
    else:
        payload = body if isinstance(body, str) else json.dumps(body)
        response = client.post(path, payload, content_type="application/json", **headers)  # type: ignore[arg-type]
    return response.status_code, response.json()


def all_ids(path: str, secret: str) -> set[int]:
    """Every id of a list, page by page."""
    found, page = set(), 1
    while True:
        status, body = call("get", f"{path}?size=100&page={page}", secret)
        assert status == 200, body
        found |= {item["id"] for item in body["items"]}
        if not body["has_next"]:
            return found
        page += 1


def test_the_openapi_document_is_valid_openapi() -> None:
    response = Client().get("/api/openapi.json")  # as an integrator reads it, no token needed
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert set(document["paths"]) == {
        f"/api{p}"
        for p in (
            "/documents",
            "/documents/{document_id}",
            "/matters",
            "/matters/{matter_id}",
            "/matters/{matter_id}/reports",
            "/petitions",
            "/petitions/{petition_id}",
            "/notices",
            "/notices/{notice_id}",
            "/notices/{notice_id}/confirm",
            "/facts",
            "/facts/{fact_id}",
            "/projects",
            "/projects/{project_id}",
            "/engagements",
        )
    }


def test_no_token_a_wrong_one_a_revoked_one_and_a_wall_token_are_401_in_chinese() -> None:
    status, body = call("get", "/api/documents", None)
    assert status == 401
    assert "令牌" in body["error"]["message"]
    assert body["error"]["code"] == "unauthorized"
    assert call("get", "/api/documents", "sn_not-a-token")[0] == 401

    secret = token_for("wangfang")
    assert call("get", "/api/documents", secret)[0] == 200
    token = AccessToken.objects.get(digest=digest(secret))
    token_revoke(token=token, actor=token.user)
    assert call("get", "/api/documents", secret)[0] == 401

    wall = token_for("wangfang", TokenScope.WALL)
    assert call("get", "/api/documents", wall)[0] == 401

    secret = token_for("wangfang")
    User.objects.filter(username="wangfang").update(is_active=False)
    assert call("get", "/api/documents", secret)[0] == 401


def test_a_liaisons_token_sees_their_units_matters_and_notices_only() -> None:
    liaison = _liaison_of(_signed_assignment())
    secret = token_for(liaison.username)
    mine = set(matters_for(liaison).values_list("pk", flat=True))
    assert mine, "the demo gives every liaison's unit a matter"
    assert all_ids("/api/matters", secret) == mine
    other = Assignment.objects.exclude(matter_id__in=mine).values_list("matter_id", flat=True).first()
    assert call("get", f"/api/matters/{other}", secret)[0] == 404

    notices = all_ids("/api/notices", secret)
    assert notices == set(Notice.objects.filter(recipients__unit=liaison.unit).values_list("pk", flat=True))
    for pk in notices:
        status, body = call("get", f"/api/notices/{pk}", secret)
        assert status == 200
        assert {r["unit"] for r in body["recipients"]} == {liaison.unit.name}  # type: ignore[union-attr]
    assert call("get", "/api/documents", secret)[0] == 403  # the register is not a liaison's page


def test_a_leader_without_clearance_never_gets_a_classified_title() -> None:
    leader = User.objects.filter(role_grants__role=Role.LEADER).order_by("clearance").first()
    assert leader is not None
    User.objects.filter(pk=leader.pk).update(clearance=Clearance.NONE)
    leader.refresh_from_db()
    secret = token_for(leader.username)
    seen = all_ids("/api/documents", secret)
    assert seen == set(documents_visible_to(leader).values_list("pk", flat=True))
    from shuniu.documents.models import Document

    classified = Document.objects.filter(secrecy__gt=Clearance.NONE).values_list("pk", flat=True)
    assert classified, "the demo has classified documents"
    assert not seen & set(classified)
    for pk in classified:
        assert call("get", f"/api/documents/{pk}", secret)[0] == 404


def test_petitions_are_masked_and_petitioners_only_for_petition_staff() -> None:
    officer = token_for("sunmei")
    petition = Petition.objects.filter(parties__isnull=False).order_by("pk").first()
    assert petition is not None
    party = petition.parties.select_related("petitioner").first()
    assert party is not None
    who = party.petitioner
    # What a petitioner typed into the matter: their name and number, however written.
    Petition.objects.filter(pk=petition.pk).update(
        summary=f"{who.name}反映：请回电 138 1234 5678 或 +86 13912345678，身份证 110101 19900101 123X。"
    )
    status, body = call("get", f"/api/petitions/{petition.pk}", officer)
    assert status == 200
    text = json.dumps(body, ensure_ascii=False)
    for secret in (who.name, "1234 5678", "13912345678", "19900101", who.id_number, who.phone):
        if secret:
            assert secret not in text, secret
    assert body["summary"].startswith("某某反映")
    shown = body["petitioners"][0]
    assert shown["name"] == who.name[0] + "*" * (len(who.name) - 1)
    assert "*" in shown["id_number"]

    status, listed = call("get", "/api/petitions?size=100", officer)
    assert who.name not in json.dumps(listed, ensure_ascii=False)

    liaison = User.objects.filter(unit=petition.handling_unit, role_grants__role=Role.LIAISON).first()
    seen = next(
        (p for p in Petition.objects.order_by("pk") if liaison and petitions_for(liaison).filter(pk=p.pk).exists()),
        None,
    )
    assert liaison is not None
    assert seen is not None, "the demo gives a unit a petition to handle"
    status, body = call("get", f"/api/petitions/{seen.pk}", token_for(liaison.username))
    assert status == 200
    assert body["petitioners"] is None


def _signed_assignment() -> Assignment:
    with_liaisons = User.objects.filter(role_grants__role=Role.LIAISON, is_active=True).values("unit_id")
    assignment = (
        Assignment.objects.filter(receipt=Receipt.SIGNED, matter__status=MatterStatus.ACTING, unit_id__in=with_liaisons)
        .select_related("unit", "matter")
        .first()
    )
    assert assignment is not None
    return assignment


def _liaison_of(assignment: Assignment) -> User:
    liaison = User.objects.filter(unit=assignment.unit, role_grants__role=Role.LIAISON, is_active=True).first()
    assert liaison is not None
    return liaison


def test_a_liaison_reports_progress_with_a_read_write_token_and_it_is_audited() -> None:
    assignment = _signed_assignment()
    liaison = _liaison_of(assignment)
    path = f"/api/matters/{assignment.matter_id}/reports"
    report = {"text": "已完成入户排查 120 户。", "percent": 60, "problems": "", "next_steps": "下周复核"}

    before = Report.objects.count()
    status, body = call("post", path, token_for(liaison.username), report)
    assert status == 403
    assert "只读" in body["error"]["message"]
    assert Report.objects.count() == before

    writer = token_for(liaison.username, TokenScope.WRITE)
    status, body = call("post", path, writer, report)
    assert status == 201, body
    assert body["percent"] == 60
    assert body["unit"] == assignment.unit.name
    created = Report.objects.get(pk=body["id"])
    assert created.author == liaison
    assert AuditEntry.objects.filter(action="report.submit", actor=liaison).exists()
    status, detail = call("get", f"/api/matters/{assignment.matter_id}", writer)
    assert body["id"] in [r["id"] for r in detail["reports"]]

    status, again = call("post", path, writer, report)  # the other system's retry after a timeout
    assert status == 400
    assert "请勿重复提交" in again["error"]["message"]
    assert Report.objects.count() == before + 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"text": "进展", "percent": 150}, "percent", "不能大于 100"),
        ({"text": "进展", "percent": "很多"}, "percent", "整数"),
        ({"percent": 10}, "text", "必须提供"),
        ({"text": "", "percent": 10}, "text", "至少 1 个字"),
        ("{不是 JSON", "", "JSON"),
    ],
)
def test_bad_input_is_a_chinese_error_naming_the_field_and_changes_nothing(body: Any, field: str, words: str) -> None:
    assignment = _signed_assignment()
    writer = token_for(_liaison_of(assignment).username, TokenScope.WRITE)
    before = Report.objects.count()
    status, answer = call("post", f"/api/matters/{assignment.matter_id}/reports", writer, body)
    assert status == (400 if isinstance(body, str) else 422)
    assert answer["error"]["code"] == "invalid"
    assert words in answer["error"]["message"]
    if field:
        assert field in [f["field"] for f in answer["error"]["fields"]]
    assert Report.objects.count() == before


def test_a_refusal_by_the_service_is_400_in_chinese_and_changes_nothing() -> None:
    assignment = _signed_assignment()
    writer = token_for(_liaison_of(assignment).username, TokenScope.WRITE)
    assignment.matter.status = MatterStatus.CLOSED
    assignment.matter.save(update_fields=["status"])
    before = Report.objects.count()
    status, body = call("post", f"/api/matters/{assignment.matter_id}/reports", writer, {"text": "进展", "percent": 5})
    assert status == 400
    assert body["error"]["code"] == "refused"
    assert "不能报告进展" in body["error"]["message"]
    assert Report.objects.count() == before


def test_a_liaison_confirms_a_notice_fact_by_fact() -> None:
    with_liaisons = User.objects.filter(role_grants__role=Role.LIAISON, is_active=True).values("unit_id")
    recipient = (
        Recipient.objects.filter(notice__status=NoticeStatus.CALLING, unit_id__in=with_liaisons)
        .exclude(state=State.CONFIRMED)
        .select_related("notice", "unit")
        .first()
    )
    assert recipient is not None
    liaison = User.objects.filter(unit=recipient.unit, role_grants__role=Role.LIAISON, is_active=True).first()
    assert liaison is not None
    writer = token_for(liaison.username, TokenScope.WRITE)
    notice = recipient.notice
    path = f"/api/notices/{notice.pk}/confirm"

    status, body = call("post", path, writer, {"facts": notice.facts[:-1], "version": notice.version})
    assert status == 400
    assert "还没有勾选" in body["error"]["message"]
    status, body = call("post", path, writer, {"facts": ["weather"], "version": notice.version})
    assert status == 422
    assert body["error"]["fields"][0]["field"].startswith("facts")
    recipient.refresh_from_db()
    assert recipient.state != State.CONFIRMED

    status, body = call("post", path, writer, {"facts": notice.facts, "version": notice.version})
    assert status == 200, body
    assert [r["state"] for r in body["recipients"]] == [State.CONFIRMED]
    status, body = call("post", path, writer, {"facts": notice.facts, "version": notice.version})
    assert status == 400  # twice is one confirmation
    assert Recipient.objects.get(pk=recipient.pk).attempts.filter(by=liaison).count() == 1


def test_pages_and_filters() -> None:
    secret = token_for("wangfang")
    status, first = call("get", "/api/documents?size=2", secret)
    assert status == 200
    assert len(first["items"]) == 2
    assert first["has_next"] is True
    status, second = call("get", "/api/documents?size=2&page=2", secret)
    assert {d["id"] for d in first["items"]}.isdisjoint({d["id"] for d in second["items"]})

    day = first["items"][0]["received_at"][:10]
    status, body = call("get", f"/api/documents?received_from={day}&received_to={day}&size=100", secret)
    assert status == 200
    assert body["items"]
    assert all(d["received_at"].startswith(day) for d in body["items"])
    status, body = call("get", "/api/documents?received_from=2026-12-01&received_to=2026-01-01", secret)
    assert status == 422
    assert body["error"]["fields"][0]["field"] == "received_from"
    status, body = call("get", "/api/documents?status=lost", secret)
    assert status == 422
    assert "应为以下之一" in body["error"]["message"]
    status, body = call("get", "/api/documents?recieved_from=2026-01-01", secret)  # misspelt: not ignored
    assert status == 422
    assert body["error"]["fields"] == [{"field": "recieved_from", "message": "没有这个参数。"}]
    status, body = call("get", "/api/documents?size=1000", secret)
    assert status == 422
    assert "不能大于 100" in body["error"]["message"]


def test_the_rate_limit_is_per_token(settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 3
    first, second = token_for("wangfang"), token_for("wangfang", TokenScope.WRITE)
    with mock.patch("shuniu.api.base.time.time", return_value=1_790_000_000.0):  # one minute's window throughout
        _rate_limited(first, second)


def _rate_limited(first: str, second: str) -> None:
    for _ in range(3):
        assert call("get", "/api/facts", first)[0] == 200
    response = Client().get("/api/facts", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "请求过于频繁" in response.json()["error"]["message"]
    assert call("get", "/api/facts", second)[0] == 200


def test_facts_projects_and_engagements_read_as_the_pages() -> None:
    secret = token_for("lina")
    status, facts = call("get", "/api/facts", secret)
    assert status == 200
    assert facts
    with_history = next(f for f in facts if f["current"])
    status, fact = call("get", f"/api/facts/{with_history['id']}", secret)
    assert fact["current"] == with_history["current"]
    assert fact["history"][0]["as_of"] >= fact["history"][-1]["as_of"]
    status, projects = call("get", "/api/projects", secret)
    assert status == 200
    assert projects
    status, project = call("get", f"/api/projects/{projects[0]['id']}", secret)
    assert project["name"] == projects[0]["name"]
    status, body = call("get", "/api/engagements?start=2026-12-01&end=2027-03-01", secret)
    assert status == 422
    assert body["error"]["fields"][0]["field"] == "end"
    status, body = call("get", "/api/engagements?leader=100000000000000000000", secret)
    assert status == 422


def test_a_confidential_engagement_is_busy_and_nothing_more_to_whoever_the_page_hides_it_from() -> None:
    leader, other = User.objects.filter(role_grants__role=Role.LEADER).order_by("pk")[:2]
    clerk = User.objects.get(username="wangfang")
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    engagement_create(
        leaders=[leader],
        kind="leave",
        title="赴省城就医",
        start=start,
        end=start + dt.timedelta(hours=3),
        place="省人民医院",
        confidential=True,
        confirm_overlap=True,
        actor=clerk,
    )
    day = start.date().isoformat()
    for username, full in ((other.username, False), (leader.username, True), ("wangfang", True)):
        status, body = call("get", f"/api/engagements?start={day}&end={day}&leader={leader.pk}", token_for(username))
        assert status == 200
        mine = [e for e in body if e["start"].startswith(day) and e["hidden"] != full]
        shown = next(e for e in mine if e["hidden"] or e["title"] == "赴省城就医")
        text = json.dumps(shown, ensure_ascii=False)
        if full:
            assert shown["kind"] == "请假"
            assert shown["place"] == "省人民医院"
        else:
            assert shown["title"] == "忙碌"
            assert shown["kind"] is None
            for secret in ("就医", "省人民医院", "请假"):
                assert secret not in text


def test_an_unknown_api_address_and_a_server_error_are_json_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = token_for("lina")
    status, body = call("get", "/api/no-such-thing", secret)
    assert status == 404
    assert "/api/docs" in body["error"]["message"]

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("shuniu.api.knowledge.fact_lines", broken)
    status, body = call("get", "/api/facts", secret)
    assert status == 500
    assert body["error"]["code"] == "server_error"
    assert "boom" not in json.dumps(body)


def test_a_token_stops_when_its_persons_role_no_longer_uses_the_api() -> None:
    secret = token_for("lina")
    assert call("get", "/api/facts", secret)[0] == 200
    lina = User.objects.get(username="lina")
    lina.role_grants.all().delete()
    lina.role_grants.create(role=Role.AUDITOR)
    assert call("get", "/api/facts", secret)[0] == 401


def test_the_register_page_of_the_api_reads_a_fixed_number_of_queries(django_assert_num_queries: Any) -> None:
    secret = token_for("wangfang")
    call("get", "/api/documents?size=2", secret)  # the token's last use is noted once a minute: not in the count
    with django_assert_num_queries(3):  # the token with its person, their roles, one page of rows (the rate: the cache)
        status, body = call("get", "/api/documents?size=8", secret)
    assert status == 200
    assert len(body["items"]) == 8


def test_the_tokens_page_shows_a_secret_once_and_revokes() -> None:
    user = User.objects.get(username="zhouping")
    client = client_for(user)
    url = reverse("core:tokens")
    response = client.post(url, {"name": "市督查系统", "scope": TokenScope.WRITE})
    assert response.status_code == 200
    token = AccessToken.objects.get(user=user, name="市督查系统")
    secret = response.context["issued"][1]
    assert digest(secret) == token.digest
    assert secret not in client.get(url).content.decode()  # once only
    assert AuditEntry.objects.filter(action="token.issue", actor=user).exists()

    response = client.post(url, {"name": "", "scope": TokenScope.READ})
    assert response.context["form"].errors["name"]
    assert AccessToken.objects.filter(user=user).count() == 1
    assert client.post(url, {"name": "大屏", "scope": TokenScope.WALL}).context["issued"] is None  # not a board user

    other = client_for(User.objects.get(username="wangfang"))
    assert other.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("core:token_revoke", args=[token.pk])).status_code == 405
    client.post(reverse("core:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call("get", "/api/matters", secret)[0] == 401


def test_a_wall_token_opens_the_wall_once_then_by_cookie_and_nothing_else() -> None:
    clerk = User.objects.get(username="wangfang")
    wall, secret = token_issue(user=clerk, name="值班室大屏", scope=TokenScope.WALL, actor=clerk)
    url = reverse("office:wall")
    screen = Client()
    response = screen.get(url, {"token": secret})
    assert response.status_code == 302
    assert response["Location"] == url  # the address loses the token
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.cookies["shuniu_wall"]["httponly"]
    response = screen.get(url)
    assert response.status_code == 200
    assert secret not in response.content.decode()
    assert screen.get(reverse("office:board")).status_code == 302  # to the login: the board needs a person
    assert call("get", "/api/documents", secret)[0] == 401
    assert Client().get(url, {"token": token_for("wangfang")}).status_code == 403  # an API token is no wall token

    forged = Client()
    forged.cookies["shuniu_wall"] = str(wall.pk)  # unsigned
    assert forged.get(url).status_code == 302

    token_revoke(token=wall, actor=clerk)
    assert screen.get(url).status_code == 302  # dark at once
    assert Client().get(url, {"token": secret}).status_code == 403
