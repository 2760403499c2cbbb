import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import Settings

from shuniu import audit
from shuniu.audit import triggers
from shuniu.audit.chain import mask_text, scrub
from shuniu.audit.models import AuditEntry
from shuniu.audit.services import verify
from shuniu.core.models import User
from shuniu.core.testing import client_for


def write(n: int, actor: User | None = None) -> None:
    with transaction.atomic():
        for i in range(n):
            audit.record(actor=actor, action="test.write", data={"i": i, "备注": "中文"})


def sql(statement: str, params: Sequence[str | int] = ()) -> None:
    """What an intruder who owns the database does: lift the append-only triggers and write."""
    table = AuditEntry._meta.db_table
    with triggers.lifted(connection), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), params)


@pytest.mark.django_db(transaction=True)
def test_record_must_run_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=None, action="x")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
class TestChain:
    def test_an_untouched_chain_verifies(self, clerk: User) -> None:
        write(5, clerk)
        result = verify()
        assert result.ok
        assert result.checked == AuditEntry.objects.count()

    def test_edit_through_raw_sql_names_the_entry(self) -> None:
        write(6)
        target = AuditEntry.objects.order_by("seq")[2]
        sql("UPDATE {table} SET action = %s WHERE seq = %s", ["test.forged", target.seq])
        result = verify()
        assert not result.ok
        assert result.broken_seq == target.seq
        assert "篡改" in result.reason

    def test_deletion_in_the_middle_names_the_gap(self) -> None:
        write(6)
        target = AuditEntry.objects.order_by("seq")[3].seq
        sql("DELETE FROM {table} WHERE seq = %s", [target])
        result = verify()
        assert not result.ok
        assert result.broken_seq == target

    def test_deletion_of_the_last_entry_is_noticed(self) -> None:
        write(4)
        last = AuditEntry.objects.order_by("-seq")[0].seq
        sql("DELETE FROM {table} WHERE seq = %s", [last])
        result = verify()
        assert not result.ok
        assert result.broken_seq == last

    def test_swapping_two_entries_is_noticed(self) -> None:
        write(6)
        a, b = AuditEntry.objects.order_by("seq")[1:3]
        sql("UPDATE {table} SET seq = 999999 WHERE seq = %s", [a.seq])
        sql("UPDATE {table} SET seq = %s WHERE seq = %s", [a.seq, b.seq])
        sql("UPDATE {table} SET seq = %s WHERE seq = 999999", [b.seq])
        result = verify()
        assert not result.ok
        assert result.broken_seq == a.seq

    def test_audit_verify_command(self) -> None:
        write(3)
        call_command("audit_verify")
        sql("UPDATE {table} SET data = %s WHERE seq = 2", ['{"i": 99}'])
        with pytest.raises(CommandError, match="第 2 条"):
            call_command("audit_verify")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=1, max_value=12),
    pick=st.integers(min_value=0, max_value=11),
    kind=st.sampled_from(["edit", "delete", "rehash"]),
)
def test_any_tampering_is_found_at_the_tampered_entry(size: int, pick: int, kind: str) -> None:
    with transaction.atomic():
        base = AuditEntry.objects.count()
        write(size)
        seq = base + 1 + pick % size
        if kind == "edit":
            sql("UPDATE {table} SET object_repr = %s WHERE seq = %s", ["伪造", seq])
        elif kind == "delete":
            sql("DELETE FROM {table} WHERE seq = %s", [seq])
        else:  # forge the entry and recompute its own hash: the next link still breaks
            sql("UPDATE {table} SET action = %s, hash = %s WHERE seq = %s", ["forged", "f" * 64, seq])
        result = verify()
        assert not result.ok
        assert result.broken_seq == seq
        transaction.set_rollback(True)


class TestScrub:
    def test_secret_keys_are_hidden(self) -> None:
        cleaned = scrub({"password": "Secret#123", "nested": {"api_token": "abc"}, "name": "张三"})
        assert cleaned == {"password": "[已隐去]", "nested": {"api_token": "[已隐去]"}, "name": "张三"}

    def test_id_and_phone_numbers_are_masked(self) -> None:
        text = "身份证110101199003071234，手机13812345678，旧证110101900307123"
        masked = mask_text(text)
        assert "110101********1234" in masked
        assert "138****5678" in masked
        assert "110101*****0123"[:6] in masked
        assert "900307" not in masked
        assert "1990030712" not in masked
        assert "12345678" not in masked

    @pytest.mark.parametrize(
        "written",
        [
            "138-1234-5678",
            "138 1234 5678",
            "+86 13812345678",
            "+86-138-1234-5678",
            "１３８１２３４５６７８",
            "１３８－１２３４－５６７８",
        ],
    )
    def test_phone_numbers_are_masked_however_they_are_written(self, written: str) -> None:
        masked = mask_text(f"联系电话：{written}。")
        assert "1234" not in masked
        assert "****5678" in masked

    @pytest.mark.django_db
    def test_nothing_personal_reaches_a_stored_entry(self) -> None:
        with transaction.atomic():
            entry = audit.record(
                actor=None, action="x", data={"phone": "13912345678", "id": "11010119900307123X", "pwd_password": "p"}
            )
        stored = AuditEntry.objects.get(pk=entry.pk).data
        assert "13912345678" not in str(stored)
        assert "11010119900307123X" not in str(stored)
        assert stored["pwd_password"] == "[已隐去]"


