from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "shuniu.documents"
    label = "documents"
    verbose_name = "收文传阅"

    def ready(self) -> None:
        from shuniu.documents import searchable

        searchable.kinds()
        from shuniu.audit.vocabulary import register

        register(
            {
                "document.register": "登记收文",
                "document.supervision_opened": "转入督办",
                "proposal.submit": "提交拟办",
                "proposal.approve": "批准拟办",
                "reading.sign": "签阅",
                "reading.pin": "置顶待阅",
                "copy.deliver": "送达",
                "copy.collect": "收回",
                "copy.take_back": "取回",
                "copy.dispatch": "送出",
                "copy.redirect": "改送",
                "unit_copy.receive": "承办单位签收",
                "unit_copy.chase": "催收承办单位签收",
                "delegation.create": "委托代阅",
                "delegation.revoke": "撤销委托",
            }
        )
        import shuniu.documents.flow  # noqa: F401 - the workflow names its actions for the audit log
        from shuniu.core.availability import availability_changed
        from shuniu.documents.tasks import follow_schedules

        availability_changed.connect(follow_schedules, dispatch_uid="documents_follow_schedules")
