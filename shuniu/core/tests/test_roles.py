import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shuniu.core import services
from shuniu.core.admin import UserCreateForm
from shuniu.core.forms import UserAdminForm
from shuniu.core.models import Role, RoleGrant, User, role_combination_errors
from shuniu.core.passwords import CharacterClassValidator
from shuniu.core.testing import client_for, make_unit, make_user


@pytest.mark.parametrize(
    ("roles", "ok"),
    [
        ({Role.CLERK, Role.SUPERVISOR}, True),
        ({Role.LEADER, Role.DIRECTOR}, True),
        ({Role.ADMIN}, True),
        ({Role.AUDITOR}, True),
        ({Role.ADMIN, Role.CLERK}, False),
        ({Role.AUDITOR, Role.LEADER}, False),
        ({Role.ADMIN, Role.AUDITOR}, False),
    ],
)
def test_role_combinations(roles: set[str], ok: bool) -> None:
    assert (role_combination_errors(roles, has_unit=True) == []) is ok


def test_liaison_needs_a_unit() -> None:
    assert role_combination_errors({Role.LIAISON}, has_unit=False)
    assert not role_combination_errors({Role.LIAISON}, has_unit=True)


def test_service_refuses_admin_plus_business_role_and_changes_nothing(clerk: User) -> None:
    with pytest.raises(ValidationError, match="三权分立"):
        services.user_set_roles(user=clerk, roles=[Role.CLERK, Role.ADMIN], actor=None)
    assert set(RoleGrant.objects.filter(user=clerk).values_list("role", flat=True)) == {Role.CLERK}
    clerk.refresh_from_db()
    assert not clerk.is_staff


def test_service_refuses_to_create_an_auditor_who_is_also_clerk(db: None) -> None:
    with pytest.raises(ValidationError):
        make_user("both", [Role.AUDITOR, Role.CLERK])
    assert not User.objects.filter(username="both").exists()


def test_admin_role_opens_the_admin_site_and_nothing_else(sysadmin: User) -> None:
    assert sysadmin.is_staff
    assert not sysadmin.is_superuser
    client = client_for(sysadmin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("audit:entries")).status_code == 403


