from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shuniu.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from shuniu.core import searchable

        searchable.kinds()
        from django.db.models.signals import post_delete, post_save

        from shuniu.core.availability import calendar_override_changed
        from shuniu.core.models import CalendarOverride

        post_save.connect(calendar_override_changed, sender=CalendarOverride, dispatch_uid="override_saved")
        post_delete.connect(calendar_override_changed, sender=CalendarOverride, dispatch_uid="override_deleted")
