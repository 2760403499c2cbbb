from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "shuniu.documents"
    label = "documents"
    verbose_name = "收文传阅"
