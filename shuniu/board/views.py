from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from shuniu.board.selectors import board_figures, briefing_for, workbench_for
from shuniu.core.access import current_user
from shuniu.core.models import TokenScope
from shuniu.core.permissions import can, capability_required
from shuniu.core.printing import PDF, render_pdf
from shuniu.core.responses import download
from shuniu.core.services import read_recorded
from shuniu.core.tokens import token_user, token_user_by_id


def home(request: HttpRequest) -> HttpResponse:
    return redirect("board:workbench" if request.user.is_authenticated else "core:login")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(request, "board/workbench.html", workbench_for(user))


@capability_required("board.briefing")
def briefing(request: HttpRequest) -> HttpResponse:
    """今日要情: the leader's day on one page (the morning's notification links here)."""
    context = {"b": briefing_for(current_user(request)), "now": timezone.now()}
    return render(request, "board/briefing.html", context)


@capability_required("board.briefing")
def briefing_pdf(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    b = briefing_for(user)
    day = b.today["date"]
    read_recorded(actor=user, action="export.briefing", data={"day": day.isoformat()})  # titles go to paper
    return download(render_pdf("board/print_briefing.html", {"b": b}), f"今日要情-{day:%Y%m%d}.pdf", PDF)


@capability_required("board.view")
def office_board(request: HttpRequest) -> HttpResponse:
    """The office board: where documents, supervision, petitions and notices stand, with charts."""
    return render(request, "board/office.html", board_figures(current_user(request)))


@never_cache
def office_wall(request: HttpRequest) -> HttpResponseBase:
    """The board for the office's screen (大屏): large type, no menu, refreshing itself every minute.

    A screen nobody logs in to is opened once with a wall token (``?token=``, issued at 接口令牌): the
    token is exchanged for a signed cookie naming it and the address loses it (so it stays out of the
    history and the logs from then on). The screen shows what the token's person may see, opens nothing
    else, and goes dark the moment the token is revoked.
    """
    secret = request.GET.get("token", "")
    if secret:
        found = token_user(secret, WALL)
        if found is None or not can(found[1], "board.view"):
            raise PermissionDenied("大屏令牌无效或已撤销。")
        response = redirect("office:wall")
        response.set_signed_cookie(
            WALL_COOKIE,
            str(found[0].pk),
            salt=WALL_COOKIE,
            max_age=WALL_COOKIE_AGE,
            httponly=True,
            samesite="Strict",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        response["Referrer-Policy"] = "no-referrer"
        return response
    if not request.user.is_authenticated and WALL_COOKIE in request.COOKIES:
        found = token_user_by_id(request.get_signed_cookie(WALL_COOKIE, "", salt=WALL_COOKIE), WALL)
        if found is None or not can(found[1], "board.view"):
            response = redirect_to_login(request.get_full_path())
            response.delete_cookie(WALL_COOKIE)
            return response
        return render(request, "board/wall.html", {**board_figures(found[1]), "refresh": WALL_REFRESH})
    return _signed_in_wall(request)


@capability_required("board.view")
def _signed_in_wall(request: HttpRequest) -> HttpResponse:
    return render(request, "board/wall.html", {**board_figures(current_user(request)), "refresh": WALL_REFRESH})


WALL = (TokenScope.WALL.value,)
WALL_COOKIE = "shuniu_wall"
WALL_COOKIE_AGE = 400 * 24 * 3600  # browsers keep a cookie at most 400 days; revoking the token ends it sooner
WALL_REFRESH = 60  # seconds
