from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from shuniu.audit.models import AuditEntry
from shuniu.core.middleware import SESSION_KEY
from shuniu.core.models import User
from shuniu.core.testing import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

LOGIN = reverse("core:login")


def post_login(client: Client, username: str, password: str) -> _MonkeyPatchedWSGIResponse:
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_chinese(client: Client, db: None) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "登录" in response.text
    assert "用户名" in response.text


def test_login_succeeds_and_lands_on_workbench(client: Client, clerk: User) -> None:
    response = post_login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("board:workbench")
    assert AuditEntry.objects.filter(action="auth.login", actor=clerk).exists()


def test_wrong_password_gives_chinese_message_and_counts(client: Client, clerk: User) -> None:
    response = post_login(client, "clerk", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.text
    assert "再失败 4 次" in response.text
    clerk.refresh_from_db()
    assert clerk.failed_logins == 1
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_message(client: Client, db: None) -> None:
    response = post_login(client, "nobody", "whatever")
    assert "用户名或密码错误" in response.text


def test_lockout_after_five_failures_refuses_even_the_right_password(client: Client, clerk: User) -> None:
    for _ in range(5):
        post_login(client, "clerk", "wrong")
    clerk.refresh_from_db()
    assert clerk.locked_until is not None
    assert clerk.locked_until - timezone.now() > dt.timedelta(minutes=29)
    response = post_login(client, "clerk", PASSWORD)
    assert "已被锁定" in response.text
    assert "_auth_user_id" not in client.session


def test_lock_runs_out_after_thirty_minutes(client: Client, clerk: User) -> None:
    User.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    response = post_login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.locked_until is None
    assert clerk.failed_logins == 0


def test_success_resets_the_failure_count(client: Client, clerk: User) -> None:
    post_login(client, "clerk", "wrong")
    post_login(client, "clerk", PASSWORD)
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0


def test_idle_session_is_logged_out(client: Client, clerk: User) -> None:
    post_login(client, "clerk", PASSWORD)
    session = client.session
    session[SESSION_KEY] = timezone.now().timestamp() - 31 * 60
    session.save()
    response = client.get(reverse("board:workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_active_session_stays(client: Client, clerk: User) -> None:
    post_login(client, "clerk", PASSWORD)
    session = client.session
    session[SESSION_KEY] = timezone.now().timestamp() - 29 * 60
    session.save()
    assert client.get(reverse("board:workbench")).status_code == 200


def test_logout_requires_post(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    assert client.get(reverse("core:logout")).status_code == 405
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_does_not_redirect_off_site(client: Client, clerk: User) -> None:
    response = client.post(LOGIN, {"username": "clerk", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("board:workbench")


def test_anonymous_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get(reverse("board:workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("new", "message"),
    [("Ab1!", "太短"), ("abcdefgh12", "至少 3 类"), ("Zq8#mLp2x", None)],
)
def test_password_change_applies_the_policy(client: Client, clerk: User, new: str, message: str | None) -> None:
    client.force_login(clerk)
    response = client.post(
        reverse("core:password_change"),
        {"old_password": PASSWORD, "new_password": new, "new_password2": new},
    )
    clerk.refresh_from_db()
    if message:
        assert response.status_code == 200
        assert message in response.text
        assert clerk.check_password(PASSWORD)
    else:
        assert response.status_code == 302
        assert clerk.check_password(new)
        assert AuditEntry.objects.filter(action="user.password_set", object_id=str(clerk.pk)).exists()


def test_password_change_needs_the_old_password(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    response = client.post(
        reverse("core:password_change"),
        {"old_password": "nope", "new_password": "Zq8#mLp2x", "new_password2": "Zq8#mLp2x"},
    )
    assert "原密码不正确" in response.text
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client: Client) -> None:
    response = client.get(reverse("core:login"))
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_no_template_carries_inline_script() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    inline = re.compile(r"""<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
    found = [str(p.relative_to(root)) for p in root.rglob("templates/**/*.html") if inline.search(p.read_text())]
    assert found == []


def login_from(client: Client, address: str, username: str, password: str) -> str:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address).text


@pytest.mark.django_db
class TestLockoutByAddress:
    def test_an_attacker_cannot_lock_the_owner_out_from_another_machine(self, clerk: User) -> None:
        attacker, owner = Client(), Client()
        for _ in range(5):
            login_from(attacker, "10.0.0.66", "clerk", "wrong")
        assert "已被锁定" in login_from(attacker, "10.0.0.66", "clerk", PASSWORD)
        owner.post(LOGIN, {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
        assert "_auth_user_id" in owner.session

    def test_unknown_and_known_names_get_the_same_messages(self, clerk: User) -> None:
        known = [login_from(Client(), "10.0.0.1", "clerk", "wrong") for _ in range(5)]
        unknown = [login_from(Client(), "10.0.0.2", "nobody", "wrong") for _ in range(5)]

        def message(page: str) -> str:
            import re

            found = re.search(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', page, re.S)
            assert found is not None
            return found.group(1).strip()

        assert [message(a) for a in known] == [message(b) for b in unknown]
        assert "已锁定" in message(known[-1])

    def test_one_address_failing_for_many_names_is_refused(self, clerk: User, settings: Settings) -> None:
        settings.LOGIN_ADDRESS_LIMIT = 6
        for name in ("a", "b", "c"):
            login_from(Client(), "10.0.0.9", name, "x")
            login_from(Client(), "10.0.0.9", name, "x")
        assert "此地址登录失败次数过多" in login_from(Client(), "10.0.0.9", "clerk", PASSWORD)
        assert "此地址登录失败次数过多" not in login_from(Client(), "10.0.0.10", "clerk", "wrong")

    def test_failures_are_audited_with_the_address_and_refusals_only_counted(self, clerk: User) -> None:
        for _ in range(8):
            login_from(Client(), "10.0.0.5", "clerk", "wrong")
        failed = AuditEntry.objects.filter(action="auth.login_failed")
        assert failed.count() == 4
        assert {e.data["address"] for e in failed} == {"10.0.0.5"}
        assert AuditEntry.objects.filter(action="auth.locked").count() == 1
        assert not AuditEntry.objects.filter(action="auth.login_refused_locked").exists()
        from shuniu.core.models import LoginThrottle

        assert LoginThrottle.objects.get(username="clerk", address="10.0.0.5").refused == 3

    def test_the_proxy_address_is_believed_only_when_configured(self, clerk: User, settings: Settings) -> None:
        from django.test import RequestFactory

        from shuniu.core.services import client_address

        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.168.1.20")
        assert client_address(request) == "10.0.0.1"
        settings.TRUST_PROXY = True
        assert client_address(request) == "192.168.1.20"


@pytest.mark.django_db
class TestPasswordPolicy:
    def test_the_username_and_the_demo_password_are_refused(self, clerk: User, settings: Settings) -> None:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError, match="不能包含用户名"):
            validate_password("Clerk#2026x", clerk)
        settings.DEMO_PASSWORD_ALLOWED = False
        with pytest.raises(ValidationError, match="公开的演示密码"):
            validate_password(settings.DEMO_PASSWORD, clerk)

    def test_the_last_five_passwords_do_not_come_back(self, clerk: User) -> None:
        from django.core.exceptions import ValidationError

        from shuniu.core import services

        for n in range(5):
            services.user_set_password(user=clerk, password=f"New-pass-{n}x", actor=clerk)
        with pytest.raises(ValidationError, match="最近 5 次"):
            services.user_set_password(user=clerk, password="New-pass-1x", actor=clerk)
        with pytest.raises(ValidationError, match="最近 5 次"):
            services.user_set_password(user=clerk, password="New-pass-4x", actor=clerk)  # the current one

    def test_a_password_set_by_the_administrator_must_be_changed_first(
        self, clerk: User, sysadmin: User, client: Client
    ) -> None:
        from shuniu.core import services

        services.user_set_password(user=clerk, password="Given-by-admin9", actor=sysadmin)
        post_login(client, "clerk", "Given-by-admin9")
        response = client.get(reverse("board:workbench"))
        assert response["Location"] == reverse("core:password_change")
        client.post(
            reverse("core:password_change"),
            {"old_password": "Given-by-admin9", "new_password": "Mine-own-2026", "new_password2": "Mine-own-2026"},
        )
        clerk.refresh_from_db()
        assert not clerk.must_change_password
        assert client.get(reverse("board:workbench")).status_code == 200

    def test_in_production_the_demo_password_opens_nothing(self, client: Client, settings: Settings) -> None:
        from shuniu.core import services

        services.user_create(
            username="wangfang", full_name="王芳", roles=["clerk"], actor=None, password=settings.DEMO_PASSWORD
        )
        settings.DEMO_PASSWORD_ALLOWED = False
        response = post_login(client, "wangfang", settings.DEMO_PASSWORD)
        assert "公开的演示密码" in response.text
        assert "_auth_user_id" not in client.session
