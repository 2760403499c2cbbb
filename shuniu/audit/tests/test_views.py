import pytest
from django.db import transaction
from django.urls import reverse

from shuniu import audit
from shuniu.core.testing import client_for


@pytest.mark.django_db
class TestAuditorPages:
    def test_auditor_lists_and_filters(self, auditor, clerk):
        with transaction.atomic():
            audit.record(actor=clerk, action="doc.test", obj=clerk, data={"k": 1})
        client = client_for(auditor)
        response = client.get(reverse("audit:entries"))
        assert response.status_code == 200 and "doc.test" in response.text
        filtered = client.get(reverse("audit:entries"), {"action": "user."})
        assert "doc.test" not in filtered.text and "user.create" in filtered.text

    def test_bad_filter_gets_a_chinese_message(self, auditor):
        response = client_for(auditor).get(reverse("audit:entries"), {"since": "2026-13-40"})
        assert response.status_code == 200 and "起始日期格式" in response.text

    @pytest.mark.parametrize("persona", ["clerk", "sysadmin", "leader", "outsider"])
    def test_others_get_403(self, request, persona):
        user = request.getfixturevalue(persona)
        assert client_for(user).get(reverse("audit:entries")).status_code == 403
        assert client_for(user).get(reverse("audit:verify")).status_code == 403

    def test_verify_page(self, auditor):
        response = client_for(auditor).get(reverse("audit:verify"))
        assert "审计链完整" in response.text

    def test_list_query_count_is_fixed(self, auditor, django_assert_max_num_queries):
        with transaction.atomic():
            for i in range(60):
                audit.record(actor=auditor, action="bulk", data={"i": i})
        client = client_for(auditor)
        client.get(reverse("audit:entries"))
        with django_assert_max_num_queries(7):
            client.get(reverse("audit:entries"))
