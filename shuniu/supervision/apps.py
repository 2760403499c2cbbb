from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shuniu.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from shuniu.supervision import searchable

        searchable.kinds()
        from shuniu.audit.vocabulary import register
        from shuniu.supervision import flow  # noqa: F401 - the matter's actions name themselves

        register(
            {
                "matter.register": "交办登记",
                "assignment.sign": "签收督办事项",
                "assignment.object": "提出不属于本单位职责",
                "assignment.reassign": "改派承办单位",
                "report.submit": "报告进展",
                "chase.record": "登记催办",
                "extension.request": "申请延期",
                "extension.approve": "同意延期",
                "extension.refuse": "不同意延期",
                "escalation.blue": "发出蓝色提示单",
                "escalation.yellow": "发出黄色督办单",
                "escalation.red": "发出红色警示单（抄送主任和交办领导）",
                "escalation.leaders": "停滞情况报告领导",
                "comment.add": "领导阅示反馈报告",
            }
        )
