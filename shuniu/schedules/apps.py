from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "shuniu.schedules"
    label = "schedules"
    verbose_name = "领导日程"

    def ready(self) -> None:
        from shuniu.audit.vocabulary import register

        register(
            {
                "engagement.create": "录入日程",
                "engagement.update": "修改日程",
                "engagement.delete": "删除日程",
                "engagement.import": "导入日程",
                "weekly_plan.publish": "发布周工作安排",
                "weekly_plan.read": "阅读周工作安排",
                "key_work.create": "登记重点工作",
                "key_work.update": "修改重点工作",
                "key_work.reschedule": "调整重点工作时间",
                "key_work.check": "勾选准备事项",
                "key_work.complete": "完成重点工作",
                "feed_token.create": "生成日历订阅",
                "feed_token.revoke": "吊销日历订阅",
            }
        )
