"""The system administrator's pages: users and roles, units, leaders, the working calendar.

Only the admin role may enter (三权分立): not the auditor, not business staff. Every change made
here also goes to the audit log, in the same transaction as the change.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserCreationForm
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from shuniu import audit
from shuniu.core import services
from shuniu.core.access import current_user
from shuniu.core.admin_site import is_system_admin
from shuniu.core.availability import availability_changed_after_commit
from shuniu.core.forms import RolesFormMixin, UserAdminForm
from shuniu.core.models import CalendarOverride, CalendarYear, Contact, LeaderProfile, Unit, User, Village
from shuniu.search.services import entry_remove, entry_update


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin role only; additions, changes and deletions are written to the audit log."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # Bulk deletion runs outside a transaction; delete one object at a time instead.
        actions.pop("delete_selected", None)
        return actions

    def _audit(self, request: HttpRequest, verb: str, obj: Model, message: Any) -> None:
        audit.record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.{verb}",
            obj=obj,
            data={"message": str(message)} if message else {},
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "add", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "change", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, "delete", obj, "")
        return super().log_deletions(request, queryset)


class LabelledInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """A tabular inline's cells carry no <label>: each input, 删除 included, is named after its column."""

    def add_fields(self, form: Any, index: Any) -> None:
        super().add_fields(form, index)
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label or name))


class ContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Contact
    formset = LabelledInlineFormSet
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Village)
class VillageAdmin(AuditedAdmin):
    list_display = ["name", "township"]
    list_filter = ["township"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "phone", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    inlines = [ContactInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        entry_update(form.instance)  # the unit and its contacts, in the admin's transaction

    def delete_model(self, request: HttpRequest, obj: Unit) -> None:
        entry_remove(obj)
        super().delete_model(request, obj)


class UserCreateForm(RolesFormMixin, UserCreationForm):  # type: ignore[type-arg]
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        model = User
        fields = ["username", "full_name", "unit", "clearance", "mobile"]


_password_actor: ContextVar[User | None] = ContextVar("password_actor", default=None)


class ServicePasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """The admin's password reset, through the service: validated, audited, history kept, and the
    person must change it at their next login."""

    def save(self, commit: bool = True) -> Any:
        actor = _password_actor.get()
        if actor is None:
            raise RuntimeError("the password form needs the administrator (ShuniuUserAdmin sets it)")
        if self.cleaned_data.get("usable_password") == "false":
            services.user_disable_password(user=self.user, actor=actor)
        else:
            services.user_set_password(user=self.user, password=self.cleaned_data["password1"], actor=actor)
        return self.user


@admin.register(User)
class ShuniuUserAdmin(AuditedAdmin, UserAdmin):  # type: ignore[type-arg]
    form = UserAdminForm
    add_form = UserCreateForm
    change_password_form = ServicePasswordChangeForm

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Users are deactivated (取消“启用”), never deleted: the audit log names them."""
        return False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """One transaction for the new password and its audit records (it used to answer 500 after saving)."""
        token = _password_actor.set(request.user)  # type: ignore[arg-type]
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    list_display = ["username", "full_name", "unit", "role_list", "clearance", "is_active", "locked_until"]
    list_filter = ["role_grants__role", "clearance", "is_active"]
    search_fields = ["username", "full_name"]
    ordering = ["username"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["username", "password", "full_name", "unit", "mobile"]}),
        ("角色与权限", {"fields": ["roles", "clearance", "is_active"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "unit", "mobile", "password1", "password2"]}),
        ("角色与权限", {"fields": ["roles", "clearance"]}),
    ]
    actions = ["unlock", "reset_second_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("unit").prefetch_related("role_grants")

    @admin.display(description="角色")
    def role_list(self, obj: User) -> str:
        return "、".join(obj.role_labels)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.user_set_roles(user=form.instance, roles=form.cleaned_data["roles"], actor=request.user)  # type: ignore[arg-type]

    @admin.action(description="解除所选账号的登录锁定")
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_unlock(user=user, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"已解除 {queryset.count()} 个账号的锁定。", messages.SUCCESS)

    @admin.action(description="重置所选账号的两步验证（手机丢失时）")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.second_factor_reset(user=user, actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request, f"已重置 {queryset.count()} 个账号的两步验证；下次登录时由本人重新设置。", messages.SUCCESS
        )


@admin.register(LeaderProfile)
class LeaderProfileAdmin(AuditedAdmin):
    list_display = ["rank", "user", "post", "office_location"]
    ordering = ["rank"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    # A working day or holiday set by hand changes every leader's office time: circulation replans.
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        availability_changed_after_commit(current_user(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        availability_changed_after_commit(current_user(request))


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "note"]
