"""What every API call shares: the token, the rate limit, the person it acts as, pages and errors in Chinese.

Every error has one shape, ``{"error": {"code", "message", "fields": [{"field", "message"}]}}``, with a
Chinese message and, for bad input, the field it concerns; nothing is changed by a refused call.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from shuniu.core.models import AccessToken, TokenScope, User
from shuniu.core.paging import MAX_PAGE, window
from shuniu.core.permissions import can
from shuniu.core.tokens import token_user

logger = logging.getLogger(__name__)
API_SCOPES = (TokenScope.READ.value, TokenScope.WRITE.value)


class FieldError(Schema):
    field: str = Field(description="出错的字段，如 percent、body.text；与字段无关时为空")
    message: str


class ErrorBody(Schema):
    code: str = Field(
        description="invalid 输入有误 · refused 业务规则不允许 · unauthorized · forbidden · not_found · rate_limited"
    )
    message: str = Field(description="中文说明")
    fields: list[FieldError] = Field(default_factory=list)


class Error(Schema):
    error: ErrorBody


ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


class RateLimited(HttpError):
    def __init__(self, wait: int) -> None:
        super().__init__(
            429, f"请求过于频繁：每个令牌每分钟最多 {settings.API_RATE_PER_MINUTE} 次，请 {wait} 秒后再试。"
        )
        self.wait = wait


class ChineseJSON(JSONRenderer):
    """JSON as UTF-8 text, Chinese readable in the body (not \\uXXXX escapes)."""

    media_type = "application/json; charset=utf-8"
    json_dumps_params: Mapping[str, Any] = MappingProxyType({"ensure_ascii": False})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sn_…``: a live API token of an active person; then the token's rate limit."""

    openapi_description = "在“个人设置 → 接口令牌”中申请，只显示一次。"

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_user(token, API_SCOPES)
        if found is None:
            return None
        access, user = found
        if not can(user, "api.use"):  # a role changed since the token was issued
            return None
        request.user = user
        _count(access)
        _refuse_unknown_parameters(request)
        return access


@functools.cache
def _query_names() -> dict[tuple[str, str], frozenset[str]]:
    """Each operation's query parameters, as its OpenAPI document declares them."""
    from shuniu.api.main import api  # the API is built from this module's parts

    names = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            declared = (p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
            names[(path, method.upper())] = frozenset(declared)
    return names


def _refuse_unknown_parameters(request: HttpRequest) -> None:
    """A misspelt filter (``recieved_from``) is an error, not a silently unfiltered list."""
    match = request.resolver_match
    if match is None:
        return
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    allowed = _query_names().get((path, request.method or ""))
    unknown = sorted(set(request.GET) - allowed) if allowed is not None else []
    if unknown:
        raise DjangoValidationError({name: "没有这个参数。" for name in unknown})


def _count(token: AccessToken) -> None:
    """One more call in this minute's window for the token (an atomic increment: two app servers count together)."""
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=120)
        used = 1
    if used > settings.API_RATE_PER_MINUTE:
        raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))


def person(request: HttpRequest, *, capability: str, write: bool = False) -> User:
    """The token's person, who must hold `capability` (403); a write needs a read-write token (403)."""
    user = request.user
    token = getattr(request, "auth", None)
    if not isinstance(user, User) or not isinstance(token, AccessToken):
        raise AuthenticationError()
    if write and token.scope != TokenScope.WRITE:
        raise PermissionDenied("该令牌为只读令牌，不能修改数据。")
    if not can(user, capability):
        raise PermissionDenied("您没有进行此操作的权限。")
    return user


class Paged(PaginationBase):
    """Pages without a count (as every list page): `page`, `size`, and whether another page follows."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
        size: int = Field(20, ge=1, le=100, description="每页条数，1 到 100")

    class Output(Schema):
        items: list[Any]
        page: int
        size: int
        has_next: bool = Field(description="后面是否还有")

    def paginate_queryset(self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        page = window(queryset, pagination.page, pagination.size)
        return {"items": page.items, "page": page.number, "size": pagination.size, "has_next": page.has_next}


_MESSAGES = {
    "missing": "必须提供。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "int_from_float": "应为整数。",
    "bool_parsing": "应为 true 或 false。",
    "bool_type": "应为 true 或 false。",
    "string_type": "应为文字。",
    "date_parsing": "应为日期，格式 YYYY-MM-DD。",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD。",
    "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD。",
    "date_type": "应为日期，格式 YYYY-MM-DD。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than_equal": "不能大于 {le}。",
    "greater_than": "应大于 {gt}。",
    "less_than": "应小于 {lt}。",
    "string_too_short": "至少 {min_length} 个字。",
    "string_too_long": "不超过 {max_length} 个字。",
    "too_short": "至少 {min_length} 项。",
    "too_long": "最多 {max_length} 项。",
    "literal_error": "应为以下之一：{expected}。",
    "enum": "应为以下之一：{expected}。",
    "json_invalid": "请求体不是有效的 JSON。",
    "model_attributes_type": "应为 JSON 对象。",
    "dict_type": "应为 JSON 对象。",
    "list_type": "应为列表。",
    "extra_forbidden": "不接受这个字段。",
}


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc] if isinstance(loc, list | tuple) else [str(loc)]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]  # ("body", "payload", "percent") → percent
    elif parts and parts[0] in ("query", "path"):
        parts = parts[1:]
    return ".".join(parts)


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if kind == "value_error" and "error" in context:
        return context["error"]
    template = _MESSAGES.get(kind, "取值无效。")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "取值无效。"


def failure(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, fields: Any = ()
) -> HttpResponse:
    """The API's one error shape."""
    body = {"error": {"code": code, "message": message, "fields": list(fields)}}
    return api.create_response(request, body, status=status)


def install_handlers(api: NinjaAPI) -> None:
    """Every failure as the one JSON shape, in Chinese (none as Django's HTML pages)."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
        summary = "；".join(f"{f['field']}：{f['message']}" if f["field"] else f["message"] for f in fields)
        return failure(api, request, 422, "invalid", f"请求有误：{summary}", fields)

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):  # a field's value the service or filter cannot take: bad input
            fields = [{"field": k, "message": " ".join(v)} for k, v in exc.message_dict.items()]
            return failure(api, request, 422, "invalid", "请求有误：" + " ".join(exc.messages), fields)
        return failure(api, request, 400, "refused", " ".join(exc.messages))  # the business rules say no

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = failure(
            api,
            request,
            401,
            "unauthorized",
            "令牌无效、已撤销或未提供：请在请求头 Authorization: Bearer <令牌> 中提供有效令牌。",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RateLimited)
    def limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = failure(api, request, 429, "rate_limited", exc.message)
        response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return failure(api, request, 403, "forbidden", str(exc) or "您没有进行此操作的权限。")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return failure(api, request, 404, "not_found", "未找到，或您无权查看。")

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception(
            "接口请求出错：%s %s", request.method, request.path
        )  # the traceback in the log, not the answer
        return failure(api, request, 500, "server_error", "服务器内部错误，已记录。请稍后再试或联系系统管理员。")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.message.startswith("Cannot parse request body"):  # ninja's words for a body that is not JSON
            return failure(api, request, 400, "invalid", "请求体不是有效的 JSON。")
        return failure(api, request, exc.status_code, "error", exc.message)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """An address under /api/ that is no operation: the API's own 404, not the site's page."""
    body = {"error": {"code": "not_found", "message": "没有这个接口地址，请查看 /api/docs。", "fields": []}}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=404, content_type=ChineseJSON.media_type)