@pytest.mark.parametrize("persona", ["clerk", "auditor", "leader", "director"])
def test_other_roles_are_kept_out_of_the_admin_site(request: pytest.FixtureRequest, persona: str) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("admin:core_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_user_form_refuses_admin_with_business_role(clerk: User) -> None:
    form = UserAdminForm(
        data={"username": "clerk", "full_name": "王文书", "roles": [Role.CLERK, Role.ADMIN], "clearance": 0},
        instance=clerk,
    )
    assert not form.is_valid()
    assert "三权分立" in str(form.errors["roles"])


def test_create_form_refuses_liaison_without_unit(db: None) -> None:
    form = UserCreateForm(
        data={
            "username": "lx",
            "full_name": "无单位",
            "roles": [Role.LIAISON],
            "clearance": 0,
            "password1": "Zq8#mLp2x",
            "password2": "Zq8#mLp2x",
        }
    )
    assert not form.is_valid()
    assert "联络员必须属于一个单位" in str(form.errors)


def test_admin_creates_a_user_with_roles_through_the_admin_site(sysadmin: User) -> None:
    unit = make_unit("督查室")
    client = client_for(sysadmin)
    response = client.post(
        reverse("admin:core_user_add"),
        {
            "username": "newclerk",
            "full_name": "新文书",
            "unit": unit.pk,
            "mobile": "",
            "password1": "Zq8#mLp2x",
            "password2": "Zq8#mLp2x",
            "roles": [Role.CLERK, Role.SUPERVISOR],
            "clearance": 1,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newclerk")
    assert user.roles == {Role.CLERK, Role.SUPERVISOR}


def test_admin_site_post_with_exclusive_roles_creates_nothing(sysadmin: User) -> None:
    response = client_for(sysadmin).post(
        reverse("admin:core_user_add"),
        {
            "username": "bad",
            "full_name": "坏组合",
            "password1": "Zq8#mLp2x",
            "password2": "Zq8#mLp2x",
            "roles": [Role.ADMIN, Role.CLERK],
            "clearance": 0,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "三权分立" in response.content.decode()
    assert not User.objects.filter(username="bad").exists()


@pytest.mark.parametrize(
    ("password", "ok"),
    [("abcdefgh", False), ("abcd1234", False), ("abcD1234", True), ("abc#1234", True), ("ABC#defg", True)],
)
def test_character_classes(password: str, ok: bool) -> None:
    validator = CharacterClassValidator(3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError, match="至少 3 类"):
            validator.validate(password)


def test_model_layer_refuses_a_conflicting_grant(clerk: User) -> None:
    grant = RoleGrant(user=clerk, role=Role.AUDITOR)
    with pytest.raises(ValidationError, match="三权分立"):
        grant.full_clean()
    RoleGrant(user=clerk, role=Role.SUPERVISOR).full_clean()


def test_admin_changes_roles_sets_a_password_and_unlocks(sysadmin: User, clerk: User) -> None:
    import datetime as dt

    from django.utils import timezone

    from shuniu.audit.models import AuditEntry

    client = client_for(sysadmin)
    response = client.post(
        reverse("admin:core_user_change", args=[clerk.pk]),
        {
            "username": "clerk",
            "full_name": "王文书",
            "mobile": "",
            "roles": [Role.CLERK, Role.SUPERVISOR],
            "clearance": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    clerk.refresh_from_db()
    assert clerk.roles == {Role.CLERK, Role.SUPERVISOR}
    assert clerk.clearance == 1
    response = client.post(
        f"/admin/core/user/{clerk.pk}/password/",
        {"password1": "Neu#Pass2026", "password2": "Neu#Pass2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Neu#Pass2026")
    User.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=20), failed_logins=0)
    client.post(reverse("admin:core_user_changelist"), {"action": "unlock", "_selected_action": [clerk.pk]})
    clerk.refresh_from_db()
    assert clerk.locked_until is None
    actions = set(AuditEntry.objects.filter(actor=sysadmin).values_list("action", flat=True))
    assert {"admin.user.change", "user.roles", "user.unlock"} <= actions
    assert not AuditEntry.objects.filter(data__icontains="Neu#Pass2026").exists()


@pytest.mark.parametrize(
    ("url_name", "data", "model_name"),
    [
        ("admin:core_calendaroverride_add", {"date": "2026-12-31", "kind": "off", "note": "县庆"}, "calendaroverride"),
        ("admin:core_calendaryear_add", {"year": "2027", "note": "本地录入"}, "calendaryear"),
        (
            "admin:core_unit_add",
            {
                "name": "县数据局",
                "short_name": "数据局",
                "kind": "department",
                "phone": "",
                "address": "",
                "sort_order": "50",
                "is_active": "on",
                "contacts-TOTAL_FORMS": "1",
                "contacts-INITIAL_FORMS": "0",
                "contacts-MIN_NUM_FORMS": "0",
                "contacts-MAX_NUM_FORMS": "1000",
                "contacts-0-name": "张数据",
                "contacts-0-title": "局长",
                "contacts-0-office_phone": "",
                "contacts-0-mobile": "",
                "contacts-0-sort_order": "1",
            },
            "unit",
        ),
    ],
)
def test_admin_add_pages_save_and_audit(sysadmin: User, url_name: str, data: dict[str, str], model_name: str) -> None:
    from shuniu.audit.models import AuditEntry

    response = client_for(sysadmin).post(reverse(url_name), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    assert AuditEntry.objects.filter(action=f"admin.{model_name}.add", actor=sysadmin).exists()


def test_admin_sets_a_leader_profile(sysadmin: User, leader2: User) -> None:
    from shuniu.core.models import LeaderProfile

    LeaderProfile.objects.filter(user=leader2).delete()
    response = client_for(sysadmin).post(
        reverse("admin:core_leaderprofile_add"),
        {
            "user": leader2.pk,
            "rank": 9,
            "post": "县委常委、副县长",
            "responsibilities": "城建",
            "office_location": "302",
        },
    )
    assert response.status_code == 302
    assert LeaderProfile.objects.get(user=leader2).rank == 9


def test_a_leader_profile_needs_the_leader_role(sysadmin: User, clerk: User) -> None:
    from shuniu.core.models import LeaderProfile

    response = client_for(sysadmin).post(
        reverse("admin:core_leaderprofile_add"), {"user": clerk.pk, "rank": 30, "post": "县委常委"}
    )
    assert response.status_code == 200
    assert "只有具有“领导”角色的用户" in response.content.decode()
    assert not LeaderProfile.objects.filter(user=clerk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_administrators_changing_roles_at_once_get_one_success_and_one_message(db: None) -> None:
    from shuniu.core.testing import at_once

    user = make_user("zhang", [Role.CLERK])
    outcomes = at_once(
        lambda: services.user_set_roles(
            user=user, roles=[Role.CLERK, Role.SUPERVISOR], expected=[Role.CLERK], actor=None
        ),
        lambda: services.user_set_roles(user=user, roles=[Role.DIRECTOR], expected=[Role.CLERK], actor=None),
    )
    failures = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(failures) == 1
    assert "刚被他人修改" in failures[0].messages[0]
    roles = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    assert roles in ({Role.CLERK, Role.SUPERVISOR}, {Role.DIRECTOR})


@pytest.mark.django_db
def test_the_administrators_password_reset_goes_through_the_service(sysadmin: User, auditor: User) -> None:
    from shuniu.audit.models import AuditEntry

    url = reverse("admin:auth_user_password_change", args=[auditor.pk])
    response = client_for(sysadmin).post(
        url, {"password1": "Reset-by-admin7", "password2": "Reset-by-admin7", "usable_password": "true"}
    )
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.check_password("Reset-by-admin7")
    assert auditor.must_change_password  # the auditor must make it their own at the next login
    entry = AuditEntry.objects.get(action="user.password_set", object_id=str(auditor.pk))
    assert entry.actor_id == sysadmin.pk
    assert entry.data == {"by_owner": False}
    weak = client_for(sysadmin).post(url, {"password1": "auditor1", "password2": "auditor1", "usable_password": "true"})
    assert weak.status_code == 200  # refused with the form's message, nothing changed
    auditor.refresh_from_db()
    assert auditor.check_password("Reset-by-admin7")


@pytest.mark.django_db
def test_the_admin_site_deactivates_users_and_never_deletes_them(sysadmin: User, clerk: User) -> None:
    response = client_for(sysadmin).post(reverse("admin:core_user_delete", args=[clerk.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=clerk.pk).exists()
