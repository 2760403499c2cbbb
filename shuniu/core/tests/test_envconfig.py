from pathlib import Path

import pytest

from shuniu.envconfig import ConfigError, env_bool, env_int, env_list, office_hours, secret_key


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False), ("0", False)])
def test_env_bool(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not value) is value


def test_env_bool_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_N", "abc")
    with pytest.raises(ConfigError, match="不是整数"):
        env_int("X_N", 1)
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ConfigError, match="最小值"):
        env_int("X_N", 1, minimum=1)


def test_env_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_HOSTS", "a.example, b.example")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize("raw", ["08:30-12:00,11:00-18:00", "12:00-08:30", "8h-12h", "25:00-26:00"])
def test_office_hours_refuse_bad_values(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("X_HOURS", raw)
    with pytest.raises(ConfigError):
        office_hours("X_HOURS", "08:30-12:00")


def test_secret_key_required_outside_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        secret_key(var_dir=tmp_path, demo_allowed=False)
    generated = secret_key(var_dir=tmp_path, demo_allowed=True)
    assert len(generated) >= 50
    assert secret_key(var_dir=tmp_path, demo_allowed=True) == generated
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def settings_under(**env: str) -> dict[str, object]:
    """The settings module as a fresh process with this environment reads it (or its error)."""
    import json
    import os
    import subprocess
    import sys

    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "DB_PREPARED_STATEMENTS"}
    }
    code = (
        "import json, shuniu.settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['CSRF_TRUSTED_ORIGINS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'VAR_DIR', 'DATABASES']}, default=str))"
    )
    production = {
        "SECRET_KEY": "s" * 40,
        "SHUNIU_AUDIT_KEY": "ab" * 32,
        "SHUNIU_DATA_KEYS": "k1:" + "cd" * 16,
        "SHUNIU_INDEX_KEY": "ef" * 32,
        "DATABASE_URL": "postgres://u@h/db",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **production, **env}, capture_output=True, text=True, check=False
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_production_without_database_url_stops_naming_it() -> None:
    assert "DATABASE_URL" in str(settings_under(DATABASE_URL="").get("error"))


def test_production_without_the_personal_data_keys_stops_naming_them() -> None:
    assert "SHUNIU_DATA_KEYS" in str(settings_under(SHUNIU_DATA_KEYS="").get("error"))
    assert "SHUNIU_INDEX_KEY" in str(settings_under(SHUNIU_INDEX_KEY="").get("error"))
    assert "编号:32 位十六进制" in str(settings_under(SHUNIU_DATA_KEYS="k1:abcd").get("error"))


def test_behind_tls_forms_work_once_the_host_is_named() -> None:
    found = settings_under(ALLOWED_HOSTS="shuniu.example.gov.cn")
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://shuniu.example.gov.cn"]
    assert found["SESSION_COOKIE_SECURE"] is True


def test_plain_http_only_when_a_setting_says_so() -> None:
    found = settings_under(ALLOWED_HOSTS="10.1.2.3", SHUNIU_PLAIN_HTTP="1")
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["CSRF_COOKIE_SECURE"] is False
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://10.1.2.3", "http://10.1.2.3"]


def test_postgresql_prepares_statements_unless_a_pooler_cannot_keep_them() -> None:
    options = settings_under()["DATABASES"]["default"]["OPTIONS"]  # type: ignore[index]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert "jit=off" in options["options"]
    options = settings_under(DB_PREPARED_STATEMENTS="off")["DATABASES"]["default"]["OPTIONS"]  # type: ignore[index]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
