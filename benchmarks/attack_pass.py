"""An attack pass anyone can rerun: every URL × every role, odd input, forged requests, tampering.

Run:  .venv/bin/python benchmarks/attack_pass.py      (a fresh SQLite database under var/attack/)

Loads the demo county, then tries, through Django's test client (the full middleware stack):
  - every URL pattern with real ids, as every demo role and anonymously: never a 500; a page of a
    document the user may not see never shows its title (a classified one, to the clerk below it);
  - odd query values on every page (², year 9999 and 1, negative and huge numbers, markup): never a
    500, markup never comes back unescaped;
  - every POST without a CSRF token: refused (403);
  - open redirects through ``next=``; login messages for known and unknown names; a lock-out from one
    address against the owner at another; a tampered audit entry.
Prints a table (category, attempts, held) for the README; exits non-zero if anything did not hold.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "attack"
shutil.rmtree(VAR, ignore_errors=True)
VAR.mkdir(parents=True)
os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'db.sqlite3'}"
os.environ["SHUNIU_VAR_DIR"] = str(VAR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
os.environ.setdefault("DEBUG", "1")
sys.path.insert(0, str(ROOT))

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from shuniu.audit import triggers
from shuniu.audit.services import verify
from shuniu.core.models import User
from shuniu.core.selectors import second_factor_enabled
from shuniu.core.testing import second_factor_code
from shuniu.documents.models import Copy, Document, Reading
from shuniu.schedules.models import CheckItem, Engagement, KeyWork

settings.ALLOWED_HOSTS = ["testserver", "localhost"]
RESULTS: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # category → [attempts, held]
PROBLEMS: list[str] = []


def tally(category: str, held: bool, what: str) -> None:
    RESULTS[category][0] += 1
    RESULTS[category][1] += int(held)
    if not held:
        PROBLEMS.append(f"{category}: {what}")


def patterns() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(items: list[URLPattern | URLResolver], prefix: str) -> None:
        for item in items:
            if isinstance(item, URLResolver):
                walk(item.url_patterns, prefix + str(item.pattern))
            else:
                found.append((prefix + str(item.pattern), item.name or ""))

    walk(get_resolver().url_patterns, "/")
    return [(path, name) for path, name in found if not path.startswith("/admin/") and "static" not in path]


def sample_ids() -> dict[str, list[str]]:
    """Real ids to put into the patterns: the first and a classified document, and so on."""
    secret = Document.objects.filter(secrecy__gte=1).first()
    plain = Document.objects.filter(secrecy=0).first()
    return {
        "documents/<int:pk>": [str(d.pk) for d in (plain, secret) if d],
        "readings": [str(r.pk) for r in Reading.objects.all()[:2]],
        "copies": [str(c.pk) for c in Copy.objects.all()[:2]],
        "engagements": [str(e.pk) for e in Engagement.objects.all()[:1]],
        "keywork": [str(k.pk) for k in KeyWork.objects.all()[:1]],
        "check": [str(c.pk) for c in CheckItem.objects.all()[:1]],
        "leader": [str(u.pk) for u in User.objects.filter(role_grants__role="leader")[:1]],
        "other": ["1", "999999"],
    }


def concrete(path: str, ids: dict[str, list[str]]) -> list[str]:
    if "<" not in path:
        return [path]
    key = next((k for k in ids if k in path), "other")
    urls = []
    for pk in ids[key] or ["1"]:
        url = re.sub(r"<int:pk>", pk, path, count=1)
        url = re.sub(r"<int:attachment_pk>", "1", url)
        url = re.sub(r"<str:fmt>", "xlsx", url)
        url = re.sub(r"<str:token>", "x" * 20, url)
        urls.append(re.sub(r"<[^>]+>", "1", url))
    return urls


def body_of(response: Any) -> str:
    """The page's text (streamed downloads read in full)."""
    data: bytes = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return data.decode("utf-8", "replace")


def logged_in(client: Client, username: str) -> Client:
    """As the login page leaves a session (password, and the second step for those with an app)."""
    from shuniu.core.middleware import SECOND_FACTOR_KEY

    user = User.objects.get(username=username)
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_KEY] = second_factor_enabled(user)
    session.save()
    return client


