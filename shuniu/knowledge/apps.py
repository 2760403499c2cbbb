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
                "project.create": "登记重点项目",
                "project.progress": "填报项目进展",
                "project.link": "关联督办事项",
                "project.unlink": "取消关联督办事项",
                "milestone.add": "设置项目节点",
                "milestone.reach": "记录节点完成",
            }
        )
