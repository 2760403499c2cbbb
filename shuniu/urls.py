from django.contrib import admin
from django.urls import include, path, re_path

from shuniu.api.base import not_found as api_not_found
from shuniu.api.main import api
from shuniu.board.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("shuniu.core.urls")),
    path("workbench/", include("shuniu.board.urls")),
    path("board/", include("shuniu.board.office_urls")),
    path("audit/", include("shuniu.audit.urls")),
    path("schedules/", include("shuniu.schedules.urls")),
    path("documents/", include("shuniu.documents.urls")),
    path("supervision/", include("shuniu.supervision.urls")),
    path("petitions/", include("shuniu.petitions.urls")),
    path("notices/", include("shuniu.notices.urls")),
    path("calls/", include("shuniu.notices.call_urls")),
    path("knowledge/", include("shuniu.knowledge.urls")),
    path("search/", include("shuniu.search.urls")),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("admin/", admin.site.urls),
]

# A database that is restarting or unreachable answers "请稍后重试" (503), not a second error.
handler500 = "shuniu.core.views.server_error"