@pytest.mark.django_db
def test_removing_a_user_row_leaves_the_chain_whole(clerk: User) -> None:
    from shuniu.audit.services import verify

    with transaction.atomic():
        audit.record(actor=clerk, action="x.y", data={})
    from django.db import connection

    with connection.cursor() as cursor:  # as a careless script would; the admin site cannot delete users
        cursor.execute("DELETE FROM core_rolegrant WHERE user_id = %s", [clerk.pk])
        cursor.execute("DELETE FROM core_user WHERE id = %s", [clerk.pk])
    entry = AuditEntry.objects.get(action="x.y")
    assert entry.actor_id == clerk.pk
    assert verify().ok


def rewrite_chain(key: bytes | None, *, change_seq: int, keep: int | None = None) -> None:
    """What an intruder with the database does: change an entry (and drop the tail), recompute every link."""
    from shuniu.audit.chain import GENESIS, entry_hash
    from shuniu.audit.models import AuditHead
    from shuniu.audit.services import entry_fields

    with triggers.lifted(connection):
        if keep is not None:
            AuditEntry.objects.filter(seq__gt=keep).delete()
        prev = GENESIS
        for entry in AuditEntry.objects.order_by("seq"):
            if entry.seq == change_seq:
                entry.action = "forged"
            fields = entry_fields(entry)
            entry.prev_hash, entry.hash = prev, entry_hash(prev_hash=prev, fields=fields, key=key)
            AuditEntry.objects.filter(pk=entry.pk).update(
                action=entry.action, prev_hash=entry.prev_hash, hash=entry.hash
            )
            prev = entry.hash
    last = AuditEntry.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(seq=last.seq if last else 0, hash=prev)


@pytest.mark.django_db
class TestKeyedChain:
    def test_a_chain_rewritten_without_the_key_does_not_verify(self) -> None:
        import os

        write(6)
        rewrite_chain(os.urandom(32), change_seq=3)  # the intruder's guess of a key
        assert not verify().ok
        rewrite_chain(None, change_seq=3)  # or plain SM3, as the chain was before the key
        result = verify()
        assert not result.ok
        assert result.broken_seq == 1

    def test_with_the_key_too_an_exported_checkpoint_shows_the_rewrite(self, settings: Settings) -> None:
        from shuniu.audit.services import checkpoint_make, parse_checkpoints, verify_against

        write(6)
        exported = checkpoint_make().line()
        write(2)
        rewrite_chain(settings.AUDIT_KEY, change_seq=3)
        assert verify().ok  # the key alone lets the intruder make a consistent chain...
        result = verify_against(parse_checkpoints(exported))
        assert not result.ok  # ...but not one that matches the checkpoint kept outside
        assert result.broken_seq == 6
        assert "改写" in result.reason

    def test_a_log_cut_after_a_checkpoint_is_noticed(self, settings: Settings) -> None:
        from shuniu.audit.services import checkpoint_make, parse_checkpoints, verify_against

        write(6)
        exported = checkpoint_make().line()
        rewrite_chain(settings.AUDIT_KEY, change_seq=0, keep=4)
        assert verify().ok
        result = verify_against(parse_checkpoints(exported))
        assert not result.ok
        assert "截断" in result.reason

    def test_the_command_reads_an_exported_file(self, tmp_path: Path, auditor: User) -> None:
        from django.core.management import call_command
        from django.core.management.base import CommandError

        write(3)
        page = client_for(auditor).get(reverse("audit:checkpoints"))
        path = tmp_path / "检查点.txt"
        path.write_bytes(page.content)
        out = io.StringIO()
        call_command("audit_verify", checkpoint=str(path), stdout=out)
        assert "检查点一致" in out.getvalue()
        sql("UPDATE {table} SET action = %s WHERE seq = %s", ["forged", 2])
        with pytest.raises(CommandError, match="断裂"):
            call_command("audit_verify", checkpoint=str(path))


@pytest.mark.django_db(transaction=True)
class TestAppendOnly:
    def test_the_database_refuses_to_update_or_delete_an_entry(self) -> None:
        from django.db import DatabaseError

        write(3)
        for statement in (
            "UPDATE audit_auditentry SET action = 'forged' WHERE seq = 2",
            "DELETE FROM audit_auditentry",
        ):
            with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as c:
                c.execute(statement)
        assert AuditEntry.objects.filter(seq=2, action="test.write").exists()
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.all().delete()
        assert verify().ok

    def test_checkpoints_are_append_only_too(self) -> None:
        from django.db import DatabaseError

        from shuniu.audit.models import AuditCheckpoint
        from shuniu.audit.services import checkpoint_make

        write(2)
        checkpoint_make()
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditCheckpoint.objects.update(seq=1)
        assert AuditCheckpoint.objects.get().seq == AuditEntry.objects.count()

    def test_flush_refuses_a_database_that_holds_audit_entries(self, settings: Settings) -> None:
        settings.AUDIT_FLUSH_ALLOWED = False
        write(1)
        with pytest.raises(CommandError, match="180 天"):
            call_command("flush", interactive=False, verbosity=0)
        assert AuditEntry.objects.count() == 1
        assert triggers.installed(connection)
