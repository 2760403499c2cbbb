import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

from shuniu.audit.models import AuditEntry
from shuniu.audit.services import verify
from shuniu.cli import ALIASES
from shuniu.core.demo import LOGIN_PER_ROLE
from shuniu.core.models import Contact, LeaderProfile, Role, Unit, UnitKind, User


@pytest.mark.django_db
def test_demo_load_builds_the_county_and_is_idempotent() -> None:
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    text = out.getvalue()
    for role, username in LOGIN_PER_ROLE:
        assert username in text
        assert Role(role).label in text
        assert User.objects.get(username=username).has_role(role)
    assert LeaderProfile.objects.count() == 12
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() == 30
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == 15
    counts = (Unit.objects.count(), Contact.objects.count(), User.objects.count())
    entries = AuditEntry.objects.count()

    call_command("demo_load", stdout=io.StringIO())
    assert (Unit.objects.count(), Contact.objects.count(), User.objects.count()) == counts
    # A second run changes nothing, so it records only that it ran.
    assert AuditEntry.objects.count() == entries + 1
    assert verify().ok


@pytest.mark.django_db
def test_demo_load_keeps_a_changed_password() -> None:
    call_command("demo_load", stdout=io.StringIO())
    user = User.objects.get(username="wangfang")
    user.set_password("Changed#2026")
    user.save()
    call_command("demo_load", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password("Changed#2026")


@pytest.mark.django_db
def test_serve_refuses_production_with_a_demo_password(settings: Settings) -> None:
    call_command("demo_load", stdout=io.StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="示例密码") as caught:
        call_command("serve")
    assert "wangfang" in str(caught.value)


@pytest.mark.django_db
def test_serve_starts_once_the_demo_passwords_are_gone(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path
    call_command("demo_load", stdout=io.StringIO())
    User.objects.filter(username__in=[u for _, u in LOGIN_PER_ROLE] + ["zhangjianguo"]).update(is_active=False)
    for user in User.objects.filter(is_active=True):
        user.set_unusable_password()
        user.save()
    settings.DEBUG = False
    started = []
    monkeypatch.setattr("os.execv", lambda path, argv: started.append(argv))
    monkeypatch.setattr("shuniu.core.management.commands.serve.call_command", lambda *a, **k: None)  # collectstatic
    call_command("serve", "--bind", "127.0.0.1:8123", stdout=io.StringIO())
    assert started
    assert "gunicorn" in started[0]
    assert "127.0.0.1:8123" in started[0]
    assert started[0][started[0].index("--timeout") + 1] == "60"


def test_serve_collects_static_files_only_when_they_changed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from shuniu.core.management.commands import serve

    source = tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("a{}")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "collected"
    runs: list[object] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: runs.append(a))
    serve.collect_static_once()
    serve.collect_static_once()  # a restart: nothing changed
    assert len(runs) == 1
    (source / "site.css").write_text("a{color:red}")  # an upgrade
    serve.collect_static_once()
    assert len(runs) == 2


def test_cli_aliases_point_at_real_commands() -> None:
    from django.core.management import get_commands

    for name in ALIASES.values():
        assert name in get_commands()
