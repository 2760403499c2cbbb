"""Django settings for Shuniu, read from the environment (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from shuniu.envconfig import (
    ConfigError,
    audit_key,
    data_keys,
    env_bool,
    env_int,
    env_list,
    env_str,
    index_key,
    office_hours,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = env_bool("DEBUG", False)
# Data outside the code: in a source checkout var/ beside it; installed with `pip install .`,
# /var/lib/shuniu (so an upgrade of the installation loses nothing). SHUNIU_VAR_DIR says otherwise.
_CHECKOUT = (BASE_DIR / "pyproject.toml").exists()
VAR_DIR = Path(env_str("SHUNIU_VAR_DIR", str(BASE_DIR / "var" if _CHECKOUT else "/var/lib/shuniu")))

SECRET_KEY = secret_key(var_dir=VAR_DIR, demo_allowed=DEBUG)
AUDIT_KEY = audit_key(var_dir=VAR_DIR, demo_allowed=DEBUG)
# Personal data (core.personal): SM4 keys, the current first, and the blind indexes' HMAC key.
DATA_KEYS = data_keys(var_dir=VAR_DIR, demo_allowed=DEBUG)
INDEX_KEY = index_key(var_dir=VAR_DIR, demo_allowed=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Plain HTTP on an intranet (no TLS anywhere): cookies without the Secure flag. The risk: anyone on
# the network path can read session cookies and passwords. Only when a setting says so.
PLAIN_HTTP = env_bool("SHUNIU_PLAIN_HTTP", DEBUG)
# The origins a POST may come from: by default every allowed host over HTTPS (and HTTP when
# SHUNIU_PLAIN_HTTP is on), so that behind a TLS proxy forms work once ALLOWED_HOSTS names the host.
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    [
        f"{scheme}://{host.lstrip('.')}"
        for host in ALLOWED_HOSTS
        if host != "*"
        for scheme in (("https", "http") if PLAIN_HTTP else ("https",))
    ],
)

INSTALLED_APPS = [
    "shuniu.core",  # before the admin, so its templates/admin/base_site.html (legible colours) is the one used
    "shuniu.core.admin_site.ShuniuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "shuniu.audit",
    "shuniu.schedules",
    "shuniu.documents",
    "shuniu.supervision",
    "shuniu.petitions",
    "shuniu.notices",
    "shuniu.knowledge",
    "shuniu.search",
    "shuniu.board",
    "shuniu.api",
    "ninja",  # the API's interactive documents (Swagger UI) from its own static files, no CDN
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shuniu.core.middleware.IdleLogoutMiddleware",
    "shuniu.core.middleware.PasswordChangeRequiredMiddleware",
    "shuniu.core.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shuniu.urls"
WSGI_APPLICATION = "shuniu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # a cheaper `date` filter and `url` tag, the same text; `row`: a list row rendered once for its values
            "builtins": ["shuniu.core.template_dates", "shuniu.core.template_urls", "shuniu.core.template_rows"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuniu.core.context_processors.navigation",
            ],
        },
    },
]


def _database(url: str) -> dict[str, object]:
    try:
        config: dict[str, object] = dict(
            # Health checks: a connection kept across requests is tested before reuse, so a restarted
            # PostgreSQL costs no request an error once it is back.
            dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True)
        )
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"环境变量 DATABASE_URL 无法解析：{exc}") from None
    engine = str(config.get("ENGINE", ""))
    if engine == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if not name or name == ":memory:":
            raise ConfigError("DATABASE_URL 的 SQLite 文件路径为空。")
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        # Several clerks write at once: WAL lets readers go on during a write, IMMEDIATE takes the
        # write lock at BEGIN (no upgrade deadlock), and the busy timeout waits instead of failing.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        }
        config["TEST"] = {"NAME": str(Path(name).with_name("test_" + Path(name).name))}
    elif engine == "django.db.backends.postgresql":
        # The office's queries are short: compiling one with JIT costs more (20+ ms, measured on the
        # search at a million documents) than running it.
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        options["options"] = " ".join(x for x in (str(options.get("options", "")), "-c jit=off") if x)
        if env_bool("DB_PREPARED_STATEMENTS", True):
            # A statement run five times on a connection is prepared: parsed and planned once (psycopg keeps
            # the 100 last used a connection; the sixteen pages of the throughput benchmark ask 60). The office
            # asks the same statements again and again (a page's scope, counts and rows); under load the list
            # pages answered 10–40 % more requests a second (README). The search's reading statements are
            # never prepared (`core.dbfunctions.unprepared`). It needs the parameters bound on the server. Off behind a
            # pooler that hands a connection to another session between transactions (PgBouncer's
            # transaction mode before 1.21), which cannot keep them.
            options["server_side_binding"] = True
            options["prepare_threshold"] = 5
        config["OPTIONS"] = options
    else:
        raise ConfigError(f"DATABASE_URL 指定了不支持的数据库：{engine}（只支持 sqlite:// 与 postgres://）。")
    return config


if not DEBUG and not env_str("DATABASE_URL", ""):
    # No silent SQLite in production: say which database, even if it is SQLite (sqlite:////path).
    raise ConfigError("未设置 DATABASE_URL：生产环境必须指定数据库（如 postgres://用户:密码@主机:5432/库名）。")
DATABASES = {"default": _database(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shuniu.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "board:workbench"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "shuniu.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "shuniu.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "shuniu.core.passwords.NotTheUsernameValidator"},
    {"NAME": "shuniu.core.passwords.NotTheDemoPasswordValidator"},
    {"NAME": "shuniu.core.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
]

# Security (等保 2.0 level-3 style)
LOGIN_MAX_FAILURES = env_int("SHUNIU_LOGIN_MAX_FAILURES", 5, minimum=1)
# A group visit (集体访) by the county's convention: this many people or more (art. 20 caps the
# representatives at 5; the threshold itself is local).
PETITION_GROUP_SIZE = env_int("SHUNIU_PETITION_GROUP_SIZE", 5, minimum=2)
# The county's telephone area code: a number dialled locally (7 or 8 digits) is matched with it.
AREA_CODE = env_str("SHUNIU_AREA_CODE", "0999")
LOGIN_LOCK_MINUTES = env_int("SHUNIU_LOGIN_LOCK_MINUTES", 30, minimum=1)
# One source address failing for many user names (password spraying) is refused as a whole.
LOGIN_ADDRESS_LIMIT = env_int("SHUNIU_LOGIN_ADDRESS_LIMIT", 20, minimum=1)
# Behind our own reverse proxy: believe the last address of X-Forwarded-For (else the socket's).
TRUST_PROXY = env_bool("SHUNIU_TRUST_PROXY", False)
IDLE_LOGOUT_MINUTES = env_int("SHUNIU_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not PLAIN_HTTP)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Everything a page loads is our own: scripts only from our static files (no inline script, no eval);
# styles from our files (inline style attributes allowed: Bootstrap's JavaScript and the admin set them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Behind a TLS-terminating proxy (nginx): trust its X-Forwarded-Proto, send HSTS, redirect plain HTTP.
if env_bool("SHUNIU_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SHUNIU_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_SSL_REDIRECT = env_bool("SHUNIU_SSL_REDIRECT", False)

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Working calendar: office hours on a working day.
OFFICE_HOURS = office_hours("SHUNIU_OFFICE_HOURS", "08:30-12:00,14:30-18:00")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "shuniu" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# With DEBUG (demo, tests) whitenoise serves straight from the apps' static folders; in production
# from STATIC_ROOT, which `shuniu serve` fills with collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every page they lay out at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# Roles that must log in with a second factor (an authenticator app); anyone else may choose to.
SECOND_FACTOR_ROLES = env_list("SHUNIU_SECOND_FACTOR_ROLES", ["admin", "auditor"])

# `flush` may empty a database that holds audit entries only under the test suite (audit/triggers.py).
AUDIT_FLUSH_ALLOWED = False

# Demo accounts share one password, printed by `shuniu demo-load`; `shuniu serve` refuses to start
# with DEBUG off while any of them still has it.
DEMO_PASSWORD = "Shuniu@2026"  # noqa: S105 - published on purpose, refused in production
# The demo (DEBUG=1 in the environment) may use the demo password; a production service never.
DEMO_PASSWORD_ALLOWED = DEBUG

# What the worker asks every minute for reminders that are due (core/reminders.py); each module adds its own.
REMINDER_SOURCES = [
    "shuniu.schedules.reminders.key_work_due",
    "shuniu.supervision.reminders.matters_due",
    "shuniu.petitions.reminders.petitions_due",
    "shuniu.petitions.reminders.petitions_digest",
    "shuniu.notices.reminders.notices_due",
    "shuniu.notices.reminders.callbacks_due",
    "shuniu.knowledge.reminders.facts_due",
    "shuniu.knowledge.reminders.projects_due",
    "shuniu.board.reminders.morning_briefing",
]
BRIEFING_AT = env_str("SHUNIU_BRIEFING_AT", "07:30")  # each working morning, every leader's 今日要情
# Workbench panels: each app offers its cards (shuniu.core.panels).
WORKBENCH_PANELS = [
    "shuniu.core.panels.core_panels",
    "shuniu.documents.panels.panels",
    "shuniu.schedules.panels.panels",
    "shuniu.audit.panels.panels",
]
# Notifications by e-mail (SMTP) and SMS (core/delivery.py, core/sms.py): see README "Notifications".
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "shuniu@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
EMAIL_MESSAGE_DOMAIN = env_str("SHUNIU_EMAIL_MESSAGE_DOMAIN", "shuniu.local")  # in each mail's Message-ID
SITE_URL = env_str("SHUNIU_SITE_URL", "").rstrip("/")  # links in e-mails, e.g. https://shuniu.example.gov.cn
SMS_SENDER = env_str("SHUNIU_SMS_SENDER", "shuniu.core.sms.LogSms")
if env_str("SHUNIU_NOTIFICATION_SENDERS", ""):
    raise ConfigError(
        "SHUNIU_NOTIFICATION_SENDERS 已不再使用：每人自选邮件或短信；短信网关请设 SHUNIU_SMS_SENDER，邮件见 EMAIL_*（见 README）。"
    )
SMS_ALIYUN = {
    "key_id": env_str("SHUNIU_SMS_ALIYUN_KEY_ID", ""),
    "key_secret": env_str("SHUNIU_SMS_ALIYUN_KEY_SECRET", ""),
    "sign_name": env_str("SHUNIU_SMS_ALIYUN_SIGN_NAME", ""),
    "template": env_str("SHUNIU_SMS_ALIYUN_TEMPLATE", ""),
    "endpoint": env_str("SHUNIU_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
}

# The API's per-token rate limit counts in the cache: Redis when the app servers share one (SHUNIU_CACHE_URL,
# else the worker's HUEY_REDIS_URL), so two app servers count together; each process's memory otherwise.
_CACHE_URL = env_str("SHUNIU_CACHE_URL", "") or env_str("HUEY_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Requests per token per minute; over it the API answers 429 with Retry-After.
API_RATE_PER_MINUTE = env_int("SHUNIU_API_RATE", 300, minimum=1)

# Background work (reminders): huey on SQLite under var/ by default; Redis when HUEY_REDIS_URL is set.
_HUEY_REDIS_URL = env_str("HUEY_REDIS_URL", "")
HUEY = (
    {"huey_class": "huey.RedisHuey", "name": "shuniu", "url": _HUEY_REDIS_URL, "immediate": False}
    if _HUEY_REDIS_URL
    else {
        "huey_class": "huey.SqliteHuey",
        "name": "shuniu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
)
STUCK_COPY_HOURS = env_int("SHUNIU_STUCK_COPY_HOURS", 24, minimum=1)
# An urgent document's copy a handling unit has not signed for within this many office minutes is chased.
UNIT_RECEIPT_MINUTES = env_int("SHUNIU_UNIT_RECEIPT_MINUTES", 120, minimum=10)
