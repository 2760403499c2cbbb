from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shuniu.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from shuniu.core import searchable

        searchable.kinds()
