from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "shuniu.knowledge"
    label = "knowledge"
    verbose_name = "县情资料"

    def ready(self) -> None:
        from shuniu.knowledge import searchable

        searchable.kinds()
        from shuniu.audit.vocabulary import register

        register(
            {
                "statement.add": "录入县情数值",
                "statement.supersede": "作废县情数值",
                "statement.prefer": "设为首选数值",
            }
        )
