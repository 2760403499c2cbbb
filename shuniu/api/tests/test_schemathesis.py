"""Schemathesis against the live API on the demo county: no 500, nothing outside the schema, nothing outside the token.

Every operation of the OpenAPI document gets requests generated from the document itself — valid ones
and deliberately invalid ones — sent over HTTP to a running server with the tokens of four people
(a clerk, a leader, a unit's liaison, the petition officer; read-only and read-write). Besides
schemathesis's own checks, every object an answer carries must be one the token's person may see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache as django_cache
from django.db.models import QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from pytest_django.live_server_helper import LiveServer
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from shuniu.core.models import AccessToken, TokenScope, User
from shuniu.core.tokens import digest, token_issue
from shuniu.documents.models import Document
from shuniu.documents.selectors import documents_visible_to
from shuniu.knowledge.models import Fact, Project
from shuniu.notices.models import Notice
from shuniu.notices.selectors import notices_for
from shuniu.petitions.models import Petition
from shuniu.petitions.selectors import petitions_for
from shuniu.supervision.models import Matter
from shuniu.supervision.selectors import matters_for

pytestmark = [pytest.mark.django_db(transaction=True)]
PEOPLE = [
    ("wangfang", TokenScope.READ),
    ("wangzhiqiang", TokenScope.READ),
    ("zhouping", TokenScope.WRITE),
    ("sunmei", TokenScope.WRITE),
]
EXAMPLES = 30  # per operation, valid and invalid each: about 900 requests, 15 s

# Which person may see which objects: the modules' own selectors.
SCOPES: dict[str, Callable[[User], QuerySet[Any]]] = {
    "documents": documents_visible_to,
    "matters": matters_for,
    "petitions": petitions_for,
    "notices": notices_for,
}
REAL_IDS: dict[str, Callable[[], list[int]]] = {
    "document_id": lambda: list(Document.objects.order_by("-pk").values_list("pk", flat=True)[:6]),
    "matter_id": lambda: list(Matter.objects.order_by("pk").values_list("pk", flat=True)[:6]),
    "petition_id": lambda: list(Petition.objects.order_by("pk").values_list("pk", flat=True)[:6]),
    "notice_id": lambda: list(Notice.objects.order_by("pk").values_list("pk", flat=True)[:4]),
    "fact_id": lambda: list(Fact.objects.order_by("pk").values_list("pk", flat=True)[:4]),
    "project_id": lambda: list(Project.objects.order_by("pk").values_list("pk", flat=True)[:4]),
}


def within_permissions(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every document, matter, petition and notice in a 2xx answer is one the token's person may see."""
    if response.status_code >= 300:
        return None
    secret = str(response.request.headers.get("Authorization", "")).removeprefix("Bearer ")
    token = AccessToken.objects.select_related("user").get(digest=digest(secret))
    kind = case.operation.path.split("/")[2]
    if kind not in SCOPES:
        return None
    body = response.json()
    found = {item["id"] for item in body["items"]} if "items" in body else {body.get("id")} - {None}
    if kind == "matters" and case.operation.path.endswith("/reports"):
        found = {int(case.path_parameters["matter_id"])}
    outside = found - set(SCOPES[kind](token.user).values_list("pk", flat=True))
    assert not outside, f"{token.user.username} 的令牌拿到了无权查看的{kind}：{sorted(outside)}"
    return True


def test_the_api_holds_to_its_schema_and_to_each_tokens_permissions(county: None, live_server: LiveServer) -> None:
    tokens = []
    for username, scope in PEOPLE:
        user = User.objects.get(username=username)
        tokens.append(token_issue(user=user, name="schemathesis", scope=scope, actor=user)[1])
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
        within_permissions,
    ]
    results = list(schema.get_all_operations())
    assert all(isinstance(r, Ok) for r in results), [r.err() for r in results if isinstance(r, Err)]
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # The token is fixed in each strategy, so a request made invalid on purpose is never "mended" by it.
            paths: list[dict[str, int]] = [{}]
            for name in re.findall(r"{(\w+)}", operation.path):  # real objects too, not only ids nobody has
                paths += [{name: pk} for pk in REAL_IDS[name]()]
            strategies = [
                operation.as_strategy(
                    generation_mode=mode, path_parameters=path or None, headers={"Authorization": f"Bearer {secret}"}
                )
                for secret in tokens
                for path in paths
            ]

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=st.one_of(strategies))
            def run(case: Any) -> None:
                django_cache.clear()  # the rate limit is tested elsewhere
                response = case.call(base_url=live_server.url)
                case.validate_response(response, checks=checks)

            try:
                run()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE, operation.path
