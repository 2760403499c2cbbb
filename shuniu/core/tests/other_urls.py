"""Another site's addresses, for tests that swap ROOT_URLCONF: one plain, two whose converters treat numbers their own way."""

from django.http import HttpRequest, HttpResponse
from django.urls import path, register_converter


class Padded:
    """Four digits at least: 7 is written 0007."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


class Positive:
    """No zero."""

    regex = "[1-9][0-9]*"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(Padded, "padded")
register_converter(Positive, "positive")


def elsewhere(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


urlpatterns = [
    path("elsewhere/<int:pk>/", elsewhere, name="elsewhere"),
    path("padded/<padded:pk>/", elsewhere, name="padded"),
    path("positive/<positive:pk>/", elsewhere, name="positive"),
]
