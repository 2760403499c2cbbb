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
