from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "shuniu.notices"
    label = "notices"
    verbose_name = "电话通知"

    def ready(self) -> None:
        from shuniu.notices import searchable

        searchable.kinds()
        from shuniu.audit.vocabulary import register
        from shuniu.notices import flow  # noqa: F401 - the notice's actions name themselves

        register(
            {
                "notice.create": "拟发电话通知",
                "notice.change": "变更通知时间或地点",
                "recipient.hold": "开始拨打",
                "recipient.call": "登记通知情况",
                "recipient.confirm": "联络员确认通知",
                "scope.save": "保存常用通知范围",
                "call.record": "来电登记",
                "call.update": "办理来电",
                "call.called_back": "登记回电",
                "call.linked": "来电转督办或信访",
            }
        )
