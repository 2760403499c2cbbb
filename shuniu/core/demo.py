"""The demo county 示例县: fictional units, contacts, leaders and a login for every role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from shuniu import audit
from shuniu.core import services
from shuniu.core.models import (
    CalendarOverride,
    CalendarYear,
    Channel,
    Clearance,
    Contact,
    Delivery,
    DeliveryState,
    Notification,
    NotificationChoice,
    OverrideKind,
    Role,
    Unit,
    UnitKind,
    User,
    Village,
)
from shuniu.core.selectors import second_factor_enabled

SECTIONS = ["综合室", "秘书室", "机要室", "督查室", "信息室", "信访接待室"]
DEPARTMENTS = [
    "县纪委监委", "县委组织部", "县委宣传部", "县委统战部", "县委政法委", "县发展和改革局",
    "县教育体育局", "县科技和工业信息化局", "县公安局", "县民政局", "县司法局", "县财政局",
    "县人力资源和社会保障局", "县自然资源局", "县生态环境分局", "县住房和城乡建设局", "县交通运输局",
    "县水务局", "县农业农村局", "县商务局", "县文化和旅游局", "县卫生健康局", "县退役军人事务局",
    "县应急管理局", "县审计局", "县市场监督管理局", "县统计局", "县医疗保障局", "县信访局", "县乡村振兴局",
]  # fmt: skip
TOWNSHIPS = [
    "城关镇", "东山镇", "西河镇", "南坪镇", "北岭镇", "青石镇", "龙泉镇", "高桥镇",
    "白沙乡", "红岩乡", "柳树乡", "桃源乡", "金鸡乡", "凤凰乡", "石门乡",
]  # fmt: skip

VILLAGES = ["东风村", "红旗村", "新华村", "光明村", "柳湾村", "街道社区"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["建华", "秀英", "志刚", "丽娟", "海波", "文静", "国庆", "春梅", "晓东", "红霞", "永强", "玉兰"]


@dataclass(frozen=True)
class DemoLeader:
    username: str
    name: str
    rank: int
    post: str
    responsibilities: str
    office: str
    clearance: int


LEADERS = [
    DemoLeader("zhangjianguo", "张建国", 1, "县委书记", "主持县委全面工作", "县委大楼301", Clearance.TOP_SECRET),
    DemoLeader("liminghua", "李明华", 2, "县委副书记、县长", "主持县政府全面工作", "县政府大楼301", Clearance.TOP_SECRET),
    DemoLeader("wangzhiqiang", "王志强", 3, "县委副书记", "党的建设、乡村振兴、信访维稳", "县委大楼302", Clearance.CONFIDENTIAL),
    DemoLeader("zhaolixin", "赵立新", 4, "县委常委、常务副县长", "发展改革、财政、工业", "县政府大楼302", Clearance.CONFIDENTIAL),
    DemoLeader("chenjing", "陈静", 5, "县委常委、县纪委书记、县监委主任", "纪检监察", "纪委大楼201", Clearance.CONFIDENTIAL),
    DemoLeader("liuyang", "刘洋", 6, "县委常委、组织部部长", "组织、人才、机构编制", "县委大楼305", Clearance.CONFIDENTIAL),
    DemoLeader("sunli", "孙丽", 7, "县委常委、宣传部部长", "宣传、网信、文化旅游", "县委大楼306", Clearance.CONFIDENTIAL),
    DemoLeader("zhoujianjun", "周建军", 8, "县委常委、政法委书记", "政法、平安建设", "县委大楼307", Clearance.CONFIDENTIAL),
    DemoLeader("wuhaiyan", "吴海燕", 9, "县委常委、统战部部长", "统一战线、民族宗教", "县委大楼308", Clearance.CONFIDENTIAL),
    DemoLeader("zhengwei", "郑伟", 10, "县委常委、县委办公室主任", "县委办公室全面工作、督查", "县委大楼309", Clearance.CONFIDENTIAL),
    DemoLeader("fengtao", "冯涛", 11, "县委常委、副县长", "住房城乡建设、交通、自然资源", "县政府大楼305", Clearance.SECRET),
    DemoLeader("heyong", "何勇", 12, "县委常委、县人武部部长", "国防动员、民兵预备役", "人武部201", Clearance.SECRET),
]  # fmt: skip

# (username, name, roles, unit name or "", clearance) — one login for every role.
STAFF = [
    ("huangxiaodong", "黄晓东", [Role.DIRECTOR], "综合室", Clearance.CONFIDENTIAL),
    ("wangfang", "王芳", [Role.CLERK], "秘书室", Clearance.SECRET),
    ("lina", "李娜", [Role.CLERK], "机要室", Clearance.CONFIDENTIAL),
    ("zhaoqiang", "赵强", [Role.SUPERVISOR], "督查室", Clearance.NONE),
    ("sunmei", "孙梅", [Role.PETITION_OFFICER], "信访接待室", Clearance.NONE),
    ("zhouping", "周平", [Role.LIAISON], "县财政局", Clearance.NONE),
    ("lixiang", "李想", [Role.LIAISON], "石门乡", Clearance.NONE),
    ("wuxia", "吴霞", [Role.LIAISON], "城关镇", Clearance.NONE),
    ("zhengli", "郑丽", [Role.LIAISON], "县农业农村局", Clearance.NONE),
    ("qianli", "钱力", [Role.AUDITOR], "", Clearance.NONE),
    ("fenghui", "冯辉", [Role.ADMIN], "", Clearance.NONE),
]

LOGIN_PER_ROLE = [
    (Role.LEADER, "zhangjianguo"),
    (Role.DIRECTOR, "huangxiaodong"),
    (Role.CLERK, "wangfang"),
    (Role.SUPERVISOR, "zhaoqiang"),
    (Role.PETITION_OFFICER, "sunmei"),
    (Role.LIAISON, "zhouping"),
    (Role.AUDITOR, "qianli"),
    (Role.ADMIN, "fenghui"),
]

DEMO_USERNAMES = frozenset([leader.username for leader in LEADERS] + [row[0] for row in STAFF])


def _person(index: int) -> str:
    return _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index * 7) % len(_GIVEN)]


def _address(name: str, kind: str, order: int) -> str:
    if kind == UnitKind.SECTION:
        return "县委大楼二楼"
    if kind == UnitKind.TOWNSHIP:
        return f"{name}人民政府"
    return f"示例县{['人民路', '建设路', '滨河路', '文化路'][order % 4]}{order}号"


def _units() -> dict[str, Unit]:
    plan = (
        [(name, UnitKind.SECTION) for name in SECTIONS]
        + [(name, UnitKind.DEPARTMENT) for name in DEPARTMENTS]
        + [(name, UnitKind.TOWNSHIP) for name in TOWNSHIPS]
    )
    units: dict[str, Unit] = {}
    for order, (name, kind) in enumerate(plan, start=1):
        unit, _ = Unit.objects.update_or_create(
            name=name,
            defaults={
                "short_name": name.removeprefix("县"),
                "kind": kind,
                "phone": f"0999-6{order:03d}{order * 37 % 1000:03d}",
                "address": _address(name, kind, order),
                "sort_order": order,
            },
        )
        units[name] = unit
        if kind == UnitKind.TOWNSHIP:
            for village in VILLAGES:
                Village.objects.get_or_create(township=unit, name=village)
        head_title = {"section": "主任", "department": "主要负责人", "township": "党委书记"}[kind]
        Contact.objects.update_or_create(
            unit=unit,
            name=_person(order * 2),
            defaults={
                "title": head_title,
                "office_phone": unit.phone,
                "mobile": f"1390999{order:04d}",
                "sort_order": 1,
            },
        )
        Contact.objects.update_or_create(
            unit=unit,
            name=_person(order * 2 + 1),
            defaults={
                "title": "办公室主任、联络员",
                "office_phone": unit.phone,
                "mobile": f"1380999{order:04d}",
                "sort_order": 2,
            },
        )
    return units


def _user(username: str, name: str, roles: Sequence[str], unit: Unit | None, clearance: int) -> User:
    user = _account(username, name, roles, unit, clearance)
    if set(roles) & set(settings.SECOND_FACTOR_ROLES) and not second_factor_enabled(user):
        # The administrator and the auditor log in with an authenticator app: the demo sets one up,
        # whose secret `shuniu demo-load` prints (and `shuniu demo-code` shows its current code).
        import pyotp

        factor = services.second_factor_begin(user=user, actor=user)
        services.second_factor_confirm(user=user, actor=user, code=pyotp.TOTP(factor.secret).now())
    return user


def _account(username: str, name: str, roles: Sequence[str], unit: Unit | None, clearance: int) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return services.user_create(
            username=username,
            full_name=name,
            roles=roles,
            unit=unit,
            clearance=clearance,
            password=settings.DEMO_PASSWORD,
            must_change=False,
            actor=None,
        )
    User.objects.filter(pk=user.pk).update(full_name=name, unit=unit, clearance=clearance, is_active=True)
    user.refresh_from_db()
    services.user_set_roles(user=user, roles=roles, actor=None)
    return user


@transaction.atomic
def demo_load() -> None:
    """Create or refresh 示例县. Running it twice changes nothing the second time."""
    units = _units()
    for leader in LEADERS:
        roles = [Role.LEADER, Role.DIRECTOR] if leader.username == "zhengwei" else [Role.LEADER]
        user = _user(
            leader.username, leader.name, roles, units["综合室"] if Role.DIRECTOR in roles else None, leader.clearance
        )
        services.leader_profile_set(
            user=user,
            rank=leader.rank,
            post=leader.post,
            responsibilities=leader.responsibilities,
            office_location=leader.office,
            actor=None,
        )
    for username, name, roles, unit_name, clearance in STAFF:
        _user(username, name, list(roles), units[unit_name] if unit_name else None, clearance)
    # Addresses for e-mail and SMS (the demo's mail goes to the worker's log, its SMS to the log sender).
    for order, username in enumerate(sorted(DEMO_USERNAMES)):
        User.objects.filter(username=username, email="").update(email=f"{username}@shixian.example")
        User.objects.filter(username=username, mobile="").update(mobile=f"1390000{order:04d}")
    # The State Council publishes next year's holidays in Nov–Dec; until then the demo county
    # enters New Year's Day itself and declares the year as entered locally.
    CalendarYear.objects.get_or_create(year=2027, defaults={"note": "示例：国务院安排公布前，按常规周末并录入元旦。"})
    CalendarOverride.objects.get_or_create(
        date=dt.date(2027, 1, 1), defaults={"kind": OverrideKind.OFF, "note": "元旦"}
    )
    audit.record(actor=None, action="demo.load", data={"units": len(units), "leaders": len(LEADERS)})


def deliveries_demo_load() -> None:
    """A leader who wants 待办 and reminders by SMS too, with quiet hours; a liaison's SMS the gateway refused.

    The refused one is what the administrator's 消息发送 page shows: a mobile number entered one digit short.
    """
    from shuniu.core.delivery import BACKOFF_MINUTES, notification_choices_save

    leader = User.objects.get(username="wangzhiqiang")
    if not NotificationChoice.objects.filter(user=leader).exists():
        choices = [("todo", True, True), ("toread", True, False), ("reminder", True, True), ("briefing", True, False),
                   ("other", False, False)]  # fmt: skip
        notification_choices_save(user=leader, choices=choices, quiet_start=dt.time(22), quiet_end=dt.time(7))
    liaison = User.objects.get(username="zhouping")
    if not Delivery.objects.filter(notification__recipient=liaison, state=DeliveryState.FAILED).exists():
        User.objects.filter(pk=liaison.pk).update(mobile="1390000123")
        NotificationChoice.objects.update_or_create(
            user=liaison, kind="reminder", defaults={"email": True, "sms": True}
        )
        notification = Notification.objects.create(
            recipient=liaison,
            title="提醒：督办事项 3 日内到期，请及时报送办理情况",
            kind="reminder",
            url="/supervision/",
        )
        Delivery.objects.create(
            notification=notification,
            channel=Channel.SMS,
            state=DeliveryState.FAILED,
            due_at=notification.created_at,
            attempts=len(BACKOFF_MINUTES) + 1,
            last_error="短信网关拒绝：isv.MOBILE_NUMBER_ILLEGAL 非法手机号",
        )
