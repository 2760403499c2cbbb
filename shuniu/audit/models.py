"""The tamper-evident audit log: every entry is chained to the one before it by an SM3 hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One recorded action. `hash` = SM3(prev_hash ‖ canonical JSON of the entry's fields)."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    # DO_NOTHING without a database constraint: the actor's id stays as recorded (it is part of the hash)
    # even if a user row were ever removed; users who have acted are deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    data = models.JSONField("详情", default=dict)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The single row that holds the chain's last sequence number and hash.

    Writers lock it, so entries are appended one at a time even across processes, and a deleted
    last entry is still noticed by `audit-verify`.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audithead_single_row")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditCheckpoint(models.Model):
    """The chain's head at a moment (sequence number and hash), made daily and kept outside too.

    Exported, printed or sent to another system, a checkpoint proves later that the entries up to it
    have not been rewritten or cut — even by someone who holds the database and the key.
    """

    seq = models.PositiveBigIntegerField("序号")
    hash = models.CharField("哈希", max_length=64)
    made_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "审计检查点"
        verbose_name_plural = "审计检查点"
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return self.line()

    def line(self) -> str:
        """The checkpoint as one line of text, the form `audit-verify --checkpoint` reads."""
        return f"shuniu-audit-checkpoint seq={self.seq} hash={self.hash} at={self.made_at.isoformat()}"
