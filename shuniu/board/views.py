from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from shuniu.board.selectors import workbench_for
from shuniu.core.access import current_user


def home(request: HttpRequest) -> HttpResponse:
    return redirect("board:workbench" if request.user.is_authenticated else "core:login")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(request, "board/workbench.html", workbench_for(user))
