from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "shuniu.board"
    label = "board"
    verbose_name = "工作台"
