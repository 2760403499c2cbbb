from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "shuniu.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self) -> None:
        from shuniu.audit.vocabulary import register

        register({"search.rebuild": "重建检索索引"})
