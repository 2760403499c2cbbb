import pytest
from django.urls import reverse

from shuniu.core.models import User
from shuniu.core.testing import client_for


@pytest.mark.django_db
def test_403_and_404_are_in_chinese(clerk: User, auditor: User) -> None:
    forbidden = client_for(clerk).get(reverse("audit:entries"))
    assert forbidden.status_code == 403
    assert "无权访问" in forbidden.content.decode()
    missing = client_for(auditor).get("/documents/999999/")
    assert missing.status_code in (403, 404)
    missing = client_for(clerk).get("/documents/999999/")
    assert missing.status_code == 404
    assert "未找到" in missing.content.decode()


@pytest.mark.django_db
def test_a_database_that_cannot_be_reached_answers_please_retry(clerk: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    def gone(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("shuniu.core.views.directory_for", gone)
    client = client_for(clerk)
    client.raise_request_exception = False
    response = client.get(reverse("core:directory"))
    assert response.status_code == 503
    assert "请稍后重试" in response.content.decode()
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_any_other_error_is_the_plain_500_page(clerk: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("shuniu.core.views.directory_for", broken)
    client = client_for(clerk)
    client.raise_request_exception = False
    response = client.get(reverse("core:directory"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()


@pytest.mark.django_db
def test_a_database_error_that_is_a_bug_is_not_called_temporary(clerk: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    def bug(*args: object, **kwargs: object) -> None:
        raise OperationalError("no such table: core_unit")

    monkeypatch.setattr("shuniu.core.views.directory_for", bug)
    client = client_for(clerk)
    client.raise_request_exception = False
    assert client.get(reverse("core:directory")).status_code == 500
