from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shuniu.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
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
            }
        )