def client_for(username: str | None) -> Client:
    client = Client(raise_request_exception=False)
    return logged_in(client, username) if username else client


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo_load", verbosity=0)
    users = ["zhangjianguo", "huangxiaodong", "wangfang", "zhaoqiang", "sunmei", "zhouping", "qianli", "fenghui"]
    ids = sample_ids()
    secret = Document.objects.filter(secrecy__gte=1).first()
    urls = [url for path, _ in patterns() for url in concrete(path, ids)]
    odd = ["²", "9999-12-31", "0001-01-01", "-1", "99999999999999999999", "<script>alert(1)</script>", "x" * 3000]

    for who in [None, *users]:
        client = client_for(who)
        viewer = User.objects.get(username=who) if who else None
        for url in urls:
            if url.endswith("/logout/"):
                continue
            response = client.get(url)
            tally(
                "every URL × every role: no 500",
                response.status_code < 500,
                f"{who} GET {url} → {response.status_code}",
            )
            if secret and viewer is not None and viewer.clearance < secret.secrecy and response.status_code == 200:
                body = body_of(response)
                tally("classified titles hidden below clearance", secret.title not in body, f"{who} {url}")
            for value in odd:
                query = {"q": value, "year": value, "week": value, "date": value, "page": value}
                bad = client.get(url, query)
                tally(
                    "odd query values: no 500",
                    bad.status_code < 500,
                    f"{who} GET {url} ?{value[:20]} → {bad.status_code}",
                )
                text = body_of(bad) if "text/html" in bad.get("Content-Type", "") else ""
                tally("markup never comes back unescaped", "<script>alert(1)" not in text, f"{who} {url}")
        forged = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if who:
            logged_in(forged, who)
        for url in urls:
            response = forged.post(url, {"x": "1"})
            tally(
                "POST without CSRF token refused",
                response.status_code in (403, 405),
                f"{who} POST {url} → {response.status_code}",
            )

    clerk = client_for("wangfang")
    copy = Copy.objects.first()
    if copy:
        for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            response = clerk.post(f"/documents/copies/{copy.pk}/deliver/", {"next": target})
            location = response.get("Location", "")
            tally("no open redirect", "evil" not in location, f"next={target} → {location}")
    for target in ("https://evil.example/", "//evil.example/"):
        response = Client().post(
            f"/accounts/login/?next={target}",
            {"username": "wangfang", "password": settings.DEMO_PASSWORD, "next": target},
        )
        tally("no open redirect", "evil" not in response.get("Location", ""), f"login next={target}")

    def message(page: str) -> str:
        found = re.search(r"alert-danger[^>]*>(.*?)</div>", page, re.S)
        return found.group(1).strip() if found else ""

    known = [
        message(Client().post("/accounts/login/", {"username": "qianli", "password": "x"}, REMOTE_ADDR="10.9.0.1").text)
        for _ in range(6)
    ]
    unknown = [
        message(Client().post("/accounts/login/", {"username": "nobody", "password": "x"}, REMOTE_ADDR="10.9.0.2").text)
        for _ in range(6)
    ]
    tally("login: unknown names indistinguishable", known == unknown, f"{known[-1]} / {unknown[-1]}")
    owner = Client()
    owner.post("/accounts/login/", {"username": "qianli", "password": settings.DEMO_PASSWORD}, REMOTE_ADDR="10.9.0.7")
    owner.post("/accounts/login/code/", {"code": second_factor_code("qianli")}, REMOTE_ADDR="10.9.0.7")
    tally("lock-out cannot shut the owner out elsewhere", "_auth_user_id" in owner.session, "owner refused")
    thief = Client()  # the auditor's password alone, from another address
    thief.post("/accounts/login/", {"username": "qianli", "password": settings.DEMO_PASSWORD}, REMOTE_ADDR="10.9.0.8")
    for guess in ("000000", "123456", "111111", "654321", "999999", "000001"):
        thief.post("/accounts/login/code/", {"code": guess}, REMOTE_ADDR="10.9.0.8")
    tally("password without the second factor opens nothing", "_auth_user_id" not in thief.session, "logged in")
    side_door = Client()  # the admin site's own login form
    side_door.post("/admin/login/", {"username": "fenghui", "password": settings.DEMO_PASSWORD}, REMOTE_ADDR="10.9.0.9")
    tally("password without the second factor opens nothing", "_auth_user_id" not in side_door.session, "admin")

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE seq = 3")
        refused = False
    except DatabaseError:
        refused = True
    tally("audit entry rewritten through SQL", refused, "the database let an audit entry be updated")
    with triggers.lifted(connection), connection.cursor() as cursor:  # the owner of the database drops the trigger
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE seq = 3")
    tally("tampered audit entry detected", not verify().ok, "verify passed after tampering")

    width = max(len(c) for c in RESULTS)
    print(f"{'category':<{width}}  {'attempts':>8}  {'held':>8}")
    for category, (attempts, held) in RESULTS.items():
        print(f"{category:<{width}}  {attempts:>8}  {held:>8}")
    for problem in PROBLEMS[:30]:
        print("  did not hold:", problem)
    sys.exit(1 if PROBLEMS else 0)


if __name__ == "__main__":
    main()
