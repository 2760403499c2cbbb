"""Shuniu's URLs and `/bench/bare/`: the whole middleware stack, a session and a user, and nothing else."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), path("", include("shuniu.urls"))]
