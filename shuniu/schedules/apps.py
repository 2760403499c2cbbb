from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "shuniu.schedules"
    label = "schedules"
    verbose_name = "领导日程"
