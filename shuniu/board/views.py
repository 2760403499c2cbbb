from __future__ import annotations

from django.contrib.auth.decorators import login_required
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
from shuniu.core.tokens import token_user


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

    A screen nobody logs in to opens it with a wall token (``?token=``, issued at 接口令牌): it shows what
    the token's person may see, and opens nothing else.
    """
    secret = request.GET.get("token", "")
    if not secret:
        return _signed_in_wall(request)
    found = token_user(secret, (TokenScope.WALL.value,))
    if found is None or not can(found[1], "board.view"):
        raise PermissionDenied("大屏令牌无效或已撤销。")
    response = render(request, "board/wall.html", {**board_figures(found[1]), "refresh": WALL_REFRESH})
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address: links must not carry it away
    return response


@capability_required("board.view")
def _signed_in_wall(request: HttpRequest) -> HttpResponse:
    return render(request, "board/wall.html", {**board_figures(current_user(request)), "refresh": WALL_REFRESH})


WALL_REFRESH = 60  # seconds
