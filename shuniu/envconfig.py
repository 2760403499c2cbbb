"""Small typed readers of environment variables that fail loudly on bad values.

Settings must not guess: a misspelt boolean or a malformed URL stops the process with a message
that names the variable, instead of running with a default nobody chose.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """An environment variable holds a value the settings cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"环境变量 {name} 未设置，且没有默认值。")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"环境变量 {name}={value!r} 不是布尔值（应为 1/0、true/false、yes/no、on/off）。")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"环境变量 {name}={value!r} 不是整数。") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"环境变量 {name}={number} 小于允许的最小值 {minimum}。")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"环境变量 {name} 为空列表。")
    return items


def secret_key(*, var_dir: Path, demo_allowed: bool) -> str:
    """SECRET_KEY from the environment; for the demo, one generated once into var/."""
    value = os.environ.get("SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ConfigError("环境变量 SECRET_KEY 太短（至少 32 个字符）。")
        return value
    if not demo_allowed:
        raise ConfigError("未设置 SECRET_KEY：生产环境必须通过环境变量提供。")
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def audit_key(*, var_dir: Path, demo_allowed: bool) -> bytes:
    """The audit chain's HMAC key, kept outside the database.

    From ``SHUNIU_AUDIT_KEY`` (hex, at least 32 bytes) or the file named by ``SHUNIU_AUDIT_KEY_FILE``
    (readable by the service only); for the demo and the tests, one generated once into var/.
    """
    value = os.environ.get("SHUNIU_AUDIT_KEY", "").strip()
    path_text = os.environ.get("SHUNIU_AUDIT_KEY_FILE", "").strip()
    if not value and path_text:
        try:
            value = Path(path_text).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"无法读取审计密钥文件 SHUNIU_AUDIT_KEY_FILE={path_text}：{exc.strerror}") from None
    if not value:
        if not demo_allowed:
            raise ConfigError("未设置审计密钥：生产环境须设置 SHUNIU_AUDIT_KEY 或 SHUNIU_AUDIT_KEY_FILE。")
        path = var_dir / "audit_key"
        if not path.exists():
            var_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        value = path.read_text(encoding="utf-8").strip()
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise ConfigError("审计密钥应为十六进制字符串（如 openssl rand -hex 32 的输出）。") from None
    if len(key) < 32:
        raise ConfigError("审计密钥太短（至少 32 字节，即 64 个十六进制字符）。")
    return key


def _demo_secret(var_dir: Path, name: str, make: str) -> str:
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(make, encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def data_keys(*, var_dir: Path, demo_allowed: bool) -> dict[str, bytes]:
    """The SM4 keys of personal data, the current one first: ``k2:<32 hex>,k1:<32 hex>``.

    From ``SHUNIU_DATA_KEYS`` or the file named by ``SHUNIU_DATA_KEYS_FILE``; for the demo and the
    tests, one generated once into var/. To rotate: put a new key first, run ``shuniu data-rekey``,
    then drop the old one.
    """
    value = os.environ.get("SHUNIU_DATA_KEYS", "").strip()
    path_text = os.environ.get("SHUNIU_DATA_KEYS_FILE", "").strip()
    if not value and path_text:
        try:
            value = Path(path_text).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"无法读取数据密钥文件 SHUNIU_DATA_KEYS_FILE={path_text}：{exc.strerror}") from None
    if not value:
        if not demo_allowed:
            raise ConfigError("未设置个人信息加密密钥：生产环境须设置 SHUNIU_DATA_KEYS 或 SHUNIU_DATA_KEYS_FILE。")
        value = _demo_secret(var_dir, "data_keys", f"k1:{secrets.token_hex(16)}")
    keys: dict[str, bytes] = {}
    for part in value.split(","):
        key_id, _, hex_key = part.strip().partition(":")
        try:
            key = bytes.fromhex(hex_key)
        except ValueError:
            key = b""
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id) or len(key) != 16 or key_id in keys:
            raise ConfigError("数据密钥格式应为 “编号:32 位十六进制”，多个以逗号分隔，编号不重复（如 k2:…,k1:…）。")
        keys[key_id] = key
    return keys


def index_key(*, var_dir: Path, demo_allowed: bool) -> bytes:
    """The HMAC key of the blind indexes (``SHUNIU_INDEX_KEY`` or the file ``SHUNIU_INDEX_KEY_FILE``; hex, 32+ bytes)."""
    value = os.environ.get("SHUNIU_INDEX_KEY", "").strip()
    path_text = os.environ.get("SHUNIU_INDEX_KEY_FILE", "").strip()
    if not value and path_text:
        try:
            value = Path(path_text).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"无法读取索引密钥文件 SHUNIU_INDEX_KEY_FILE={path_text}：{exc.strerror}") from None
    if not value:
        if not demo_allowed:
            raise ConfigError("未设置检索索引密钥：生产环境须设置 SHUNIU_INDEX_KEY 或 SHUNIU_INDEX_KEY_FILE。")
        value = _demo_secret(var_dir, "index_key", secrets.token_hex(32))
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise ConfigError("检索索引密钥应为十六进制字符串（如 openssl rand -hex 32 的输出）。") from None
    if len(key) < 32:
        raise ConfigError("检索索引密钥太短（至少 32 字节）。")
    return key


def office_hours(name: str, default: str) -> list[tuple[str, str]]:
    """Parse '08:30-12:00,14:30-18:00' into sorted, disjoint (start, end) pairs."""
    raw = os.environ.get(name, default)
    spans: list[tuple[str, str]] = []
    for part in raw.split(","):
        try:
            start, end = (piece.strip() for piece in part.split("-"))
            sh, sm = (int(x) for x in start.split(":"))
            eh, em = (int(x) for x in end.split(":"))
        except ValueError:
            raise ConfigError(f"环境变量 {name}={raw!r} 格式错误，应如 08:30-12:00,14:30-18:00。") from None
        if not (0 <= sh < 24 and 0 <= eh <= 24 and 0 <= sm < 60 and 0 <= em < 60):
            raise ConfigError(f"环境变量 {name} 中的时间 {part!r} 超出范围。")
        if (sh, sm) >= (eh, em):
            raise ConfigError(f"环境变量 {name} 中的时段 {part!r} 结束早于开始。")
        spans.append((f"{sh:02d}:{sm:02d}", f"{eh:02d}:{em:02d}"))
    spans.sort()
    for (_, prev_end), (next_start, _) in itertools.pairwise(spans):
        if next_start < prev_end:
            raise ConfigError(f"环境变量 {name} 中的时段互相重叠。")
    return spans
