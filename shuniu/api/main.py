"""The API: one NinjaAPI with the token as its only way in, its routers, and its errors in Chinese."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from shuniu.api import documents, knowledge, notices, petitions, schedules, supervision
from shuniu.api.base import ChineseJSON, TokenAuth, install_handlers

DESCRIPTION = """枢纽对接接口：供上级系统和本县其他系统读取、报送。

- **令牌**：登录枢纽后在“接口令牌”页申请，只显示一次；请求头 `Authorization: Bearer sn_…`。
  令牌代表申请人本人，能看到和能做的与本人在页面上完全一致（角色、单位、密级）；只读令牌不能修改数据。
- **分页**：列表用 `page`（从 1 开始）和 `size`（1–100），返回 `has_next` 表示后面是否还有（不统计总数）。
- **频率**：每个令牌每分钟有请求上限，超过返回 429 和 `Retry-After`。
- **错误**：一律为 `{"error": {"code", "message", "fields": [{"field", "message"}]}}`，说明为中文。
- **时间**：ISO 8601，带 +08:00；日期 YYYY-MM-DD。
"""

api = NinjaAPI(
    title="枢纽接口",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    renderer=ChineseJSON(),
    # No deep links (Swagger UI puts them inside its buttons: a control in a control) and no colouring of the
    # examples (its red on black is below WCAG's contrast): the page passes axe's WCAG 2.2 AA checks.
    docs=Swagger(
        settings={
            "persistAuthorization": False,
            "defaultModelsExpandDepth": 0,
            "deepLinking": False,
            "syntaxHighlight": {"activated": False},
        }
    ),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
install_handlers(api)
for module in (documents, supervision, petitions, notices, knowledge, schedules):
    api.add_router("/", module.router)
