"""Another site's addresses, for a test that swaps ROOT_URLCONF."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def elsewhere(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


urlpatterns = [path("elsewhere/<int:pk>/", elsewhere, name="elsewhere")]
