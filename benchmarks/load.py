"""Load test: people working the document flow through the forms of two app servers, with the worker running.

Run:  .venv/bin/python benchmarks/load.py                      PostgreSQL (its own throwaway cluster), 120 s
      .venv/bin/python benchmarks/load.py --db sqlite          SQLite under var/bench-load/
      .venv/bin/python benchmarks/load.py --seconds 30 --strict   CI: exit 1 on any 5xx, deadlock or lost request
      --writers N (8), --readers N (4), --compare (also a run with one writer, for the ratio)
      --fault app|db|worker   a third of the way in: kill an app server (nginx in front) / restart
                              PostgreSQL / kill the worker and stop its Redis for 20 s
      --nginx, --redis        nginx in front (deploy/nginx/shuniu-plain-http.conf), the queue on Redis

Starts, on loopback, as the README's deployment does: PostgreSQL (through scripts/with-postgres) or a
SQLite file, `shuniu migrate` and `shuniu demo-load`, two `shuniu serve` instances (gunicorn, DEBUG off,
demo passwords replaced) and one `shuniu worker`. Each writer is a person doing the whole flow on
documents of her own, every step a real form POST with its CSRF token, alternating between the two
servers: register (收文登记) → propose (拟办, two leaders) → approve (审批) → deliver → sign → deliver
→ sign. Writers share the same clerk, director and leader accounts, so sign-offs, deliveries and
logins of the same people run at once. Readers open the register, the desk, the workbench and the
weekly plan. Afterwards the data is checked: numbers gapless, audit chain verifies, no circulating
document without a copy. Prints writes per second, p50/p99 write latency and errors by kind.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-load"
BIN = ROOT / ".venv" / "bin"
PASSWORD = "Load-Test#" + secrets.token_hex(4)
CLERK, DIRECTOR, LEADERS = "wangfang", "huangxiaodong", ["liminghua", "wangzhiqiang", "zhaolixin", "chenjing"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- A small browser: cookies, CSRF, keep-alive, the two servers in turn --------------------------


class Refused(Exception):
    """A request that did not get an answer (connection refused or reset, timeout)."""


@dataclass
class Browser:
    ports: list[int]
    cookies: dict[str, str] = field(default_factory=dict)
    turn: int = 0
    conns: dict[int, http.client.HTTPConnection] = field(default_factory=dict)

    def request(self, method: str, path: str, fields: dict[str, Any] | None = None) -> tuple[int, str, str]:
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        body = None
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if fields is not None:
            fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        for attempt in (1, 2):
            conn = self.conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            self.conns[port] = conn
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                conn.close()
                self.conns.pop(port, None)
                if attempt == 2 or method == "POST":
                    raise Refused(type(exc).__name__) from None
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers.get("Location", ""), text

    def log_in(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        status, location, _ = self.request("POST", "/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302 or "login" in location:
            raise RuntimeError(f"{username} 登录失败（{status} {location}）")


# --- The run -------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    reads: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    error_times: list[float] = field(default_factory=list)
    until: float = float("inf")  # set once everyone has logged in: the timed part starts then
    ready: threading.Barrier | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def write(self, started: float, status: int, kind: str) -> None:
        with self.lock:
            if status >= 500:
                self.errors[f"HTTP {status} ({kind})"] += 1
                self.error_times.append(time.monotonic())
            else:
                self.latencies.append(time.monotonic() - started)
                self.kinds[kind] += 1


class Writer(threading.Thread):
    """One person working the whole document flow, as clerk, director and (in turn) each leader."""

    def __init__(self, index: int, ports: list[int], tally: Tally) -> None:
        super().__init__(daemon=True)
        self.index, self.tally = index, tally
        self.people = {name: Browser(ports[index % 2 :] + ports[: index % 2]) for name in [CLERK, DIRECTOR, *LEADERS]}
        self.leader_ids: dict[str, int] = {}
        self.made = 0

    def post(self, who: str, path: str, fields: dict[str, Any], kind: str) -> tuple[int, str, str]:
        started = time.monotonic()
        try:
            status, location, text = self.people[who].request("POST", path, fields)
        except Refused as exc:
            with self.tally.lock:
                self.tally.errors[f"no answer: {exc} ({kind})"] += 1
                self.tally.error_times.append(time.monotonic())
            return 0, "", ""
        self.tally.write(started, status, kind)
        return status, location, text

    def run(self) -> None:
        from shuniu.core.models import User

        try:
            for name, browser in self.people.items():
                browser.log_in(name)
            self.leader_ids = dict(User.objects.filter(username__in=LEADERS).values_list("username", "pk"))
        finally:
            assert self.tally.ready is not None
            self.tally.ready.wait()
        try:
            while time.monotonic() < self.tally.until:
                self.one_document()
        except Exception as exc:  # a writer that stops is an error of the run, not a silence
            with self.tally.lock:
                self.tally.errors[f"writer stopped: {type(exc).__name__}: {exc}"[:120]] += 1

    def one_document(self) -> None:
        from django.db import OperationalError, connection
        from django.utils import timezone

        from shuniu.documents.models import Copy, CopyState, Reading

        self.made += 1
        now = timezone.localtime()
        status, location, _ = self.post(
            CLERK,
            "/documents/new/",
            {
                "received_at": now.strftime("%Y-%m-%dT%H:%M"),
                "source_org": "市委办公室",
                "title": f"压力测试文件 {self.index}-{self.made}-{secrets.token_hex(3)}",
                "urgency": "normal",
                "kind": "read",
                "secrecy": "0",
                "copies_received": "1",
                "pages": "2",
            },
            "register",
        )
        found = re.search(r"/documents/(\d+)/", location)
        if status != 302 or not found:
            if status and status < 500:
                self.tally.conflicts += 1
            return
        pk = int(found.group(1))
        pair = [LEADERS[(self.index + self.made) % len(LEADERS)], LEADERS[(self.index + self.made + 1) % len(LEADERS)]]
        readers = [str(self.leader_ids[name]) for name in pair]
        fields = {"readers": readers, "copies_allowed": "1", "opinion": "请领导阅示。"}
        if self.post(CLERK, f"/documents/{pk}/proposal/", fields, "propose")[0] != 302:
            return
        if (
            self.post(DIRECTOR, f"/documents/{pk}/approve/", {"copies_allowed": "1", "opinion": "同意"}, "approve")[0]
            != 302
        ):
            return
        signed: set[int] = set()
        deadline = time.monotonic() + 20
        while len(signed) < len(pair) and time.monotonic() < deadline:
            try:  # the test's own look-ups survive a database restart too
                copy = Copy.objects.filter(document_id=pk).first()
                reading = Reading.objects.filter(
                    document_id=pk, copy=copy, signed_at__isnull=True, delivered_at__isnull=False
                ).first()
            except OperationalError:
                connection.close()
                time.sleep(0.5)
                continue
            if copy is None:
                time.sleep(0.05)
                continue
            if copy.state == CopyState.TO_DELIVER:
                self.post(CLERK, f"/documents/copies/{copy.pk}/deliver/", {}, "deliver")
                continue
            if copy.state == CopyState.TO_COLLECT:
                self.post(CLERK, f"/documents/copies/{copy.pk}/collect/", {}, "collect")
                continue
            if copy.state == CopyState.ON_DESK and reading is not None:
                leader = next(n for n, i in self.leader_ids.items() if i == reading.leader_id)
                self.post(leader, f"/documents/readings/{reading.pk}/sign/", {"instruction": "已阅"}, "sign")
                signed.add(reading.pk)
                continue
            time.sleep(0.05)  # the worker is replanning, or the copy waits for a reader


class Reader(threading.Thread):
    def __init__(self, ports: list[int], tally: Tally, who: str) -> None:
        super().__init__(daemon=True)
        self.browser, self.tally, self.who = Browser(ports), tally, who

    def run(self) -> None:
        assert self.tally.ready is not None
        try:
            self.browser.log_in(self.who)
        except Exception as exc:
            with self.tally.lock:
                self.tally.errors[f"reader stopped: {exc}"[:120]] += 1
            self.tally.ready.wait()
            return
        self.tally.ready.wait()
        pages = ["/documents/", "/documents/desk/", "/workbench/", "/schedules/"]
        n = 0
        while time.monotonic() < self.tally.until:
            try:
                status, _, _ = self.browser.request("GET", pages[n % len(pages)])
            except Refused as exc:
                status = 0
                with self.tally.lock:
                    self.tally.errors[f"no answer: {exc} (read)"] += 1
                    self.tally.error_times.append(time.monotonic())
            n += 1
            with self.tally.lock:
                self.tally.reads += 1
                if status >= 500:
                    self.tally.errors[f"HTTP {status} (read)"] += 1
                    self.tally.error_times.append(time.monotonic())


def environment(db: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "SHUNIU_AUDIT_KEY": secrets.token_hex(32),
        "SHUNIU_DATA_KEYS": f"k1:{secrets.token_hex(16)}",
        "SHUNIU_INDEX_KEY": secrets.token_hex(32),
        "SHUNIU_VAR_DIR": str(VAR),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
    }
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{VAR / 'db.sqlite3'}"
    return env


def start(env: dict[str, str], args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        args, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(port: int, seconds: float = 60) -> None:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"端口 {port} 上的服务没有启动")


class Site:
    """The deployment on loopback: two app servers, the worker, and (when asked) Redis and nginx in front."""

    def __init__(self, env: dict[str, str], *, redis: bool, nginx: bool) -> None:
        self.env = env
        self.app_ports = [free_port(), free_port()]
        self.redis_port = free_port()
        self.redis: subprocess.Popen[bytes] | None = None
        if redis:
            env["HUEY_REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
            self.redis = self.redis_server()
            wait_for(self.redis_port)
        self.apps = [self.app_server(n) for n in range(2)]
        self.worker = self.worker_process()
        self.nginx: subprocess.Popen[bytes] | None = None
        self.nginx_port = free_port()
        if nginx:
            self.nginx = self.nginx_server()
        for port in [*self.app_ports, *([self.nginx_port] if nginx else [])]:
            wait_for(port)

    def app_server(self, n: int) -> subprocess.Popen[bytes]:
        bind = f"127.0.0.1:{self.app_ports[n]}"
        return start(self.env, [str(BIN / "shuniu"), "serve", "--bind", bind, "--workers", "2"], VAR / f"app{n}.log")

    def worker_process(self) -> subprocess.Popen[bytes]:
        return start(self.env, [str(BIN / "shuniu"), "worker", "-w", "1"], VAR / "worker.log")

    def redis_server(self) -> subprocess.Popen[bytes]:
        args = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""]
        return start(self.env, args, VAR / "redis.log")

    def nginx_server(self) -> subprocess.Popen[bytes]:
        """deploy/nginx/shuniu-plain-http.conf, as written, on loopback ports."""
        site = (ROOT / "deploy" / "nginx" / "shuniu-plain-http.conf").read_text()
        site = site.replace("127.0.0.1:8001", f"127.0.0.1:{self.app_ports[0]}")
        site = site.replace("127.0.0.1:8002", f"127.0.0.1:{self.app_ports[1]}")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.nginx_port};")
        temp = VAR / "nginx"
        temp.mkdir(exist_ok=True)
        conf = VAR / "nginx.conf"
        conf.write_text(
            f"worker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/error.log;\nevents {{}}\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            f"  fastcgi_temp_path {temp}/f;\n  uwsgi_temp_path {temp}/u;\n  scgi_temp_path {temp}/s;\n{site}\n}}\n"
        )
        return start(self.env, ["/usr/sbin/nginx", "-c", str(conf), "-g", "daemon off;"], VAR / "nginx.log")

    @property
    def client_ports(self) -> list[int]:
        return [self.nginx_port] if self.nginx is not None else self.app_ports

    def stop(self) -> None:
        for process in [*self.apps, self.worker, *(p for p in (self.nginx, self.redis) if p is not None)]:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


class Faults:
    """The fault a run suffers a third of the way in, as the issue lists them, and when it struck."""

    def __init__(self, kind: str, site: Site) -> None:
        self.kind, self.site = kind, site
        self.struck_at: float | None = None
        self.back_at: float | None = None

    def strike(self) -> None:
        self.struck_at = time.monotonic()
        if self.kind == "app":  # killed outright; systemd starts it again two seconds later
            os.killpg(self.site.apps[0].pid, signal.SIGKILL)
            time.sleep(2)
            self.site.apps[0] = self.site.app_server(0)
            wait_for(self.site.app_ports[0])
        elif self.kind == "db":  # PostgreSQL restarted
            subprocess.run(  # noqa: S603 - the command scripts/with-postgres gave
                [*os.environ["SHUNIU_PG_CTL"].split(), "-m", "fast", "-w", "restart"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        elif self.kind == "worker":  # the worker killed and Redis stopped, both back 20 s later
            os.killpg(self.site.worker.pid, signal.SIGKILL)
            assert self.site.redis is not None
            os.killpg(self.site.redis.pid, signal.SIGKILL)
            time.sleep(20)
            self.site.redis = self.site.redis_server()
            wait_for(self.site.redis_port)
            self.site.worker = self.site.worker_process()
        self.back_at = time.monotonic()


def run_load(
    env: dict[str, str], ports: list[int], writers: int, readers: int, seconds: float, faults: Faults | None = None
) -> tuple[Tally, float]:
    tally = Tally()
    threads: list[threading.Thread] = [Writer(i, ports, tally) for i in range(writers)]
    threads += [Reader(ports, tally, who) for who in ["zhangjianguo", "zhengwei", "wangfang", "zhaoqiang"][:readers]]
    tally.ready = threading.Barrier(len(threads) + 1)
    for thread in threads:
        thread.start()
    tally.ready.wait()  # everyone has logged in
    tally.until = time.monotonic() + seconds
    if faults is not None and faults.kind != "none":

        def strike_later() -> None:
            time.sleep(seconds / 3)
            faults.strike()

        threads.append(threading.Thread(target=strike_later, daemon=True))
        threads[-1].start()
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return tally, time.monotonic() - started


def plant_reminders(seconds: float) -> list[str]:
    """Twelve key-work items whose reminders fall due during the run (some while the worker is down)."""
    import datetime as dt

    from django.utils import timezone

    from shuniu.core.models import User
    from shuniu.schedules.models import KeyWork
    from shuniu.schedules.reminders import reminder_key

    clerk, leader = User.objects.get(username=CLERK), User.objects.get(username=LEADERS[0])
    now, keys = timezone.now(), []
    for n in range(12):
        due = now + dt.timedelta(seconds=20 + seconds * 0.8 * n / 11)
        item = KeyWork.objects.create(
            title=f"压力测试提醒 {n}",
            owner=clerk,
            leader=leader,
            start=due + dt.timedelta(minutes=30),
            remind_minutes=30,
            created_by=clerk,
        )
        keys.append(reminder_key(item))
    return keys


def reminders_sent(keys: list[str]) -> str:
    """Wait for the worker to catch up (it asks every minute), then count: each reminder once per person."""
    from django.db.models import Count

    from shuniu.core.models import SentReminder

    limit = time.monotonic() + 150
    while time.monotonic() < limit:
        sent = dict(SentReminder.objects.filter(key__in=keys).values_list("key").annotate(n=Count("pk")))
        if len(sent) == len(keys):
            break
        time.sleep(5)
    counts = [sent.get(key, 0) for key in keys]
    lost, doubled = sum(1 for c in counts if c == 0), sum(1 for c in counts if c > 2)
    return f"reminders: {len(keys)} due during the run, each to 2 people: {sum(counts)} sent, lost {lost}, doubled {doubled}"


def check_data() -> list[str]:
    """What must hold after the run: numbers gapless, chain whole, no circulating document without a copy."""
    from django.db.models import Count, Max

    from shuniu.audit.services import verify
    from shuniu.documents.models import Document, Status

    problems = []
    for year, count, last in Document.objects.values_list("reg_year").annotate(n=Count("pk"), m=Max("reg_seq")):
        if count != last:
            problems.append(f"{year} 年收文编号不连续：{count} 件，最大 {last} 号")
    result = verify()
    if not result.ok:
        problems.append(result.message())
    orphans = Document.objects.filter(status=Status.CIRCULATING).annotate(n=Count("copies")).filter(n=0).count()
    if orphans:
        problems.append(f"{orphans} 件传阅中的文件没有任何一份")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--compare", action="store_true", help="也以 1 个写入者运行同样时长，报告倍数")
    parser.add_argument("--strict", action="store_true", help="有任何 5xx、死锁或无应答时退出码为 1")
    parser.add_argument(
        "--fault",
        choices=["none", "app", "db", "worker"],
        default="none",
        help="运行到三分之一时：杀掉一台应用服务 / 重启 PostgreSQL / 杀掉 worker 并停掉 Redis（20 秒）",
    )
    parser.add_argument("--nginx", action="store_true", help="经 nginx（deploy/nginx/shuniu-plain-http.conf）访问")
    parser.add_argument("--redis", action="store_true", help="worker 的队列用 Redis")
    args = parser.parse_args()
    if args.db == "postgres" and "DATABASE_URL" not in os.environ:
        with_postgres = str(ROOT / "scripts" / "with-postgres")
        os.execv(  # noqa: S606 - our own script, our own arguments
            with_postgres,
            [with_postgres, sys.executable, *sys.argv],
        )

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    env = environment(args.db)
    os.environ.update({k: v for k, v in env.items() if k not in ("LOG_LEVEL",)})
    os.environ["DJANGO_SETTINGS_MODULE"] = "shuniu.settings"
    os.environ["DB_CONN_MAX_AGE"] = "0"
    sys.path.insert(0, str(ROOT))
    subprocess.run([str(BIN / "shuniu"), "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    subprocess.run([str(BIN / "shuniu"), "demo-load"], env={**env, "DEBUG": "1"}, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    import django

    django.setup()
    from shuniu.core.models import User

    for user in User.objects.all():  # the demo's published password opens nothing in production
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    User.objects.update(must_change_password=False)

    due_keys = plant_reminders(args.seconds) if args.fault == "worker" else []
    site = Site(env, redis=args.fault == "worker" or args.redis, nginx=args.fault == "app" or args.nginx)
    faults = Faults(args.fault, site)
    try:
        runs = [(args.writers, args.readers)] + ([(1, args.readers)] if args.compare else [])
        results = []
        for n, (writers, readers) in enumerate(runs):
            tally, took = run_load(env, site.client_ports, writers, readers, args.seconds, faults if n == 0 else None)
            results.append((writers, tally, took))
        reminders = reminders_sent(due_keys) if args.fault == "worker" else ""
    finally:
        site.stop()
    logs = "".join((VAR / f"app{n}.log").read_text(errors="replace") for n in range(2))
    if args.fault == "db":  # the restart's own terminations are expected; a deadlock is not
        logs = logs.replace("terminating connection due to administrator command", "")
    deadlocks = logs.count("deadlock detected")
    locked = logs.count("database is locked")
    from django.db import connections

    connections.close_all()  # a connection of this process may have seen the database restart
    problems = check_data()

    print(
        f"数据库 {args.db}，{args.seconds:.0f} 秒，两台应用服务（各 2 个 gunicorn 进程）+ 1 个 worker，本机 {os.cpu_count()} 核"
    )
    print(f"{'writers':>7}  {'writes':>7}  {'writes/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  {'reads':>6}  errors")
    for writers, tally, took in results:
        lat = sorted(tally.latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0
        errors = ", ".join(f"{k}: {v}" for k, v in tally.errors.most_common()) or "none"
        print(
            f"{writers:>7}  {len(lat):>7}  {len(lat) / took:>8.1f}  {p50:>7.0f}  {p99:>7.0f}  {tally.reads:>6}  {errors}"
        )
    for writers, tally, _ in results:
        print(f"  {writers} writer(s), writes by step: " + ", ".join(f"{k} {v}" for k, v in tally.kinds.most_common()))
    if len(results) == 2:
        ratio = (len(results[0][1].latencies) / results[0][2]) / max(len(results[1][1].latencies) / results[1][2], 1e-9)
        print(f"writes/s with {results[0][0]} writers ÷ with 1: {ratio:.2f}×")
    if faults.struck_at is not None:
        first = results[0][1]
        after = [t - faults.struck_at for t in first.error_times if t >= faults.struck_at - 1]
        before = len(first.error_times) - len(after)
        print(
            f"fault '{args.fault}' at {args.seconds / 3:.0f} s, over after {faults.back_at - faults.struck_at:.1f} s"  # type: ignore[operator]
            + (f"; errors until {max(after):.1f} s after it struck" if after else "; no request failed")
            + (f"; {before} errors before it" if before else "")
        )
        if reminders:
            print(reminders)
    print(f"server logs: 'deadlock detected' {deadlocks}, 'database is locked' {locked}")
    print(
        "data after the run: "
        + ("; ".join(problems) if problems else "numbers gapless, audit chain verifies, no orphans")
    )
    failed = any(t.errors for _, t, _ in results) or deadlocks or locked or problems
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
