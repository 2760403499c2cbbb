import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pytest_django import DjangoAssertNumQueries

from shuniu.audit.models import AuditEntry
from shuniu.core.directory import directory_export, directory_import
from shuniu.core.excel import ImportRejected
from shuniu.core.models import Contact, LeaderProfile, Role, Unit, User
from shuniu.core.testing import client_for, make_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(**sheets: list[list[object]]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD: dict[str, list[list[object]]] = dict(
    单位=[
        ["单位名称", "简称", "类别", "办公电话", "地址", "排序"],
        ["县水务局", "水务局", "县直部门", "0999-6123456", "示例县滨河路1号", 20],
        ["桃源乡", "", "乡镇", "", "", 40],
    ],
    联系人=[
        ["单位名称", "姓名", "职务", "办公电话", "手机", "排序"],
        ["县水务局", "林小河", "办公室主任", "0999-6123456", 13812345678, 1],
    ],
    用户=[
        ["用户名", "姓名", "角色", "所属单位", "涉密等级", "手机", "领导排序", "领导职务", "分管领域", "办公室位置"],
        ["linxh", "林小河", "联络员", "县水务局", "无", "", "", "", "", ""],
        ["newleader", "新领导", "领导", "", "机密", "", 7, "县委常委", "水利", "301"],
    ],
)


@pytest.mark.django_db
def test_a_good_file_imports_everything(sysadmin: User) -> None:
    report = directory_import(data=workbook(**GOOD), actor=sysadmin)
    assert report.counts() == {"units": 2, "contacts": 1, "users": 2}
    assert Unit.objects.get(name="县水务局").kind == "department"
    assert Contact.objects.get(name="林小河").mobile == "13812345678"
    liaison = User.objects.get(username="linxh")
    assert liaison.unit is not None
    assert liaison.roles == {Role.LIAISON}
    assert liaison.unit.name == "县水务局"
    assert not liaison.has_usable_password()
    assert LeaderProfile.objects.get(user__username="newleader").rank == 7
    assert AuditEntry.objects.filter(action="directory.import").count() == 1


@pytest.mark.django_db
def test_bad_rows_are_all_reported_with_row_numbers_and_nothing_is_imported(sysadmin: User) -> None:
    bad = dict(GOOD)
    bad["单位"] = [*GOOD["单位"], ["县林业局", "", "街道", "", "", ""]]
    bad["联系人"] = [*GOOD["联系人"], ["县不存在局", "某人", "", "", "123", ""]]
    bad["用户"] = [*GOOD["用户"], ["boss", "坏组合", "系统管理员、文书", "", "无", "", "", "", "", ""]]
    units_before, entries_before = Unit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRejected) as caught:
        directory_import(data=workbook(**bad), actor=sysadmin)
    errors = caught.value.errors
    assert any("「单位」第 4 行" in e and "类别「街道」无效" in e for e in errors)
    assert any("「联系人」第 3 行" in e and "县不存在局" in e and "11 位" in e for e in errors)
    assert any("「用户」第 4 行" in e and "三权分立" in e for e in errors)
    assert len(errors) == 3
    assert Unit.objects.count() == units_before
    assert not User.objects.filter(username="linxh").exists()
    assert AuditEntry.objects.count() == entries_before


@pytest.mark.django_db
def test_not_an_excel_file_is_refused(sysadmin: User) -> None:
    with pytest.raises(ImportRejected, match="不是有效的 Excel"):
        directory_import(data=b"%PDF-1.4 not a workbook", actor=sysadmin)


@pytest.mark.django_db
def test_missing_column_is_reported(sysadmin: User) -> None:
    with pytest.raises(ImportRejected, match="缺少列：类别"):
        directory_import(data=workbook(单位=[["单位名称"], ["县水务局"]]), actor=sysadmin)


@pytest.mark.django_db
def test_export_imports_back_unchanged(sysadmin: User, leader: User, liaison: User) -> None:
    make_unit("城关镇", "township")
    exported = directory_export()
    book = load_workbook(io.BytesIO(exported))
    assert book.sheetnames == ["单位", "联系人", "用户"]
    before = sorted(User.objects.values_list("username", "full_name", "unit__name", "clearance"))
    report = directory_import(data=exported, actor=sysadmin)
    assert report.counts()["users"] == User.objects.count()
    assert sorted(User.objects.values_list("username", "full_name", "unit__name", "clearance")) == before
    assert User.objects.get(username="leader").roles == {Role.LEADER}


