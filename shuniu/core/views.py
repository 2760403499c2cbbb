"""Login (with the second step), logout, password, two-step verification, and the directory (通讯录) with its Excel import and export."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core import services
from shuniu.core.access import current_user
from shuniu.core.delivery import KINDS, notification_choices_save
from shuniu.core.delivery import delivery_retry as delivery_retry_service
from shuniu.core.directory import directory_export, directory_import
from shuniu.core.excel import XLSX, ImportRejected
from shuniu.core.forms import (
    CodeForm,
    DirectoryFilterForm,
    ExcelUploadForm,
    LoginForm,
    NotificationChoicesForm,
    PasswordChangeForm,
    TokenForm,
    is_number,
)
from shuniu.core.inbox import TABS, inbox_counts, inbox_list
from shuniu.core.middleware import SECOND_FACTOR_KEY, SESSION_KEY
from shuniu.core.models import Notification, Role, User
from shuniu.core.notify import notifications_mark_read
from shuniu.core.paging import page_of
from shuniu.core.permissions import can, capability_required
from shuniu.core.responses import acted, download
from shuniu.core.selectors import (
    deliveries_in_trouble,
    directory_for,
    login_pending_user,
    notification_choices,
    second_factor_state,
)
from shuniu.core.tokens import scopes_for, token_issue, tokens_of
from shuniu.core.tokens import token_revoke as token_revoke_service

_DIRECTORY_ROLES = tuple(set(Role.values) - {Role.AUDITOR})


# Between a right password and the code from the app: who, since when, and where to go after.
PENDING_KEY = "shuniu_login_pending"
PENDING_SECONDS = 300


def _logged_in(request: HttpRequest, user: User, target: str, *, second_factor: bool = False) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = timezone.now().timestamp()
    request.session[SECOND_FACTOR_KEY] = second_factor  # the middleware knows how this session began
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    return redirect(target or "board:workbench")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("board:workbench")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.login_attempt(
            request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        target = request.POST.get("next", "")
        if result.pending is not None:
            request.session[PENDING_KEY] = {"user": result.pending.pk, "at": time.time(), "next": target}
            return redirect("core:login_code")
        if result.user is not None:
            return _logged_in(request, result.user, target)
        error = result.error
    return render(request, "core/login.html", {"form": form, "error": error, "next": request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code from the authenticator app, or a recovery code."""
    pending = request.session.get(PENDING_KEY)
    pending = pending if isinstance(pending, dict) else {}
    user = login_pending_user(pending, now=time.time(), within=PENDING_SECONDS)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "请输入用户名和密码登录（验证码须在输入密码后 5 分钟内填写）。")
        return redirect("core:login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.login_second_step(request=request, user=user, code=form.cleaned_data["code"])
        if result.user is not None:
            del request.session[PENDING_KEY]
            return _logged_in(request, result.user, str(pending.get("next", "")), second_factor=True)
        error = result.error
    return render(request, "core/login_code.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.read_recorded(actor=request.user, action="auth.logout", obj=request.user)
    logout(request)
    messages.success(request, "您已安全退出。")
    return redirect("core:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(user=user, password=form.cleaned_data["new_password"], actor=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "密码已修改。")
        return redirect("board:workbench")
    return render(request, "core/password_change.html", {"form": form})


def _second_factor_page(request: HttpRequest, form: CodeForm | None = None, codes: Sequence[str] = ()) -> HttpResponse:
    user = current_user(request)
    context = {"form": form or CodeForm(), "codes": codes, **second_factor_state(user)}
    return render(request, "core/second_factor.html", context)


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """两步验证: set up an authenticator app, renew recovery codes, turn it off."""
    return _second_factor_page(request)


@login_required
@require_POST
def second_factor_begin(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    try:
        services.second_factor_begin(user=user, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("core:second_factor")


def _with_code(request: HttpRequest, act: Callable[[User, str], Sequence[str] | None], done: str) -> HttpResponse:
    """Run a second-factor service that needs a current code; the page again, with the codes it made."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = act(current_user(request), form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, done)
            return _second_factor_page(request, codes=codes or ())
    return _second_factor_page(request, form)


@login_required
@require_POST
def second_factor_confirm(request: HttpRequest) -> HttpResponse:
    def confirm(user: User, code: str) -> Sequence[str]:
        codes = services.second_factor_confirm(user=user, code=code, actor=user)
        request.session[SECOND_FACTOR_KEY] = True  # this session has just given a code
        return codes

    return _with_code(request, confirm, "两步验证已启用：以后登录时，输入密码后还要输入验证器 App 上的验证码。")


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    def renew(user: User, code: str) -> Sequence[str]:
        return services.recovery_codes_renew(user=user, code=code, actor=user)

    return _with_code(request, renew, "已生成新的恢复码，原来的恢复码作废。")


@login_required
@require_POST
def second_factor_disable(request: HttpRequest) -> HttpResponse:
    def disable(user: User, code: str) -> None:
        services.second_factor_disable(user=user, code=code, actor=user)

    return _with_code(request, disable, "两步验证已停用。")


@capability_required("directory.view")
def directory(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = DirectoryFilterForm(request.GET or None)
    kind = query = ""
    if form.is_valid():
        kind, query = form.cleaned_data["kind"], form.cleaned_data["q"]
    units = directory_for(user, kind=kind, query=query)
    template = "core/_directory_list.html" if request.headers.get("HX-Request") else "core/directory.html"
    return render(
        request,
        template,
        {"form": form, "units": units, "can_export": user.has_role(Role.ADMIN, Role.DIRECTOR, Role.CLERK)},
    )


@capability_required("directory.edit")
def directory_download(request: HttpRequest) -> HttpResponse:
    services.read_recorded(actor=current_user(request), action="export.directory")
    return download(directory_export(), f"通讯录_{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@capability_required("admin.site")
@require_http_methods(["GET", "POST"])
def directory_upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ExcelUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = directory_import(data=form.cleaned_data["file"].read(), actor=user)
        except ImportRejected as exc:
            errors = exc.errors
        else:
            counts = report.counts()
            messages.success(
                request,
                f"导入成功：单位 {counts['units']} 个，联系人 {counts['contacts']} 人，用户 {counts['users']} 个。",
            )
            return redirect("core:directory")
    return render(request, "core/directory_import.html", {"form": form, "errors": errors})


EMPTY = {
    "todo": "没有待办事项。交给您的工作（待审批、已退回、待转督办……）会出现在这里。",
    "toread": "没有待阅事项。送到您桌上的文件会出现在这里。",
    "done": "还没有已办事项。",
    "read": "还没有已阅事项。",
}


@capability_required("inbox.view")
def inbox(request: HttpRequest) -> HttpResponse:
    """待办 / 待阅 / 已办 / 已阅, with search."""
    user = current_user(request)
    tab = request.GET.get("tab", "")
    counts = inbox_counts(user)
    if tab not in TABS:
        tab = "toread" if counts.toread and not counts.todo else "todo"
    query = request.GET.get("q", "").strip()[:50]
    page = page_of(request, inbox_list(user, tab=tab, query=query), 30)
    open_counts = {"todo": counts.todo, "toread": counts.toread}
    return render(
        request,
        "core/inbox.html",
        {
            "tab": tab,
            "tab_label": TABS[tab][0],
            "tabs": [(key, label, open_counts.get(key, 0)) for key, (label, _, _) in TABS.items()],
            "page": page,
            "query": query,
            "empty_text": EMPTY[tab],
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    items = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:100]
    return render(request, "core/notifications.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """通知方式: which kinds of event also come by e-mail or SMS, and quiet hours."""
    user = current_user(request)
    kinds = {key: kind.label for key, kind in KINDS.items() if kind.concerns(user)}
    if request.method == "POST":
        form = NotificationChoicesForm(request.POST, kinds=kinds)
        if form.is_valid():
            try:
                notification_choices_save(
                    user=user,
                    choices=form.choices(),
                    quiet_start=form.cleaned_data["quiet_start"],
                    quiet_end=form.cleaned_data["quiet_end"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "通知方式已保存。")
                return redirect("core:notification_settings")
    else:
        form = NotificationChoicesForm(initial=notification_choices(user), kinds=kinds)
    rows = [form[key] for key in kinds]
    return render(request, "core/notification_settings.html", {"form": form, "rows": rows, "person": user})


@capability_required("notify.deliveries")
def deliveries(request: HttpRequest) -> HttpResponse:
    """E-mail and SMS given up on, or being tried again: to whom, how, why (not what they said)."""
    page = page_of(request, deliveries_in_trouble(), 50)
    return render(request, "core/deliveries.html", {"page": page})


@capability_required("notify.deliveries")
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return acted(request, lambda: delivery_retry_service(pk=pk, actor=user), "已排入重新发送。", "core:deliveries")


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open what a notification points to; it is read from then on."""
    user = current_user(request)
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404("未找到该通知。")
    notifications_mark_read(user=user, pk=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("pk")
    notifications_mark_read(user=current_user(request), pk=int(pk) if pk and is_number(pk) else None)
    return redirect("core:notifications")


# Database errors after which nothing was saved and trying again is right: the connection is gone or
# refused (class 08, an administrator's shutdown or a server starting), a deadlock, a serialization
# failure or a lock wait that ran out (PostgreSQL SQLSTATE), SQLite's lock after its busy timeout.
_TRANSIENT_STATES = ("08", "57P01", "57P02", "57P03", "40P01", "40001", "55P03")
_TRANSIENT_WORDS = ("connection", "connect to server", "database is locked", "server closed")


def _transient(error: BaseException) -> bool:
    state = getattr(error.__cause__, "sqlstate", None)
    if state:
        return str(state).startswith(_TRANSIENT_STATES)
    text = str(error).lower()
    return error.__class__.__name__ == "InterfaceError" or any(word in text for word in _TRANSIENT_WORDS)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database that cannot be reached or is briefly locked (nothing was saved) answers
    503 "请稍后重试" with Retry-After; anything else — a bug — the plain 500 page. Renders without the database."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    failed = sys.exc_info()[1]
    if isinstance(failed, (OperationalError, InterfaceError)) and _transient(failed):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    """接口令牌: the person's tokens for the API and the wall screen; a new one's secret shown once, in this response."""
    user = current_user(request)
    scopes = scopes_for(user)
    if not scopes:
        raise PermissionDenied("您的角色不使用接口令牌。")
    form = TokenForm(request.POST or None, scopes=scopes)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = token_issue(
                user=user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm(scopes=scopes)
    context = {"form": form, "tokens": tokens_of(user), "issued": issued, "api": can(user, "api.use")}
    return render(request, "core/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404("未找到该令牌。")
    return acted(
        request, lambda: token_revoke_service(token=token, actor=user), "令牌已撤销，立即失效。", "core:tokens"
    )
