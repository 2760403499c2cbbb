"""Two-step verification (TOTP, RFC 6238): required for the administrator and the auditor, optional for others."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from shuniu.audit.models import AuditEntry
from shuniu.core import services
from shuniu.core.models import RecoveryCode, Role, SecondFactor, User
from shuniu.core.testing import PASSWORD, at_once, client_for, make_user, second_factor_code

LOGIN = reverse("core:login")
CODE = reverse("core:login_code")
SETUP = reverse("core:second_factor")


def password_step(client: Client, username: str) -> str:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    return str(response.get("Location", ""))


def code_of(user: User) -> str:
    return pyotp.TOTP(SecondFactor.objects.get(user=user).secret).now()


def codes_shown(page: str) -> list[str]:
    return re.findall(r'<li class="col">([a-z2-9]{4}-[a-z2-9]{4})</li>', page)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
class TestLogin:
    def test_the_password_alone_does_not_log_the_administrator_in(self, client: Client, sysadmin: User) -> None:
        assert password_step(client, "sysadmin") == CODE
        assert not logged_in(client)
        assert client.get(reverse("board:workbench")).status_code == 302
        assert not AuditEntry.objects.filter(action="auth.login").exists()

    def test_the_code_from_the_app_completes_the_login(self, client: Client, sysadmin: User) -> None:
        password_step(client, "sysadmin")
        response = client.post(CODE, {"code": second_factor_code("sysadmin")})
        assert response["Location"] == reverse("board:workbench")
        assert logged_in(client)
        assert AuditEntry.objects.get(action="auth.login").data["factor"] == "totp"

    def test_a_wrong_code_counts_like_a_wrong_password_and_locks_after_five(
        self, client: Client, sysadmin: User
    ) -> None:
        password_step(client, "sysadmin")
        right = code_of(sysadmin)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        text = client.post(CODE, {"code": wrong}).text
        assert "验证码不正确或已使用过。再失败 4 次" in text
        for _ in range(4):
            text = client.post(CODE, {"code": wrong}).text
        assert "已锁定" in text
        assert "已被锁定" in client.post(CODE, {"code": second_factor_code("sysadmin")}).text
        assert not logged_in(client)
        assert AuditEntry.objects.filter(action="auth.code_failed").count() == 4
        assert AuditEntry.objects.filter(action="auth.locked").count() == 1

    def test_a_code_cannot_be_used_twice(self, sysadmin: User) -> None:
        code = second_factor_code("sysadmin")
        first, second = Client(), Client()
        password_step(first, "sysadmin")
        password_step(second, "sysadmin")
        first.post(CODE, {"code": code})
        assert logged_in(first)
        assert "验证码不正确或已使用过" in second.post(CODE, {"code": code}).text
        assert not logged_in(second)

    def test_a_recovery_code_works_once(self, client: Client) -> None:
        user = make_user("wangshen", [Role.AUDITOR])
        SecondFactor.objects.filter(user=user).delete()
        factor = services.second_factor_begin(user=user, actor=user)
        codes = services.second_factor_confirm(user=user, actor=user, code=pyotp.TOTP(factor.secret).now())
        assert len(codes) == 10
        assert len(set(codes)) == 10
        assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
        assert not RecoveryCode.objects.filter(digest__in=codes).exists()  # only digests are kept
        password_step(client, "wangshen")
        client.post(CODE, {"code": f" {codes[3].upper()} "})  # as typed: capitals and spaces forgiven
        assert logged_in(client)
        assert AuditEntry.objects.filter(action="auth.login").last().data["factor"] == "recovery"  # type: ignore[union-attr]
        again = Client()
        password_step(again, "wangshen")
        assert "验证码不正确" in again.post(CODE, {"code": codes[3]}).text

    def test_the_code_step_without_a_password_sends_back_to_login(self, client: Client, sysadmin: User) -> None:
        assert client.get(CODE)["Location"] == LOGIN
        assert client.post(CODE, {"code": second_factor_code("sysadmin")})["Location"] == LOGIN
        assert not logged_in(client)

    def test_the_code_step_expires_after_five_minutes(self, client: Client, sysadmin: User) -> None:
        password_step(client, "sysadmin")
        session = client.session
        session["shuniu_login_pending"]["at"] -= 301
        session.save()
        assert client.post(CODE, {"code": second_factor_code("sysadmin")})["Location"] == LOGIN
        assert not logged_in(client)

    def test_a_user_without_the_app_logs_in_with_the_password(self, client: Client, clerk: User) -> None:
        assert password_step(client, "clerk") == reverse("board:workbench")

    def test_the_next_address_survives_the_second_step(self, client: Client, sysadmin: User) -> None:
        client.post(LOGIN, {"username": "sysadmin", "password": PASSWORD, "next": "/audit/"})
        assert client.post(CODE, {"code": second_factor_code("sysadmin")})["Location"] == "/audit/"


@pytest.mark.django_db(transaction=True)
def test_one_code_used_in_two_logins_at_once_opens_one(sysadmin: User) -> None:
    code = second_factor_code("sysadmin")
    results = at_once(*[lambda: services.login_second_step(request=None, user=sysadmin, code=code) for _ in range(2)])
    assert sorted(r.user is not None for r in results) == [False, True]


@pytest.mark.django_db
class TestSetup:
    def test_an_administrator_without_the_app_must_set_it_up_first(self) -> None:
        admin = make_user("newadmin", [Role.ADMIN])
        SecondFactor.objects.filter(user=admin).delete()
        client = client_for(admin)
        assert client.get(reverse("board:workbench"))["Location"] == SETUP
        assert client.get("/admin/")["Location"] == SETUP
        assert client.get(SETUP).status_code == 200

    def test_setting_up_with_the_qr_code_and_a_code(self, clerk: User) -> None:
        client = client_for(clerk)
        assert "未启用" in client.get(SETUP).text
        client.post(reverse("core:second_factor_begin"))
        page = client.get(SETUP).text
        assert 'src="data:image/svg+xml' in page  # the QR code is drawn by the server, nothing fetched
        factor = SecondFactor.objects.get(user=clerk)
        assert factor.secret[:4] in page
        assert "验证码不正确" in client.post(reverse("core:second_factor_confirm"), {"code": "000000"}).text
        assert SecondFactor.objects.get(user=clerk).confirmed_at is None
        page = client.post(reverse("core:second_factor_confirm"), {"code": pyotp.TOTP(factor.secret).now()}).text
        assert "恢复码（只显示这一次）" in page
        assert len(codes_shown(page)) == 10
        assert SecondFactor.objects.get(user=clerk).confirmed_at is not None
        assert "已启用" in client.get(SETUP).text
        assert AuditEntry.objects.filter(action="second_factor.enable", actor=clerk).exists()
        assert password_step(Client(), "clerk") == CODE

    def test_a_started_setup_is_not_asked_at_login(self, client: Client, clerk: User) -> None:
        services.second_factor_begin(user=clerk, actor=clerk)
        assert password_step(client, "clerk") == reverse("board:workbench")

    def test_an_enabled_app_is_not_replaced_by_starting_again(self, sysadmin: User) -> None:
        secret = SecondFactor.objects.get(user=sysadmin).secret
        with pytest.raises(ValidationError, match="已经启用"):
            services.second_factor_begin(user=sysadmin, actor=sysadmin)
        client_for(sysadmin).post(reverse("core:second_factor_begin"))
        assert SecondFactor.objects.get(user=sysadmin).secret == secret

    def test_a_clerk_may_turn_it_off_but_the_auditor_may_not(self, clerk: User, auditor: User) -> None:
        from shuniu.core.testing import enrol_second_factor

        enrol_second_factor(clerk)
        client = client_for(clerk)
        assert "验证码不正确" in client.post(reverse("core:second_factor_disable"), {"code": "12"}).text
        client.post(reverse("core:second_factor_disable"), {"code": second_factor_code("clerk")})
        assert not SecondFactor.objects.filter(user=clerk).exists()
        page = client_for(auditor).get(SETUP).text
        assert "停用两步验证" not in page
        with pytest.raises(ValidationError, match="必须使用"):
            services.second_factor_disable(user=auditor, actor=auditor, code=second_factor_code("auditor"))
        assert SecondFactor.objects.filter(user=auditor).exists()

    def test_renewing_recovery_codes_retires_the_old_ones(self, auditor: User) -> None:
        old = set(RecoveryCode.objects.filter(user=auditor).values_list("digest", flat=True))
        page = (
            client_for(auditor).post(reverse("core:recovery_codes_renew"), {"code": second_factor_code("auditor")}).text
        )
        assert len(codes_shown(page)) == 10
        new = set(RecoveryCode.objects.filter(user=auditor).values_list("digest", flat=True))
        assert len(new) == 10
        assert not old & new


@pytest.mark.django_db
def test_the_administrator_resets_a_lost_phone_audited(sysadmin: User, auditor: User) -> None:
    response = client_for(sysadmin).post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [auditor.pk]},
    )
    assert response.status_code == 302
    assert not SecondFactor.objects.filter(user=auditor).exists()
    assert not RecoveryCode.objects.filter(user=auditor).exists()
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert entry.actor_id == sysadmin.pk
    assert entry.object_id == str(auditor.pk)
    # The auditor logs in with the password alone once more, and must set a new app up before anything else.
    client = Client()
    assert password_step(client, "auditor") == reverse("board:workbench")
    assert client.get(reverse("audit:entries"))["Location"] == SETUP


@pytest.mark.django_db
def test_full_width_digits_and_spaces_are_forgiven(client: Client, sysadmin: User) -> None:
    code = second_factor_code("sysadmin")
    typed = " ".join(chr(ord(d) + 0xFEE0) for d in code)  # ６ ５ ４ …, as a Chinese input method may give
    password_step(client, "sysadmin")
    client.post(CODE, {"code": typed})
    assert logged_in(client)


@pytest.mark.django_db
def test_a_code_from_long_ago_is_refused(sysadmin: User) -> None:
    factor = SecondFactor.objects.get(user=sysadmin)
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=0)
    stale = pyotp.TOTP(factor.secret).at(timezone.now() - dt.timedelta(minutes=3))
    assert services.login_second_step(request=None, user=sysadmin, code=stale).user is None


@pytest.mark.django_db
def test_demo_code_is_refused_outside_the_demo(settings: Settings, sysadmin: User) -> None:
    settings.DEMO_PASSWORD_ALLOWED = False
    with pytest.raises(CommandError, match="只在演示环境"):
        call_command("demo_code", "sysadmin")


@pytest.mark.django_db
def test_the_admin_site_has_no_password_form_of_its_own(client: Client, sysadmin: User) -> None:
    response = client.get("/admin/login/?next=/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fcore%2Fuser%2F"
    response = client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD})
    assert not logged_in(client)


@pytest.mark.django_db
def test_a_session_not_opened_by_the_two_step_login_is_ended(sysadmin: User, clerk: User) -> None:
    bypass = Client()
    bypass.force_login(sysadmin)  # however it was made: not through the login page's second step
    assert bypass.get(reverse("board:workbench"))["Location"] == LOGIN
    assert not logged_in(bypass)
    plain = Client()
    plain.force_login(clerk)  # a user without an app is not affected
    assert plain.get(reverse("board:workbench")).status_code == 200