@pytest.mark.django_db
class TestViews:
    def test_import_page_is_for_the_admin_only(self, clerk: User, sysadmin: User) -> None:
        assert client_for(clerk).get(reverse("core:directory_import")).status_code == 403
        assert client_for(sysadmin).get(reverse("core:directory_import")).status_code == 200

    def test_import_rejects_get_style_mutation(self, sysadmin: User) -> None:
        response = client_for(sysadmin).put(reverse("core:directory_import"))
        assert response.status_code == 405

    def test_bad_upload_shows_errors_and_changes_nothing(self, sysadmin: User) -> None:
        bad: dict[str, list[list[object]]] = dict(GOOD, 单位=[*GOOD["单位"], ["", "", "乡镇", "", "", ""]])
        upload = SimpleUploadedFile("dir.xlsx", workbook(**bad), content_type=XLSX)
        response = client_for(sysadmin).post(reverse("core:directory_import"), {"file": upload})
        assert response.status_code == 200
        assert "未导入任何数据" in response.text
        assert "第 4 行" in response.text
        assert not Unit.objects.filter(name="县水务局").exists()

    def test_wrong_extension_is_refused(self, sysadmin: User) -> None:
        upload = SimpleUploadedFile("dir.csv", b"a,b", content_type="text/csv")
        response = client_for(sysadmin).post(reverse("core:directory_import"), {"file": upload})
        assert "只接受 .xlsx" in response.text

    def test_good_upload_redirects_with_counts(self, sysadmin: User) -> None:
        upload = SimpleUploadedFile("dir.xlsx", workbook(**GOOD), content_type=XLSX)
        response = client_for(sysadmin).post(reverse("core:directory_import"), {"file": upload}, follow=True)
        assert "导入成功" in response.text
        assert Unit.objects.filter(name="县水务局").exists()

    def test_export_download(self, clerk: User, liaison: User) -> None:
        response = client_for(clerk).get(reverse("core:directory_export"))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert client_for(liaison).get(reverse("core:directory_export")).status_code == 403

    def test_directory_query_count_does_not_grow_with_units(
        self, clerk: User, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        for i in range(30):
            unit = make_unit(f"单位{i}")
            Contact.objects.create(unit=unit, name=f"联系人{i}")
        client = client_for(clerk)
        client.get(reverse("core:directory"))  # warm the session
        with django_assert_max_num_queries(7):
            response = client.get(reverse("core:directory"))
        assert response.text.count("card-title") == Unit.objects.count()

    def test_liaison_sees_only_their_own_unit(self, liaison: User, clerk: User) -> None:
        response = client_for(liaison).get(reverse("core:directory"))
        assert "县财政局" in response.text
        assert "秘书室" not in response.text

    def test_auditor_has_no_directory(self, auditor: User) -> None:
        assert client_for(auditor).get(reverse("core:directory")).status_code == 403

    def test_htmx_search_returns_the_partial(self, clerk: User) -> None:
        make_unit("县水务局")
        response = client_for(clerk).get(reverse("core:directory"), {"q": "水务"}, headers={"HX-Request": "true"})
        assert "<html" not in response.text
        assert "县水务局" in response.text
        assert "秘书室" not in response.text


@pytest.mark.django_db
def test_a_clearance_raised_through_excel_shows_who_and_from_what(sysadmin: User, auditor: User) -> None:
    directory_import(data=workbook(**GOOD), actor=sysadmin)
    raised: dict[str, list[list[object]]] = {
        **GOOD,
        "用户": [GOOD["用户"][0], ["linxh", "林小河", "联络员", "县水务局", "秘密", "", "", "", "", ""]],
    }
    directory_import(data=workbook(**raised), actor=sysadmin)
    entry = AuditEntry.objects.get(action="user.update", object_id=str(User.objects.get(username="linxh").pk))
    assert entry.actor_id == sysadmin.pk
    assert entry.data["changes"] == {"clearance": ["无", "秘密"]}
    text = client_for(auditor).get(reverse("audit:entries"), {"action": "user.update"}).text
    assert "修改用户信息" in text
    assert "涉密等级 由“无”改为“秘密”" in text
    # An unchanged import writes no per-object entry.
    directory_import(data=workbook(**raised), actor=sysadmin)
    assert AuditEntry.objects.filter(action__in=["user.update", "unit.update", "contact.update"]).count() == 1
